// `priority`: strict priority classes (RequestSpec::priority, lower = more important, as vLLM v1's "priority"
// policy), FCFS inside a class; a waiting request of a better class evicts running ones of worse classes.
// Options: preemption = recompute (default, as vLLM v1) | swap.
#include "policies.h"
#include "ranked_policy.h"
#include "schedkit/serve/policy_options.h"

namespace schedkit::serve {
namespace {

class PriorityPolicy : public RankedPolicy {
 public:
  explicit PriorityPolicy(BatchingRules rules) : RankedPolicy("priority", rules) {}

 protected:
  void RankArrival(Request& r, const EngineView&) override { r.rank_class = r.spec.priority; }
};

}  // namespace

std::unique_ptr<SchedulingPolicy> MakePriorityPolicy(const PolicyOptions& options) {
  OptionReader reader("priority", options);
  const std::string preemption = reader.String("preemption", "recompute");
  reader.RejectUnknown();
  return std::make_unique<PriorityPolicy>(RankedRules(ParsePreemption("priority", preemption)));
}

}  // namespace schedkit::serve
