// Job-shop experiments over sets of instances, as the CLI runs them: ISBJSSP rules x shutdown probabilities
// averaged over instances and seeds, and a learned dispatcher's mean gaps per size class.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/graph/jssp_bench.h"
#include "schedkit/graph/jssp_instance.h"
#include "schedkit/graph/jssp_policy.h"
#include "schedkit/graph/jssp_rules.h"

namespace schedkit::graph {

// An instance and the best known upper bound of its JSSP makespan (0: unknown).
struct JsspBoundedInstance {
  JsspInstance instance;
  int64_t ub = 0;
};

// The shared instances (data_dir/instances/<name>.txt) of a family or size class listed in
// data_dir/bounds.csv, in name order, with their `ub`. Throws schedkit::Error when none matches.
std::vector<JsspBoundedInstance> ReadJsspFamily(const std::string& data_dir,
                                                const std::string& family_or_class);

struct IsbjsspExperimentOptions {
  std::vector<DispatchRule> rules;
  std::vector<double> probabilities;  // shutdown probabilities
  int seeds = 5;                      // seeds 1..seeds per instance, >= 1
  int max_down = 0;                   // d_max (0: each instance's largest processing time)
};

struct IsbjsspExperimentResult {
  bool ratio = false;                     // makespans divided by the JSSP ub (every instance has one)
  std::vector<std::vector<double>> mean;  // [rule][probability]: mean over instances and seeds
};

// Every run is checked with FindIsbjsspViolations (an invalid schedule is an internal error).
IsbjsspExperimentResult RunIsbjsspExperiment(const std::vector<JsspBoundedInstance>& instances,
                                             const IsbjsspExperimentOptions& options);

// Mean gaps (%) to the best known upper bound over the instances of one size class.
struct JsspPolicyClassGaps {
  std::string size_class;
  int instances = 0;
  double learned = 0;    // the policy, greedy
  double best_rule = 0;  // the best rule per instance
  double last_rule = 0;  // the last rule of the bench (FDD/MWKR with AllDispatchRules())
};

// `rows` from RunJsspBench(bench) with at least one rule; classes in order of first appearance.
std::vector<JsspPolicyClassGaps> CompareJsspPolicyByClass(const JsspBenchOptions& bench,
                                                          const std::vector<JsspBenchRow>& rows,
                                                          const JsspPolicy& policy);

}  // namespace schedkit::graph
