// `srpt`: oracle shortest-remaining-processing-time: output tokens still to generate (true length minus
// generated), re-ranked every iteration. Options: preemption = swap (default) | recompute.
#include "policies.h"
#include "ranked_policy.h"
#include "schedkit/serve/policy_options.h"

namespace schedkit::serve {
namespace {

double Remaining(const Request& r) { return r.spec.output_tokens - r.num_output_tokens; }

class SrptPolicy : public RankedPolicy {
 public:
  explicit SrptPolicy(BatchingRules rules) : RankedPolicy("srpt", rules) {}

 protected:
  void RankArrival(Request& r, const EngineView&) override { r.rank_key = Remaining(r); }
  void RankRequeued(Request& r) override { r.rank_key = Remaining(r); }
  void RerankRunning(std::vector<Request*>& running, const EngineView&) override {
    for (Request* r : running) r->rank_key = Remaining(*r);
  }
};

}  // namespace

std::unique_ptr<SchedulingPolicy> MakeSrptPolicy(const PolicyOptions& options) {
  OptionReader reader("srpt", options);
  const std::string preemption = reader.String("preemption", "swap");
  reader.RejectUnknown();
  return std::make_unique<SrptPolicy>(RankedRules(ParsePreemption("srpt", preemption)));
}

}  // namespace schedkit::serve
