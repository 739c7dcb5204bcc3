// The composition orders: one function per BatchingRules::Order builds an iteration from the batch builder's
// primitives. A new order is an enum value, one file defining its function and one row in compose.cpp's table
// (which also tells ValidateBatchingRules which rules the order reads).
#pragma once

#include <cstdint>
#include <string_view>

#include "schedkit/serve/batch_builder.h"
#include "schedkit/serve/policy.h"

namespace schedkit::serve {

using Composition = void (*)(BatchBuilder& b);

struct CompositionInfo {
  BatchingRules::Order order;
  std::string_view name;  // as spelled in BatchingRules::Order
  Composition compose;
  bool chunks_prompts;          // prompts are chunked to the budget left (else they run whole)
  bool reads_padded_budget;     // honours padded_prefill_budget
  bool grows_before_admitting;  // honours admit_after_preemption=false
  bool ranks_running;           // keeps the running list in rank order; honours evict_lower_ranked
};

// The composition of `order`.
const CompositionInfo& CompositionFor(BatchingRules::Order order);

void ComposePrefillFirst(BatchBuilder& b);
void ComposeDecodesThenChunks(BatchBuilder& b);
void ComposeRunningListOrder(BatchBuilder& b);
void ComposeHybridWholePrompt(BatchBuilder& b);
void ComposeStaticBatch(BatchBuilder& b);
void ComposeRanked(BatchBuilder& b);

// Steps shared by several orders (compose.cpp).
// Every running request decodes (or continues) by one token, preempting for KV as needed.
void ScheduleAllDecodes(BatchBuilder& b);
// Admits waiting requests chunked to the budget left after `used` tokens, unless the iteration preempted and
// the rules admit nobody then (vLLM v1).
void AdmitChunked(BatchBuilder& b, int32_t used);
// Admits whole waiting prompts while their sum stays within the budget (the first one always may), counting
// from `used` tokens.
void AdmitWholePrompts(BatchBuilder& b, int64_t used);

}  // namespace schedkit::serve
