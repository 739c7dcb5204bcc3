// `srpt`: oracle shortest-remaining-processing-time: output tokens still to generate (true length minus
// generated), re-ranked every iteration. Options: preemption = swap (default) | recompute.
#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"

namespace schedkit::serve {
namespace {

double Remaining(const Request& r) { return r.spec.output_tokens - r.num_output_tokens; }

class SrptPolicy : public RankedPolicy {
 public:
  explicit SrptPolicy(BatchingRules rules) : RankedPolicy("srpt", rules) {}

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override {
    rank.rank_key = Remaining(r);
  }
  void RankRequeued(const Request& r, RankSlot& rank) override { rank.rank_key = Remaining(r); }
  void RerankRunning(std::vector<Request*>& running, const EngineView&) override {
    for (const Request* r : running) mutable_rank(*r).rank_key = Remaining(*r);
  }
};

const PolicyRegistration kSrptRegistration{PolicyInfo{
    .name = "srpt",
    .description = "SRPT oracle: shortest remaining output first, re-ranked every iteration",
    .options = {PreemptionOption("swap")},
    .make = MakeRankedPolicy<SrptPolicy>,
}};

}  // namespace

}  // namespace schedkit::serve
