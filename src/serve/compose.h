// The composition orders: one function per BatchingRules::Order builds an iteration from the batch builder's
// primitives. A new order is one more file defining its function plus one line in compose.cpp's table.
#pragma once

#include <cstdint>

#include "schedkit/serve/batch_builder.h"
#include "schedkit/serve/policy.h"

namespace schedkit::serve {

using Composition = void (*)(BatchBuilder& b);

// The composition of `order`.
Composition CompositionFor(BatchingRules::Order order);

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
