// `srpt`: oracle shortest-remaining-processing-time: output tokens still to generate (true length minus
// generated), re-ranked every iteration; a waiting request evicts a running one when the overload rules allow
// it (ranked_policy.h, OverloadRules). Options: preemption = swap (default) | recompute; the overload rules.
#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {
namespace {

double Remaining(const Request& r) { return r.spec.output_tokens - r.num_output_tokens; }

class SrptPolicy : public RankedPolicy {
 public:
  SrptPolicy(BatchingRules rules, const OverloadRules& overload) : RankedPolicy("srpt", rules, overload) {}

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override {
    rank.rank_key = Remaining(r);
  }
  void RankRequeued(const Request& r, RankSlot& rank) override { rank.rank_key = Remaining(r); }
  void RerankRunning(std::vector<Request*>& running, const EngineView&) override {
    for (const Request* r : running) mutable_rank(*r).rank_key = Remaining(*r);
  }
  double PredictedOutputLeft(const Request& r) const override { return Remaining(r); }
};

constexpr OverloadRules kSrptOverload{.preempt_gain = 2.0, .min_run = 0, .decodes_first = true};

std::vector<PolicyOptionInfo> SrptOptions() {
  std::vector<PolicyOptionInfo> options = {PreemptionOption("swap")};
  for (PolicyOptionInfo& o : OverloadOptionInfos(kSrptOverload)) options.push_back(std::move(o));
  return options;
}

const PolicyRegistration kSrptRegistration{PolicyInfo{
    .name = "srpt",
    .description = "SRPT oracle: shortest remaining output first, re-ranked every iteration",
    .options = SrptOptions(),
    .make = MakeOverloadRankedPolicy<SrptPolicy>,
}};

}  // namespace

}  // namespace schedkit::serve
