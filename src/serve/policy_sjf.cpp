// `sjf`: oracle shortest-job-first on the true output length (RequestSpec::output_tokens), the bound LTR
// approaches with a perfect ranker. Ranked every iteration; a waiting shorter job evicts a longer running
// one when the overload rules allow it (ranked_policy.h, OverloadRules). Options: preemption = swap
// (default, as LTR) | recompute; rank_by = total | remaining (output tokens left, which makes it SRPT);
// the overload rules.
#include <fmt/core.h>

#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

double OutputLeft(const Request& r) { return r.spec.output_tokens - r.num_output_tokens; }

class SjfPolicy : public RankedPolicy {
 public:
  SjfPolicy(BatchingRules rules, const OverloadRules& overload, bool by_remaining)
      : RankedPolicy("sjf", rules, overload), by_remaining_(by_remaining) {}

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override { rank.rank_key = Key(r); }
  void RankRequeued(const Request& r, RankSlot& rank) override { rank.rank_key = Key(r); }
  void RerankRunning(std::vector<Request*>& running, const EngineView&) override {
    if (!by_remaining_) return;
    for (const Request* r : running) mutable_rank(*r).rank_key = OutputLeft(*r);
  }
  double PredictedOutputLeft(const Request& r) const override { return OutputLeft(r); }

 private:
  double Key(const Request& r) const { return by_remaining_ ? OutputLeft(r) : r.spec.output_tokens; }
  bool by_remaining_;
};

constexpr OverloadRules kSjfOverload{.preempt_gain = 2.0, .min_run = 0, .decodes_first = true};

std::vector<PolicyOptionInfo> SjfOptions() {
  std::vector<PolicyOptionInfo> options = {
      PreemptionOption("swap"),
      {"rank_by", "total", "total | remaining: rank by the true output length or by the output tokens left"},
  };
  for (PolicyOptionInfo& o : OverloadOptionInfos(kSjfOverload)) options.push_back(std::move(o));
  return options;
}

std::unique_ptr<SchedulingPolicy> MakeSjf(OptionReader& reader) {
  const std::string preemption = reader.String("preemption");
  const std::string rank_by = reader.String("rank_by");
  const OverloadRules overload = ReadOverloadRules(reader);
  reader.RejectUnknown();
  if (rank_by != "total" && rank_by != "remaining") {
    throw Error(fmt::format("policy sjf: option rank_by={} must be total or remaining", rank_by));
  }
  return std::make_unique<SjfPolicy>(RankedRules(ParsePreemption("sjf", preemption)), overload,
                                     rank_by == "remaining");
}

const PolicyRegistration kSjfRegistration{PolicyInfo{
    .name = "sjf",
    .description = "SJF oracle: shortest job first on the true output length; a shorter waiting job evicts",
    .options = SjfOptions(),
    .make = MakeSjf,
}};

}  // namespace

}  // namespace schedkit::serve
