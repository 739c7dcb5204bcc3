// `fcfs-static`: FasterTransformer-style request-level (static) batching, the baseline before continuous
// batching. A batch of up to max_num_seqs requests is formed only when no batch is running; it prefills
// together and decodes until its last request finishes. Each request reserves max_model_len worth of KV.
#include "schedkit/serve/fcfs_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {

namespace {

BatchingRules FcfsStaticRules() {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kStaticBatch;
  rules.reservation = BatchingRules::Reservation::kMaxModelLen;
  rules.chunked_prefill = false;
  rules.respect_watermark = false;
  rules.running_sorted_by_arrival = true;
  rules.default_token_budget = 0;
  return rules;
}

const PolicyRegistration kFcfsStaticRegistration{PolicyInfo{
    .name = "fcfs-static",
    .description = "FasterTransformer static batching: a batch runs until its last request finishes",
    .options = {PreemptionOption("recompute")},
    .make = [](OptionReader& options) { return MakeFcfsPolicy(options, FcfsStaticRules()); },
}};

}  // namespace

}  // namespace schedkit::serve
