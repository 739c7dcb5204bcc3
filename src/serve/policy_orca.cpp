// `orca`: iteration-level scheduling. Every running decode plus newly admitted requests with their whole
// prompt in one iteration, no token budget; each request reserves max_model_len worth of KV at admission (no
// watermark), so it never preempts.
#include "schedkit/serve/fcfs_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {

namespace {

BatchingRules OrcaRules() {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kHybridWholePrompt;
  rules.reservation = BatchingRules::Reservation::kMaxModelLen;
  rules.chunked_prefill = false;
  rules.respect_watermark = false;
  rules.running_sorted_by_arrival = true;
  rules.default_token_budget = 0;  // no budget
  return rules;
}

const PolicyRegistration kOrcaRegistration{PolicyInfo{
    .name = "orca",
    .description =
        "Orca: iteration-level batching of every decode plus whole new prompts, max_model_len KV reserved",
    .options = {PreemptionOption("recompute")},
    .make = [](OptionReader& options) { return MakeFcfsPolicy(options, OrcaRules()); },
}};

}  // namespace

}  // namespace schedkit::serve
