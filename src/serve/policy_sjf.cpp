// `sjf`: oracle shortest-job-first on the true output length (RequestSpec::output_tokens), the bound LTR
// approaches with a perfect ranker. Ranked every iteration; a waiting shorter job evicts a longer running
// one. Options: preemption = swap (default, as LTR) | recompute.
#include "policies.h"
#include "ranked_policy.h"
#include "schedkit/serve/policy_options.h"

namespace schedkit::serve {
namespace {

class SjfPolicy : public RankedPolicy {
 public:
  explicit SjfPolicy(BatchingRules rules) : RankedPolicy("sjf", rules) {}

 protected:
  void RankArrival(Request& r, const EngineView&) override { r.rank_key = r.spec.output_tokens; }
};

}  // namespace

std::unique_ptr<SchedulingPolicy> MakeSjfPolicy(const PolicyOptions& options) {
  OptionReader reader("sjf", options);
  const std::string preemption = reader.String("preemption", "swap");
  reader.RejectUnknown();
  return std::make_unique<SjfPolicy>(RankedRules(ParsePreemption("sjf", preemption)));
}

}  // namespace schedkit::serve
