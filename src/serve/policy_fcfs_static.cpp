// `fcfs-static`: FasterTransformer-style request-level (static) batching, the baseline before continuous
// batching. A batch of up to max_num_seqs requests is formed only when no batch is running; it prefills
// together and decodes until its last request finishes. Each request reserves max_model_len worth of KV.
#include "policies.h"
#include "schedkit/serve/fcfs_policy.h"

namespace schedkit::serve {

std::unique_ptr<SchedulingPolicy> MakeFcfsStaticPolicy(const PolicyOptions& options) {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kStaticBatch;
  rules.reservation = BatchingRules::Reservation::kMaxModelLen;
  rules.chunked_prefill = false;
  rules.respect_watermark = false;
  rules.running_sorted_by_arrival = true;
  rules.default_token_budget = 0;
  return std::make_unique<FcfsPolicy>("fcfs-static", rules, options);
}

}  // namespace schedkit::serve
