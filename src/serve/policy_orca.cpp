// `orca`: iteration-level scheduling. Every running decode plus newly admitted requests with their whole
// prompt in one iteration, no token budget; each request reserves max_model_len worth of KV at admission (no
// watermark), so it never preempts.
#include "policies.h"
#include "schedkit/serve/fcfs_policy.h"

namespace schedkit::serve {

std::unique_ptr<SchedulingPolicy> MakeOrcaPolicy(const PolicyOptions& options) {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kHybridWholePrompt;
  rules.reservation = BatchingRules::Reservation::kMaxModelLen;
  rules.chunked_prefill = false;
  rules.respect_watermark = false;
  rules.running_sorted_by_arrival = true;
  rules.default_token_budget = 0;  // no budget
  return std::make_unique<FcfsPolicy>("orca", rules, options);
}

}  // namespace schedkit::serve
