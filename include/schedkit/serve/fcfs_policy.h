// Base for the first-come-first-served schedulers (vllm, vllm-v1, sarathi, orca, fcfs-static): they differ
// only in their BatchingRules. Options common to all: preemption=recompute|swap.
#pragma once

#include <string>

#include "schedkit/serve/fcfs_queue.h"
#include "schedkit/serve/policy.h"

namespace schedkit::serve {

class FcfsPolicy : public SchedulingPolicy {
 public:
  FcfsPolicy(std::string name, BatchingRules rules, const PolicyOptions& options);
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

}  // namespace schedkit::serve
