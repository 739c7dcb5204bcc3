// What one iteration runs: the output of Scheduler::Schedule().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

// One request's share of the iteration being built.
struct ScheduledRequest {
  Request* request = nullptr;
  int32_t num_tokens = 0;      // tokens computed this iteration
  int32_t context_tokens = 0;  // tokens already in KV before them
  bool is_decode = false;      // exactly the last sampled token
  bool admitted = false;       // taken from the waiting queue in this iteration (new, resumed or swapped in)
};

// What a policy sees of one scheduled request: the same fields, the request read-only.
struct ScheduledView {
  const Request* request = nullptr;
  int32_t num_tokens = 0;
  int32_t context_tokens = 0;
  bool is_decode = false;
  bool admitted = false;
};

// The batch handed to SchedulingPolicy::OnScheduled: a read-only range of ScheduledView over the scheduler's
// own ScheduledRequest list (views are made on the fly, nothing is copied up front).
class ScheduledBatch {
 public:
  class Iterator {
   public:
    explicit Iterator(const ScheduledRequest* at) : at_(at) {}
    ScheduledView operator*() const {
      return {at_->request, at_->num_tokens, at_->context_tokens, at_->is_decode, at_->admitted};
    }
    Iterator& operator++() {
      ++at_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return at_ == o.at_; }

   private:
    const ScheduledRequest* at_;
  };

  ScheduledBatch(std::span<const ScheduledRequest> items) : items_(items) {}     // NOLINT: implicit
  ScheduledBatch(const std::vector<ScheduledRequest>& items) : items_(items) {}  // NOLINT: implicit
  Iterator begin() const { return Iterator(items_.data()); }
  Iterator end() const { return Iterator(items_.data() + items_.size()); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  ScheduledView operator[](size_t i) const { return *Iterator(&items_[i]); }

 private:
  std::span<const ScheduledRequest> items_;
};

struct SchedulerOutput {
  int64_t iteration = 0;
  std::vector<ScheduledRequest> scheduled;
  std::vector<Request*> preempted;  // preempted while building this iteration
  int64_t swapped_out_blocks = 0;
  int64_t swapped_in_blocks = 0;
  bool empty() const { return scheduled.empty(); }
};

}  // namespace schedkit::serve
