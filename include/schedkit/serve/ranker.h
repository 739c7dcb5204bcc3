// Output-length rankers for learning-to-rank scheduling (Fu et al. 2024). A ranker scores a request once, at
// arrival; a HIGHER score means a SHORTER predicted output (the paper's convention). Learned rankers also see
// every finished request (its true output length) and train online.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

class OutputRanker {
 public:
  virtual ~OutputRanker() = default;
  virtual std::string_view name() const = 0;
  virtual double Score(const RequestSpec& spec) = 0;
  // A finished request and the number of tokens it generated (online training; no-op for oracles).
  virtual void Observe(const RequestSpec& /*spec*/, int32_t /*output_tokens*/) {}
};

struct RankerOptions {
  std::string kind = "oracle";  // oracle | noisy | learned
  double tau = 0.55;            // noisy: target Kendall tau between score and -output length, in [-1, 1]
  uint64_t seed = 0;
  double learning_rate = 0.05;   // learned: SGD step of the pairwise logistic loss
  int32_t pairs_per_update = 8;  // learned: pairs drawn from the recent-finished buffer per finished request
};

// Throws schedkit::Error for an unknown kind (listing the valid ones) or tau outside [-1, 1].
std::unique_ptr<OutputRanker> MakeRanker(const RankerOptions& options);

// Kendall tau-b between two equally long series (ties counted as in scipy.stats.kendalltau), O(n log n).
double KendallTau(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace schedkit::serve
