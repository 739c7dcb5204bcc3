// Test doubles for the simulator: an execution model with a hand-checkable formula and an in-memory source.
#pragma once

#include <vector>

#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/workload.h"

namespace schedkit::sim::testing {

// time = base + per_token x tokens (seconds).
class LinearModel : public ExecutionTimeModel {
 public:
  LinearModel(double base, double per_token) : base_(base), per_token_(per_token) {}
  IterationTime Predict(const BatchShape& b) const override {
    IterationTime t;
    t.linear = base_ + per_token_ * static_cast<double>(b.num_tokens());
    return t;
  }
  const std::vector<OperatorSource>& Sources() const override { return sources_; }

 private:
  double base_, per_token_;
  std::vector<OperatorSource> sources_;
};

class ListSource : public RequestSource {
 public:
  explicit ListSource(std::vector<serve::RequestSpec> v) : v_(std::move(v)) {}
  std::optional<serve::RequestSpec> Next() override {
    if (i_ == v_.size()) return std::nullopt;
    return v_[i_++];
  }

 private:
  std::vector<serve::RequestSpec> v_;
  size_t i_ = 0;
};

inline serve::RequestSpec Spec(serve::RequestId id, double arrival, int32_t prompt, int32_t output) {
  serve::RequestSpec s;
  s.id = id;
  s.arrival_time = arrival;
  s.prompt_tokens = prompt;
  s.output_tokens = output;
  return s;
}

}  // namespace schedkit::sim::testing
