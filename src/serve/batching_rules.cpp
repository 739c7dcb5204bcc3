// Which BatchingRules combinations make sense, from what each composition order (compose_*.cpp) reads:
// - chunked_prefill must match the order: kDecodesThenChunks, kRunningListOrder and kRanked always chunk
//   prompts to the budget left, kPrefillFirst, kHybridWholePrompt and kStaticBatch always run whole prompts
//   (the flag also decides whether a prompt longer than the budget is rejected at arrival);
// - padded_prefill_budget is read by kPrefillFirst only (the padded cost of a prefill-only batch);
// - evict_lower_ranked is read by kRanked only;
// - admit_after_preemption=false is honoured by kDecodesThenChunks and kRunningListOrder only (the others
//   admit before they grow running requests, or ignore it);
// - kRanked keeps the running list in rank order, so it cannot also be kept by arrival;
// - a negative default token budget means nothing (0 = no budget).
#include <fmt/core.h>

#include <string_view>

#include "schedkit/serve/policy.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

using Order = BatchingRules::Order;

std::string_view OrderName(Order order) {
  switch (order) {
    case Order::kPrefillFirst:
      return "kPrefillFirst";
    case Order::kDecodesThenChunks:
      return "kDecodesThenChunks";
    case Order::kRunningListOrder:
      return "kRunningListOrder";
    case Order::kHybridWholePrompt:
      return "kHybridWholePrompt";
    case Order::kStaticBatch:
      return "kStaticBatch";
    case Order::kRanked:
      return "kRanked";
  }
  return "?";
}

bool ChunksPrompts(Order order) {
  return order == Order::kDecodesThenChunks || order == Order::kRunningListOrder || order == Order::kRanked;
}

[[noreturn]] void Contradiction(Order order, std::string_view field, bool value, std::string_view why) {
  throw Error(fmt::format("BatchingRules: order={} with {}={} is contradictory: {}", OrderName(order), field,
                          value, why));
}

}  // namespace

void ValidateBatchingRules(const BatchingRules& rules) {
  const Order order = rules.order;
  if (rules.chunked_prefill != ChunksPrompts(order)) {
    Contradiction(order, "chunked_prefill", rules.chunked_prefill,
                  rules.chunked_prefill ? "this order runs whole prompts"
                                        : "this order chunks prompts to the token budget left");
  }
  if (rules.padded_prefill_budget && order != Order::kPrefillFirst) {
    Contradiction(order, "padded_prefill_budget", true, "only kPrefillFirst builds prefill-only batches");
  }
  if (rules.evict_lower_ranked && order != Order::kRanked) {
    Contradiction(order, "evict_lower_ranked", true, "only kRanked ranks running against waiting requests");
  }
  if (!rules.admit_after_preemption && order != Order::kDecodesThenChunks &&
      order != Order::kRunningListOrder) {
    Contradiction(order, "admit_after_preemption", false,
                  "only kDecodesThenChunks and kRunningListOrder grow running requests before admitting");
  }
  if (rules.running_sorted_by_arrival && order == Order::kRanked) {
    Contradiction(order, "running_sorted_by_arrival", true, "kRanked keeps the running list in rank order");
  }
  if (rules.default_token_budget < 0) {
    throw Error(fmt::format("BatchingRules: default_token_budget={} must be positive (0 = no budget)",
                            rules.default_token_budget));
  }
}

}  // namespace schedkit::serve
