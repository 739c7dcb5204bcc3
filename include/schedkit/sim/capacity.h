// Capacity search: the largest request rate one deployment holds under latency SLOs (as Vidur-Search and
// Sarathi-Serve's capacity search): Poisson arrivals at rate r over a fixed list of request lengths,
// bracketed by doubling, then bisected.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "schedkit/sim/simulator.h"

namespace schedkit::sim {

struct CapacitySlo {
  double ttft_p90 = 2.0;   // seconds; <= 0 disables
  double tbt_p99 = 0.2;    // per-token TBT, seconds; <= 0 disables
  double delay_p99 = 0.0;  // scheduling delay, seconds (Vidur-Search: 5 s); <= 0 disables
};

struct CapacityOptions {
  CapacitySlo slo;
  double start_rate = 1.0;   // req/s of the first run
  double max_rate = 4096.0;  // give up doubling beyond this
  double tolerance = 0.01;   // stop when (hi - lo) / hi <= tolerance
  uint64_t seed = 0;         // Poisson arrivals
};

struct CapacityRun {
  double rate = 0;
  Summary summary;
  bool ok = false;
  std::string violated;  // which SLO failed ("" when ok)
};

struct CapacityResult {
  double capacity = 0;            // the highest rate that met every SLO (0 when even the lowest failed)
  std::string bound_by;           // the SLO the first failing rate above the capacity violated
  double failed_above = 0;        // the lowest failing rate above the capacity (0 when none)
  std::vector<CapacityRun> runs;  // every run, in search order
};

// Checks one run against the SLOs; returns the violated SLO's description or "".
std::string ViolatedSlo(const Summary& s, const CapacitySlo& slo);

// `lengths`: (prompt, output) pairs in order. Throws schedkit::Error for empty lengths or bad options.
CapacityResult SearchCapacity(const SimulationConfig& config,
                              const std::vector<std::pair<int32_t, int32_t>>& lengths,
                              const ExecutionTimeModel& model, const CapacityOptions& options,
                              const std::function<void(const CapacityRun&)>& on_run = {});

}  // namespace schedkit::sim
