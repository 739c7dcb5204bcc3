// A learned job-shop dispatcher on the JsspEnv (the L2D experiment in small): a linear scorer over
// per-job features, softmax over the schedulable jobs, trained with REINFORCE on random Taillard-style
// instances. Deterministic for a seed.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "schedkit/graph/jssp_env.h"

namespace schedkit::graph {

struct JsspPolicy {
  static constexpr int kFeatures = 5;
  // -p(next op), work left, operations left, -(start - earliest start), -(end - earliest end); times are
  // divided by the instance's mean processing time, work by that times the number of machines.
  std::array<double, kFeatures> weights{};
  static std::array<const char*, kFeatures> FeatureNames();
  static std::vector<std::array<double, kFeatures>> Features(const JsspInstance& inst,
                                                             const JsspObservation& o);
  int Greedy(const JsspInstance& inst, const JsspObservation& o) const;  // a job; ties to the lower id
};

struct JsspPolicyTrainOptions {
  int iterations = 60;
  int episodes_per_batch = 8;
  double learning_rate = 0.1;
  int jobs = 10, machines = 10;  // size of the random training instances
  std::uint64_t seed = 1;
};

struct JsspPolicyTrainResult {
  JsspPolicy policy;
  std::vector<double> mean_makespan_per_iteration;  // sampled policy, per batch
};

JsspPolicyTrainResult TrainJsspPolicy(const JsspPolicyTrainOptions& options);
// Makespan of the greedy policy on `inst` (through the environment; the schedule is validated).
int64_t EvaluateJsspPolicy(const JsspInstance& inst, const JsspPolicy& policy);

}  // namespace schedkit::graph
