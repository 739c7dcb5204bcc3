#include "schedkit/serve/fcfs_policy.h"

#include <fmt/core.h>

#include "schedkit/serve/policy_options.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {

BatchingRules::Preemption ParsePreemption(std::string_view policy, const std::string& value) {
  if (value == "recompute") return BatchingRules::Preemption::kRecompute;
  if (value == "swap") return BatchingRules::Preemption::kSwap;
  throw Error(fmt::format("policy {}: option preemption={} must be recompute or swap", policy, value));
}

FcfsPolicy::FcfsPolicy(std::string name, BatchingRules rules, const PolicyOptions& options)
    : name_(std::move(name)), rules_(rules) {
  OptionReader reader(name_, options);
  const std::string preemption = reader.String("preemption", "recompute");
  rules_.preemption = ParsePreemption(name_, preemption);
  reader.RejectUnknown();
}

}  // namespace schedkit::serve
