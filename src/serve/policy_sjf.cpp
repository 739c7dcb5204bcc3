// `sjf`: oracle shortest-job-first on the true output length (RequestSpec::output_tokens), the bound LTR
// approaches with a perfect ranker. Ranked every iteration; a waiting shorter job evicts a longer running
// one. Options: preemption = swap (default, as LTR) | recompute.
#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {
namespace {

class SjfPolicy : public RankedPolicy {
 public:
  explicit SjfPolicy(BatchingRules rules) : RankedPolicy("sjf", rules) {}

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override {
    rank.rank_key = r.spec.output_tokens;
  }
};

const PolicyRegistration kSjfRegistration{PolicyInfo{
    .name = "sjf",
    .description = "SJF oracle: shortest job first on the true output length; a shorter waiting job evicts",
    .options = {PreemptionOption("swap")},
    .make = MakeRankedPolicy<SjfPolicy>,
}};

}  // namespace

}  // namespace schedkit::serve
