// `sarathi`: Sarathi-Serve's stall-free batching. Every running decode first (1 token each, not counted
// against the budget, as in the reference code), then ongoing prefill chunks, then new prompts FIFO, chunks
// clipped to the remaining budget (chunk size 512). Whole-prompt KV at admission with the watermark;
// recompute preemption of the latest arrival.
#include "schedkit/serve/fcfs_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {

namespace {

BatchingRules SarathiRules() {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kDecodesThenChunks;
  rules.reservation = BatchingRules::Reservation::kWholePrompt;
  rules.chunked_prefill = true;
  rules.respect_watermark = true;
  rules.running_sorted_by_arrival = true;
  rules.default_token_budget = 512;
  return rules;
}

const PolicyRegistration kSarathiRegistration{PolicyInfo{
    .name = "sarathi",
    .description = "Sarathi-Serve: stall-free batching of decodes, ongoing prefill chunks, then new prompts",
    .options = {PreemptionOption("recompute")},
    .make = [](OptionReader& options) { return MakeFcfsPolicy(options, SarathiRules()); },
}};

}  // namespace

}  // namespace schedkit::serve
