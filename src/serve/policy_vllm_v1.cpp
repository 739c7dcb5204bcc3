// `vllm-v1`: vLLM v1's scheduler. Running requests first in list order (decodes and ongoing chunks alike),
// then waiting ones, all chunked to the token budget (2048, the OpenAI-server default); KV allocated
// incrementally for the tokens computed, no watermark; on a KV shortage the last running request is preempted
// by recompute and no request is admitted in that iteration.
#include "policies.h"
#include "schedkit/serve/fcfs_policy.h"

namespace schedkit::serve {

std::unique_ptr<SchedulingPolicy> MakeVllmV1Policy(const PolicyOptions& options) {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kRunningListOrder;
  rules.reservation = BatchingRules::Reservation::kIncremental;
  rules.chunked_prefill = true;
  rules.respect_watermark = false;
  rules.admit_after_preemption = false;
  rules.running_sorted_by_arrival = false;
  rules.default_token_budget = 2048;
  return std::make_unique<FcfsPolicy>("vllm-v1", rules, options);
}

}  // namespace schedkit::serve
