#include "schedkit/serve/fcfs_policy.h"

namespace schedkit::serve {

std::unique_ptr<SchedulingPolicy> MakeFcfsPolicy(OptionReader& options, BatchingRules rules) {
  rules.preemption = ParsePreemption(options.policy(), options.String("preemption"));
  options.RejectUnknown();
  return std::make_unique<FcfsPolicy>(options.policy(), rules);
}

}  // namespace schedkit::serve
