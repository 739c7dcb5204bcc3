#include "compose.h"

#include <algorithm>

namespace schedkit::serve {

Composition CompositionFor(BatchingRules::Order order) {
  switch (order) {
    case BatchingRules::Order::kPrefillFirst:
      return ComposePrefillFirst;
    case BatchingRules::Order::kDecodesThenChunks:
      return ComposeDecodesThenChunks;
    case BatchingRules::Order::kRunningListOrder:
      return ComposeRunningListOrder;
    case BatchingRules::Order::kHybridWholePrompt:
      return ComposeHybridWholePrompt;
    case BatchingRules::Order::kStaticBatch:
      return ComposeStaticBatch;
    case BatchingRules::Order::kRanked:
      return ComposeRanked;
  }
  return nullptr;
}

void ScheduleAllDecodes(BatchBuilder& b) {
  const std::vector<Request*>& running = b.running();
  size_t i = 0;
  while (i < running.size()) {
    if (!b.GrowOrPreempt(&i, 1)) continue;  // running[i] is now the next request
    b.AddToBatch(running[i], 1);
    ++i;
  }
}

void AdmitChunked(BatchBuilder& b, int32_t used) {
  if (b.num_preempted() > 0 && !b.rules().admit_after_preemption) {
    b.SkipWaitingHead(DecisionReason::kKv);  // KV ran short in this iteration
    return;
  }
  while (Request* r = b.PeekWaitingWithCacheHit()) {
    const int32_t left = b.budget() - used;
    if (left <= 0) {
      b.SkipWaitingHead(DecisionReason::kBudget);
      break;
    }
    const int32_t n = std::min(r->num_uncomputed_tokens(), left);
    if (!b.TryAdmit(r, n)) break;
    used += n;
  }
}

void AdmitWholePrompts(BatchBuilder& b, int64_t used) {
  while (Request* r = b.PeekWaitingWithCacheHit()) {
    const int32_t n = r->num_uncomputed_tokens();
    if (used + n > b.budget() && used > 0) {
      b.SkipWaitingHead(DecisionReason::kBudget);
      break;
    }
    if (!b.TryAdmit(r, n)) break;
    used += n;
  }
}

}  // namespace schedkit::serve
