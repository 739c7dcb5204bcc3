// A learned SoC scheduler: a linear scorer over (ready task, PE) features, softmax over the valid pairs,
// trained with REINFORCE (batch-mean baseline, normalised advantages) on the SocEnv. Deterministic for a
// seed.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/graph/soc_env.h"

namespace schedkit::graph {

struct SocPolicy {
  static constexpr int kFeatures = 8;
  // exec, data wait, PE wait, estimated finish (all negated, /100 us), rank_u/100, job age/100,
  // fastest-PE flag, PE idle flag.
  std::array<double, kFeatures> weights{};
  static std::array<const char*, kFeatures> FeatureNames();
  static std::array<double, kFeatures> Features(const SocObservation& o, int ready_index, int pe);
  // The best-scoring valid (ready index, PE) pair, ties to the lower index then PE.
  std::pair<int, int> Greedy(const SocObservation& o) const;
};

struct PolicyTrainOptions {
  int iterations = 40;         // gradient steps
  int episodes_per_batch = 4;  // episodes per gradient step, each with its own seed
  double learning_rate = 0.05;
  std::uint64_t seed = 1;
};

struct PolicyTrainResult {
  SocPolicy policy;
  std::vector<double> mean_job_time_per_iteration;  // sampled-policy mean job time (us) per batch
};

// `config` sets the workload of every episode (jobs, mix, scale, noise); episode seeds derive from
// options.seed.
PolicyTrainResult TrainSocPolicy(const Ds3Soc& soc, const SocSimConfig& config,
                                 const PolicyTrainOptions& options);

// Average job time (us) of the greedy policy on one episode with the given seed.
double EvaluateSocPolicy(const Ds3Soc& soc, const SocSimConfig& config, const SocPolicy& policy,
                         std::uint64_t seed);

}  // namespace schedkit::graph
