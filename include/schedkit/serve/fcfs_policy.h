// Base for the first-come-first-served schedulers (vllm, vllm-v1, sarathi, orca, fcfs-static): they differ
// only in their BatchingRules. Options common to all: preemption=recompute|swap.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "schedkit/serve/fcfs_queue.h"
#include "schedkit/serve/policy.h"
#include "schedkit/serve/policy_options.h"

namespace schedkit::serve {

class FcfsPolicy : public SchedulingPolicy {
 public:
  FcfsPolicy(std::string name, BatchingRules rules) : name_(std::move(name)), rules_(rules) {}
  std::string_view name() const override { return name_; }
  BatchingRules rules() const override { return rules_; }
  void Enqueue(Request* request, const EngineView&) override { queue_.PushBack(request); }
  void Requeue(Request* request) override { queue_.PushFront(request); }
  Request* PeekWaiting() override { return queue_.Front(); }
  void PopWaiting() override { queue_.PopFront(); }
  void RemoveWaiting(Request* request) override { queue_.Remove(request); }
  size_t num_waiting() const override { return queue_.size(); }

 private:
  std::string name_;
  BatchingRules rules_;
  FcfsQueue queue_;
};

// An FcfsPolicy with `rules`, its preemption mode read from `options` (schema entry:
// PreemptionOption("recompute")).
std::unique_ptr<SchedulingPolicy> MakeFcfsPolicy(OptionReader& options, BatchingRules rules);

}  // namespace schedkit::serve
