// `priority`: strict priority classes (RequestSpec::priority, lower = more important, as vLLM v1's "priority"
// policy), FCFS inside a class; a waiting request of a better class evicts running ones of worse classes.
// Options: preemption = recompute (default, as vLLM v1) | swap.
#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {
namespace {

class PriorityPolicy : public RankedPolicy {
 public:
  explicit PriorityPolicy(BatchingRules rules) : RankedPolicy("priority", rules) {}

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override {
    rank.rank_class = r.spec.priority;
  }
};

const PolicyRegistration kPriorityRegistration{PolicyInfo{
    .name = "priority",
    .description = "Priority (vLLM v1's priority policy): strict classes (lower first), FCFS inside a class",
    .options = {PreemptionOption("recompute")},
    .make = MakeRankedPolicy<PriorityPolicy>,
}};

}  // namespace

}  // namespace schedkit::serve
