// `vllm`: vLLM v0's prefill-prioritizing scheduler as Vidur models it. A prefill-only batch of whole prompts
// (FIFO) whenever one can be admitted under the padded budget len(batch) x max(prompt) <= token budget
// (4096); otherwise a decode-only batch of every running request. Whole-prompt KV at admission with the
// watermark; recompute preemption of the latest arrival.
#include "schedkit/serve/fcfs_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {

namespace {

BatchingRules VllmRules() {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kPrefillFirst;
  rules.reservation = BatchingRules::Reservation::kWholePrompt;
  rules.chunked_prefill = false;
  rules.padded_prefill_budget = true;
  rules.respect_watermark = true;
  rules.running_sorted_by_arrival = true;
  rules.default_token_budget = 4096;
  return rules;
}

const PolicyRegistration kVllmRegistration{PolicyInfo{
    .name = "vllm",
    .description = "vLLM v0 as in Vidur: prefill-first batches of whole FIFO prompts, else decode-only ones",
    .options = {PreemptionOption("recompute")},
    .make = [](OptionReader& options) { return MakeFcfsPolicy(options, VllmRules()); },
}};

}  // namespace

}  // namespace schedkit::serve
