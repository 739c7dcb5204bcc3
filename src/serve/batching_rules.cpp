// Which BatchingRules combinations make sense, from what each composition order reads (compose.cpp's table):
// - chunked_prefill must match the order: some orders always chunk prompts to the budget left, the others
//   always run whole prompts (the flag also decides whether a prompt longer than the budget is rejected at
//   arrival);
// - padded_prefill_budget is read by kPrefillFirst only (the padded cost of a prefill-only batch);
// - evict_lower_ranked is read by kRanked only;
// - admit_after_preemption=false is honoured only by the orders that grow running requests before admitting
//   (the others admit first, or ignore it);
// - kRanked keeps the running list in rank order, so it cannot also be kept by arrival;
// - a negative default token budget means nothing (0 = no budget).
#include <fmt/core.h>

#include <string_view>

#include "compose.h"
#include "schedkit/serve/policy.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

[[noreturn]] void Contradiction(const CompositionInfo& c, std::string_view field, bool value,
                                std::string_view why) {
  throw Error(
      fmt::format("BatchingRules: order={} with {}={} is contradictory: {}", c.name, field, value, why));
}

}  // namespace

void ValidateBatchingRules(const BatchingRules& rules) {
  const CompositionInfo& c = CompositionFor(rules.order);
  if (rules.chunked_prefill != c.chunks_prompts) {
    Contradiction(c, "chunked_prefill", rules.chunked_prefill,
                  rules.chunked_prefill ? "this order runs whole prompts"
                                        : "this order chunks prompts to the token budget left");
  }
  if (rules.padded_prefill_budget && !c.reads_padded_budget) {
    Contradiction(c, "padded_prefill_budget", true, "only kPrefillFirst builds prefill-only batches");
  }
  if (rules.evict_lower_ranked && !c.ranks_running) {
    Contradiction(c, "evict_lower_ranked", true, "only kRanked ranks running against waiting requests");
  }
  if (!rules.admit_after_preemption && !c.grows_before_admitting) {
    Contradiction(c, "admit_after_preemption", false,
                  "only kDecodesThenChunks and kRunningListOrder grow running requests before admitting");
  }
  if (rules.running_sorted_by_arrival && c.ranks_running) {
    Contradiction(c, "running_sorted_by_arrival", true, "kRanked keeps the running list in rank order");
  }
  if (rules.default_token_budget < 0) {
    throw Error(fmt::format("BatchingRules: default_token_budget={} must be positive (0 = no budget)",
                            rules.default_token_budget));
  }
}

}  // namespace schedkit::serve
