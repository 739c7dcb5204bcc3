#include "ranked_policy.h"

#include <algorithm>

namespace schedkit::serve {

BatchingRules RankedRules(BatchingRules::Preemption preemption) {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kRanked;
  rules.reservation = BatchingRules::Reservation::kIncremental;
  rules.preemption = preemption;
  rules.chunked_prefill = true;
  rules.respect_watermark = false;
  rules.admit_after_preemption = true;
  rules.running_sorted_by_arrival = false;
  rules.default_token_budget = 2048;
  rules.evict_lower_ranked = true;
  return rules;
}

void RankedPolicy::Push(Request* r) {
  r->queue_stamp =
      ++next_stamp_;  // unique across slot reuse, so a recycled request never matches an old entry
  heap_.push_back(Entry{r, r->queue_stamp, r->rank_class, r->rank_key, r->arrival_seq});
  std::push_heap(heap_.begin(), heap_.end(), After);
}

void RankedPolicy::Enqueue(Request* r, const EngineView& engine) {
  RankArrival(*r, engine);
  Push(r);
  ++num_waiting_;
  AfterQueued(r);
}

void RankedPolicy::Requeue(Request* r) {
  RankRequeued(*r);
  Push(r);
  ++num_waiting_;
  AfterQueued(r);
}

Request* RankedPolicy::PeekWaiting() {
  while (!heap_.empty() && !IsWaiting(heap_.front().r, heap_.front().stamp)) {
    std::pop_heap(heap_.begin(), heap_.end(), After);
    heap_.pop_back();
  }
  return heap_.empty() ? nullptr : heap_.front().r;
}

void RankedPolicy::PopWaiting() {
  std::pop_heap(heap_.begin(), heap_.end(), After);
  heap_.pop_back();
  --num_waiting_;
}

void RankedPolicy::OrderRunning(std::vector<Request*>& running, const EngineView& engine) {
  BeforeIteration(engine);
  RerankRunning(running, engine);
  auto before = [](const Request* a, const Request* b) { return RanksBefore(*a, *b); };
  // Between iterations only a few requests change rank (a promotion, a demotion, a level crossing): keep the
  // longest run of the list that a greedy pass finds in order -- forward (keeps the list when an element
  // moved up) or backward (when one moved down) -- sort the few displaced ones and merge: O(n + k log k).
  kept_.clear();
  displaced_.clear();
  for (Request* r : running) {
    if (kept_.empty() || !before(r, kept_.back())) {
      kept_.push_back(r);
    } else {
      displaced_.push_back(r);
    }
  }
  if (displaced_.empty()) return;  // already in order
  // The result is the unique sorted order either way; the backward pass only pays off when the forward one
  // displaced many (one request that moved down), not for a few dozen demotions.
  if (displaced_.size() > 64) {
    kept_back_.clear();
    displaced_back_.clear();
    for (auto it = running.rbegin(); it != running.rend(); ++it) {
      if (kept_back_.empty() || !before(kept_back_.back(), *it)) {
        kept_back_.push_back(*it);
      } else {
        displaced_back_.push_back(*it);
      }
    }
    if (displaced_back_.size() < displaced_.size()) {
      std::reverse(kept_back_.begin(), kept_back_.end());
      kept_.swap(kept_back_);
      displaced_.swap(displaced_back_);
    }
  }
  std::sort(displaced_.begin(), displaced_.end(), before);
  std::merge(kept_.begin(), kept_.end(), displaced_.begin(), displaced_.end(), running.begin(), before);
}

}  // namespace schedkit::serve
