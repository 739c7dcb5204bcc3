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

struct SimulationResult;

// The output folder of a run of several policies: <dir>/<label>/request_metrics.csv and timeline.csv per
// run, and <dir>/summary.json. Files are written into a staging folder beside <dir> and moved in by
// Commit(), so a failed run leaves no half-written output; items of an earlier run with the same names are
// replaced.
class ReportWriter {
 public:
  explicit ReportWriter(std::string output_dir);
  ~ReportWriter();  // removes the staging folder (empty once committed)
  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;

  void AddRun(const std::string& label, const SimulationResult& result);
  void Commit(const std::vector<Summary>& summaries, const std::string& config_json);

 private:
  std::string dir_, staging_;
  std::vector<std::string> labels_;
};

}  // namespace schedkit::sim
