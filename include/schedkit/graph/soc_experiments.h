// SoC experiments as the CLI runs them: a sweep of schedulers x injection scales, and a learned policy
// against the ETF / runtime HEFT / MET baselines on the same evaluation seeds.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "schedkit/graph/soc_policy.h"
#include "schedkit/graph/soc_sim.h"

namespace schedkit::graph {

struct SocSweepRow {
  SocScheduler scheduler = SocScheduler::kEtf;
  double scale_us = 0;
  SocSimResult result;
  double mean_utilisation = 0;  // mean of result.pe_utilisation
};

// One simulation per (scheduler, scale), schedulers outermost; `config` gives everything else.
std::vector<SocSweepRow> SweepSoc(const Ds3Soc& soc, const SocSimConfig& config,
                                  const std::vector<SocScheduler>& schedulers,
                                  const std::vector<double>& scales_us);

// Mean average job time (us) over `episodes` evaluation episodes with seeds 1000, 1001, ...
struct SocPolicyComparison {
  double learned = 0;                                      // the greedy policy
  std::vector<std::pair<SocScheduler, double>> baselines;  // ETF, runtime HEFT, MET
};

SocPolicyComparison CompareSocPolicy(const Ds3Soc& soc, const SocSimConfig& config, const SocPolicy& policy,
                                     int episodes);

}  // namespace schedkit::graph
