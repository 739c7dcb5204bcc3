// Gap tables for the job shop over a family of the shared instances: dispatching rules and, optionally,
// the tabu search, against the best known upper bound (and CP-SAT 600 s from bounds.csv).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "schedkit/graph/jssp_instance.h"
#include "schedkit/graph/jssp_rules.h"
#include "schedkit/graph/jssp_tabu.h"

namespace schedkit::graph {

struct JsspBenchOptions {
  std::string data_dir;             // folder with instances/ and bounds.csv
  std::string family;               // ta, dmu, la, ft, abz, orb, swv, yn, or a class such as ta01-10
  std::vector<DispatchRule> rules;  // rule baselines to compute
  bool tabu = false;                // also run the tabu search from the best rule
  TabuOptions tabu_options;
};

struct JsspBenchRow {
  std::string instance, size_class;
  int jobs = 0, machines = 0;
  int64_t ub = 0, cpsat600_ub = 0;
  std::vector<int64_t> rule_makespan;  // aligned with options.rules
  int64_t tabu_makespan = 0;
  std::string tabu_start_rule, tabu_stopped_by;
  int64_t tabu_iterations = 0;
  double tabu_seconds = 0, tabu_cpu_seconds = 0;
};

// Size class of an instance: "ta01-10" ... for ta and dmu (blocks of ten), otherwise the family.
std::string SizeClass(const std::string& instance, const std::string& family);

// Instances are read in name order; every schedule is validated. Throws schedkit::Error for an unknown
// family (listing the known ones) or missing data.
std::vector<JsspBenchRow> RunJsspBench(const JsspBenchOptions& options);

// Markdown: per-instance table, then mean gaps (%) per class.
std::string FormatJsspBench(const JsspBenchOptions& options, const std::vector<JsspBenchRow>& rows);

double GapPercent(int64_t makespan, int64_t ub);

}  // namespace schedkit::graph
