// `slai`: SLO-aware LLM inference (Bari, Hegde, de Veciana 2025), reconstructed from the abstract (no code is
// public; docs/policies.md gives the reading). Every iteration:
//   class 0: decodes that could miss their deadline (last token time + TBT SLO) if deferred once more:
//            deadline - now <= 2 x longest recent iteration + margin (this iteration and the next may both be
//            long: a prefill chunk shares them), most urgent first;
//   class 1: prefills (waiting prompts and ongoing chunks), shortest prompt first;
//   class 2: the other decodes, earliest deadline first: they get only what the budget leaves (deferred while
//            they have slack), which is what frees room for prefills compared with Sarathi.
// One token budget for all tokens (512 as Sarathi), KV and preemption as Sarathi (whole prompt with the
// watermark, recompute); a waiting prompt never evicts a running request.
// SLOs: RequestSpec::tbt_slo when set, else option tbt_slo (0.1 s). The iteration time is the longest of the
// last 32 measured iteration durations (the real-time measurement the paper mentions).
// Options: tbt_slo (0.1), margin (0 s), token budget via the scheduler (default 512), preemption.
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "policies.h"
#include "ranked_policy.h"
#include "schedkit/serve/policy_options.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

class SlaiPolicy : public RankedPolicy {
 public:
  SlaiPolicy(BatchingRules rules, double tbt_slo, double margin)
      : RankedPolicy("slai", rules), tbt_slo_(tbt_slo), margin_(margin) {}

  void OnIterationDone(const EngineView& engine) override {
    recent_[next_++ % recent_.size()] = engine.now - started_;
    iteration_time_ = *std::max_element(recent_.begin(), recent_.end());
  }

 protected:
  void BeforeIteration(const EngineView& engine) override { started_ = engine.now; }
  void RankArrival(Request& r, const EngineView&) override { RankPrefill(r); }
  void RankRequeued(Request& r) override {
    if (r.is_decoding()) {  // swapped decode: ranked by its deadline when it comes back
      r.rank_class = 2;
      r.rank_key = Deadline(r);
    } else {
      RankPrefill(r);
    }
  }
  void RerankRunning(std::vector<Request*>& running, const EngineView& engine) override {
    for (Request* r : running) {
      if (!r->is_decoding()) {
        RankPrefill(*r);
        continue;
      }
      const double deadline = Deadline(*r);
      r->rank_key = deadline;
      r->rank_class = deadline - engine.now <= 2 * iteration_time_ + margin_ ? 0 : 2;
    }
  }

 private:
  static void RankPrefill(Request& r) {
    r.rank_class = 1;
    r.rank_key = r.spec.prompt_tokens;
  }
  double Deadline(const Request& r) const {
    return r.last_token_time + (r.spec.tbt_slo ? *r.spec.tbt_slo : tbt_slo_);
  }

  double tbt_slo_;
  double margin_;
  double iteration_time_ = 0.0;
  double started_ = 0.0;
  std::array<double, 32> recent_{};
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<SchedulingPolicy> MakeSlaiPolicy(const PolicyOptions& options) {
  OptionReader reader("slai", options);
  const double tbt = reader.Double("tbt_slo", 0.1);
  const double margin = reader.Double("margin", 0.0);
  const std::string preemption = reader.String("preemption", "recompute");
  reader.RejectUnknown();
  if (!(tbt > 0)) throw Error(fmt::format("policy slai: option tbt_slo={} must be positive (seconds)", tbt));
  BatchingRules rules = RankedRules(ParsePreemption("slai", preemption));
  rules.reservation = BatchingRules::Reservation::kWholePrompt;
  rules.respect_watermark = true;
  rules.default_token_budget = 512;
  rules.evict_lower_ranked = false;
  return std::make_unique<SlaiPolicy>(rules, tbt, margin);
}

}  // namespace schedkit::serve
