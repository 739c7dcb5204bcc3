// `vllm-v1`: vLLM v1's scheduler. Running requests first in list order (decodes and ongoing chunks alike),
// then waiting ones, all chunked to the token budget (2048, the OpenAI-server default); KV allocated
// incrementally for the tokens computed, no watermark; on a KV shortage the last running request is preempted
// by recompute and no request is admitted in that iteration.
#include "schedkit/serve/fcfs_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {

namespace {

BatchingRules VllmV1Rules() {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kRunningListOrder;
  rules.reservation = BatchingRules::Reservation::kIncremental;
  rules.chunked_prefill = true;
  rules.respect_watermark = false;
  rules.admit_after_preemption = false;
  rules.running_sorted_by_arrival = false;
  rules.default_token_budget = 2048;
  return rules;
}

const PolicyRegistration kVllmV1Registration{PolicyInfo{
    .name = "vllm-v1",
    .description =
        "vLLM v1: running requests in list order, then waiting ones, chunked under one token budget",
    .options = {PreemptionOption("recompute")},
    .make = [](OptionReader& options) { return MakeFcfsPolicy(options, VllmV1Rules()); },
}};

}  // namespace

}  // namespace schedkit::serve
