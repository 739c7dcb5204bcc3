#include "compose.h"

#include <fmt/core.h>

#include <algorithm>

#include "schedkit/util/error.h"

namespace schedkit::serve {

namespace {

using Order = BatchingRules::Order;

// clang-format off
constexpr CompositionInfo kCompositions[] = {
    // order                     name                   function                  chunks padded grows  ranks
    {Order::kPrefillFirst,       "kPrefillFirst",       ComposePrefillFirst,      false, true,  false, false},
    {Order::kDecodesThenChunks,  "kDecodesThenChunks",  ComposeDecodesThenChunks, true,  false, true,  false},
    {Order::kRunningListOrder,   "kRunningListOrder",   ComposeRunningListOrder,  true,  false, true,  false},
    {Order::kHybridWholePrompt,  "kHybridWholePrompt",  ComposeHybridWholePrompt, false, false, false, false},
    {Order::kStaticBatch,        "kStaticBatch",        ComposeStaticBatch,       false, false, false, false},
    {Order::kRanked,             "kRanked",             ComposeRanked,            true,  false, false, true},
};
// clang-format on

}  // namespace

const CompositionInfo& CompositionFor(BatchingRules::Order order) {
  for (const CompositionInfo& c : kCompositions) {
    if (c.order == order) return c;
  }
  throw Error(fmt::format("BatchingRules: order {} has no composition", static_cast<int>(order)));
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
