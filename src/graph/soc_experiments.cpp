#include "schedkit/graph/soc_experiments.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>

#include "schedkit/util/error.h"

namespace schedkit::graph {

std::vector<SocSweepRow> SweepSoc(const Ds3Soc& soc, const SocSimConfig& config,
                                  const std::vector<SocScheduler>& schedulers,
                                  const std::vector<double>& scales_us) {
  std::vector<SocSweepRow> rows;
  SocSimConfig c = config;
  for (SocScheduler s : schedulers) {
    for (double scale : scales_us) {
      c.scheduler = s;
      c.scale_us = scale;
      SocSweepRow row{s, scale, SimulateSoc(soc, c)};
      for (double u : row.result.pe_utilisation) row.mean_utilisation += u;
      row.mean_utilisation /= static_cast<double>(std::max<size_t>(1, row.result.pe_utilisation.size()));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

SocPolicyComparison CompareSocPolicy(const Ds3Soc& soc, const SocSimConfig& config, const SocPolicy& policy,
                                     int episodes) {
  if (episodes < 1)
    throw Error(fmt::format("SoC policy comparison: episodes must be >= 1, got {}", episodes));
  SocPolicyComparison out;
  for (SocScheduler s : {SocScheduler::kEtf, SocScheduler::kHeftRt, SocScheduler::kMet}) {
    out.baselines.emplace_back(s, 0.0);
  }
  for (int e = 0; e < episodes; ++e) {
    const std::uint64_t seed = 1000 + static_cast<std::uint64_t>(e);
    out.learned += EvaluateSocPolicy(soc, config, policy, seed) / episodes;
    for (auto& [scheduler, mean] : out.baselines) {
      SocSimConfig c = config;
      c.seed = seed;
      c.scheduler = scheduler;
      mean += SimulateSoc(soc, c).avg_job_time_us / episodes;
    }
  }
  return out;
}

}  // namespace schedkit::graph
