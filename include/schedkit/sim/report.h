// Simulation outputs: the side-by-side summary table, per-request CSV (Vidur column names), timeline CSV and
// a JSON summary.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "schedkit/sim/metrics.h"

namespace schedkit::sim {

void PrintSummaryTable(std::FILE* out, const std::vector<Summary>& summaries);
// Throws schedkit::Error naming the path when it cannot be written.
void WriteRequestCsv(const std::string& path, const std::vector<RequestRecord>& records);
void WriteTimelineCsv(const std::string& path, const std::vector<TimelinePoint>& timeline);
// `config_json` is embedded as is (a JSON object text describing the run).
void WriteSummaryJson(const std::string& path, const std::vector<Summary>& summaries,
                      const std::string& config_json);
std::string SummaryToJson(const Summary& s);

}  // namespace schedkit::sim
