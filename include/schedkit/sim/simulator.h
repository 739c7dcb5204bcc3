// Trace-driven serving simulator: replicas of the serve::Scheduler driven by an event loop and an
// execution-time model. The scheduler is the same code an engine embeds; the simulator is one caller of it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "schedkit/serve/decision.h"
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

// One finished iteration of one replica.
struct IterationReport {
  int32_t replica = 0;
  double start = 0, end = 0;
  const serve::SchedulerOutput* output = nullptr;    // what ran
  const serve::IterationOutcome* outcome = nullptr;  // tokens produced, requests finished
  int64_t used_blocks = 0;                           // KV blocks in use while it ran
  size_t num_waiting = 0;                            // waiting requests after it
  double flops = 0;                                  // model FLOPs of the iteration (MFU estimate)
};

// Hooks into a run. Observers see replica state read-only; the metrics of a run are one observer.
class SimulationObserver {
 public:
  virtual ~SimulationObserver() = default;
  virtual void OnIterationDone(const IterationReport& /*iteration*/) {}
  // A request left its replica: finished (any finish reason) or rejected at arrival.
  virtual void OnRequestDone(int32_t /*replica*/, const serve::Request& /*request*/) {}
  // Every scheduler decision (admit, skip, preempt, reject, finish), when wants_decisions().
  virtual bool wants_decisions() const { return false; }
  virtual void OnDecision(int32_t /*replica*/, const serve::Decision& /*decision*/) {}
};

// A run: an arrival pump feeding requests from a source through a router to replicas of serve::Scheduler,
// each iteration timed by the execution-time model on an event loop.
class Simulator {
 public:
  // Throws schedkit::Error on bad configuration (unknown policy or router, no replica, ...).
  Simulator(const SimulationConfig& config, RequestSource& source, const ExecutionTimeModel& model);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Observers are called in the order added, after the run's own metrics; they must outlive Run().
  void AddObserver(SimulationObserver* observer);
  // Runs the workload to completion (once).
  SimulationResult Run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs the workload to completion: Simulator(config, source, model).Run().
SimulationResult Simulate(const SimulationConfig& config, RequestSource& source,
                          const ExecutionTimeModel& model);

}  // namespace schedkit::sim
