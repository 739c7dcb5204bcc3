// A DS3-style streaming simulator: jobs (DAGs) arrive on a heterogeneous SoC, their tasks move
// outstanding -> ready -> assigned (waiting for data) -> running -> done, and a runtime scheduler maps
// ready tasks to PEs. Time is in integer microseconds as in DS3 (1 us clock, int() communication times).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/soc_table.h"

namespace schedkit::graph {

enum class SocScheduler { kMet, kEtf, kHeftRt, kTable, kExternal };
// met, etf, heft (runtime HEFT), table (DS3's table-based "CP" scheduler: each application's offline
// schedule table, PE and per-PE order, replayed per job; "cp" is accepted as a synonym), external
// (reset/step environment).
// Parsers throw schedkit::Error naming `what` (a flag) and listing the valid names.
SocScheduler ParseSocScheduler(const std::string& name, std::string_view what = "SoC scheduler");
const char* SocSchedulerName(SocScheduler s);

// Where the table scheduler's tables come from: the offline optimiser (OptimiseSocTable), static HEFT, or
// SocSimConfig::tables.
enum class SocTableSource { kOptimised, kHeft, kGiven };
SocTableSource ParseSocTableSource(const std::string& name,  // "opt" or "heft"
                                   std::string_view what = "schedule table source");

struct SocSimConfig {
  std::vector<Ds3Job> apps;           // the job mix
  std::vector<double> probabilities;  // one per app (empty: uniform); need not sum to 1
  double scale_us = 100;              // mean inter-arrival time (exponential), or the exact gap if fixed
  bool fixed_injection = false;
  int max_jobs_in_parallel = 12;  // injection pauses while this many jobs are in the system
  int64_t max_jobs = 100;         // jobs to inject in total (all are run to completion)
  int64_t warmup_us = 0;          // jobs finishing before this time are not counted
  SocScheduler scheduler = SocScheduler::kEtf;
  SocTableSource table_source = SocTableSource::kOptimised;  // table scheduler only
  SocTableSearchOptions table_search;                        // budgets of the offline optimiser
  std::vector<SocTable> tables;  // kGiven: one per app (checked by ReplaySocTable)
  double noise_sigma = 0;  // actual time = expected * max(0.1, N(1, sigma)), rounded; schedulers see expected
  std::uint64_t seed = 1;
};

struct SocSimResult {
  int64_t injected_jobs = 0;
  int64_t completed_jobs = 0;         // counted after warm-up
  double avg_job_time_us = 0;         // mean (tail finish - injection) over counted jobs
  double throughput_jobs_per_ms = 0;  // counted jobs / (end - warm-up)
  double injection_rate_jobs_per_ms = 0;
  int64_t end_time_us = 0;
  std::vector<std::string> pe_names;
  std::vector<double> pe_utilisation;  // busy time after warm-up / (end - warm-up)
  int64_t tasks_run = 0;
};

class SocSimulator;  // defined in soc_sim.cpp; also drives the reset/step environment

// Runs the whole simulation. Throws schedkit::Error on a bad configuration (no app, a task no PE can
// run, max_jobs_in_parallel < 1, scale <= 0, a probability < 0, external scheduler).
SocSimResult SimulateSoc(const Ds3Soc& soc, const SocSimConfig& config);

}  // namespace schedkit::graph
