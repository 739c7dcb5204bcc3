// Trace-driven serving simulator: replicas of the serve::Scheduler driven by an event loop and an
// execution-time model. The scheduler is the same code an engine embeds; the simulator is one caller of it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "schedkit/serve/policy.h"
#include "schedkit/serve/scheduler.h"
#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/metrics.h"
#include "schedkit/sim/workload.h"

namespace schedkit::sim {

// Per-token and per-iteration costs derived from the model and GPU (zero = not modelled).
struct CostFactors {
  double kv_bytes_per_block = 0;                 // for swap time
  double pcie_bytes_per_s = 0;                   // swap bandwidth
  double linear_flops_per_token = 0;             // 2 x layer parameters per shard
  double attention_flops_per_token_context = 0;  // 4 x layers x hidden / tp: per (token x attended token)
  double peak_flops = 0;                         // per replica (all TP shards)
};

struct SimulationConfig {
  std::string policy = "sarathi";
  serve::PolicyOptions policy_options;
  serve::SchedulerConfig scheduler;
  int32_t num_replicas = 1;
  std::string router = "round_robin";
  uint64_t seed = 0;
  SloSpec slo;
  CostFactors costs;
  bool keep_records = true;
  bool keep_timeline = true;
  // Called about every half second of wall time with (requests done, requests known so far); may be empty.
  std::function<void(int64_t, int64_t)> progress;
};

struct SimulationResult {
  Summary summary;
  std::vector<RequestRecord> records;  // sorted by request id (empty unless keep_records)
  std::vector<TimelinePoint> timeline;
};

// Runs the workload to completion. Throws schedkit::Error on bad configuration (unknown policy or router,
// ...).
SimulationResult Simulate(const SimulationConfig& config, RequestSource& source,
                          const ExecutionTimeModel& model);

}  // namespace schedkit::sim
