// `slai`: SLO-aware LLM inference (Bari, Hegde, de Veciana 2025), reconstructed from the abstract (no code is
// public; docs/policies.md §2.3 gives the reading). Every iteration, at time `now`:
//   * the iteration time is predicted from the engine's own measured iterations (IterationTimeModel: a decode
//     fit plus an upper envelope over prefill sizes: the "real-time measurements" of the abstract); the
//     decode part is inflated by (1 + safety), the prefill part by the worst relative under-prediction of the
//     last 64 iterations with prefill (at least `safety`, at most 100 %);
//   * class 0: decodes that could miss their deadline (last token time + TBT SLO) if deferred past one
//     full-budget iteration and the decode iteration after it, most urgent first;
//   * class 1: prefills (waiting prompts and ongoing chunks), shortest prompt first;
//   * class 2: the other decodes, earliest deadline first: they get only what the budget leaves;
//   * the token budget is the largest whose iteration (at its worst composition of decodes and prefill
//   tokens)
//     ends before the earliest class-0 deadline minus `margin`; at most the configured budget (default 2,048)
//     and what the model can predict; rounded down to a multiple of `tile`; never below the class-0 count.
// Until the model has `warmup` samples and a usable fit (it needs decode-only iterations, which occur
// whenever the prefill queue empties, and iterations with prefill), the budget is the configured one and
// class 0 = decodes whose deadline is within 2 x the longest of the last 32 iterations + margin. KV and
// preemption as Sarathi (whole prompt with the watermark, recompute); a waiting prompt never evicts a running
// request. SLOs: RequestSpec::tbt_slo when set, else option tbt_slo (0.1 s). Ablations: spf=false ranks
// prefills by arrival (FCFS); sizing=false keeps the configured budget every iteration (urgency and deferral
// unchanged).
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "iteration_time_model.h"
#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

struct SlaiOptions {  // defaults: the registration's option list
  double tbt_slo = 0;
  double margin = 0;
  double safety = 0;
  double forget = 0;
  int32_t tile = 0;
  int32_t bin = 0;
  int32_t warmup = 0;
  bool spf = true;
  bool sizing = true;
};

class SlaiPolicy : public RankedPolicy {
 public:
  SlaiPolicy(BatchingRules rules, const SlaiOptions& o)
      : RankedPolicy("slai", rules), o_(o), model_(o.bin, o.forget), prefill_safety_(o.safety) {}

  int32_t IterationTokenBudget(int32_t configured, const EngineView&) override {
    max_budget_ = configured;  // constant per scheduler; the warm-up iterations see it before sizing starts
    if (!sized_ || !o_.sizing) return configured;
    return LargestBudgetWithin(earliest_slack_, decodes_running_, urgent_);
  }
  void OnScheduled(ScheduledBatch batch) override {
    prefill_ = decodes_ = 0;
    for (const ScheduledView s : batch) {
      if (s.is_decode) {
        ++decodes_;
      } else {
        prefill_ += s.num_tokens;
      }
    }
    measuring_ = true;
  }
  void OnIterationDone(const EngineView& engine) override {
    if (!measuring_) return;
    measuring_ = false;
    const double seconds = engine.now - started_;
    recent_[next_++ % recent_.size()] = seconds;
    longest_recent_ = *std::max_element(recent_.begin(), recent_.end());
    if (prefill_ > 0 && model_.Usable() && prefill_ <= model_.MaxPredictable()) {
      // The prefill part of predictions carries the worst relative under-prediction of the last 64 iterations
      // with prefill, capped at 100 % (the model's bins do not see a chunk's context length; an early decode
      // fit can be off).
      const double share = model_.PrefillSeconds(prefill_);
      if (share > 0) {
        const double miss = (seconds - model_.DecodeSeconds(decodes_)) / share - 1;
        errors_[next_error_++ % errors_.size()] = std::clamp(miss, 0.0, 1.0);
        prefill_safety_ = std::max(o_.safety, *std::max_element(errors_.begin(), errors_.end()));
      }
    }
    model_.Add(prefill_, decodes_, seconds);
    ++samples_;
  }

 protected:
  void BeforeIteration(const EngineView& engine) override { started_ = engine.now; }
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override { RankPrefill(r, rank); }
  void RankRequeued(const Request& r, RankSlot& rank) override {
    if (r.is_decoding()) {  // swapped decode: ranked by its deadline when it comes back
      rank.rank_class = 2;
      rank.rank_key = Deadline(r);
    } else {
      RankPrefill(r, rank);
    }
  }
  void RerankRunning(std::vector<Request*>& running, const EngineView& engine) override {
    sized_ = samples_ >= o_.warmup && model_.Usable();
    const double fallback_horizon = engine.now + 2 * longest_recent_ + o_.margin;
    int32_t decodes = 0;
    for (const Request* r : running) {
      RankSlot& rank = mutable_rank(*r);
      if (r->is_decoding()) {
        ++decodes;
        rank.rank_key = Deadline(*r);
        if (!sized_) rank.rank_class = rank.rank_key <= fallback_horizon ? 0 : 2;
      } else {
        RankPrefill(*r, rank);
      }
    }
    if (!sized_) return;
    // A decode is deferred only while its deadline is more than two full-budget iterations and a decode-only
    // one away: when it turns urgent, its slack still allows a full-budget iteration (deferring to the last
    // moment would force short iterations later).
    const double full = IterationSeconds(MaxBudget(0), decodes, 0);
    const double next = (1 + o_.safety) * model_.Predict(0, decodes);
    int32_t urgent = 0;
    double earliest = std::numeric_limits<double>::infinity();
    for (const Request* r : running) {
      if (!r->is_decoding()) continue;
      RankSlot& rank = mutable_rank(*r);
      const double slack = rank.rank_key - engine.now - o_.margin;
      if (slack < 2 * full + next) {
        rank.rank_class = 0;
        ++urgent;
        earliest = std::min(earliest, slack);
      } else {
        rank.rank_class = 2;
      }
    }
    earliest_slack_ = earliest;
    decodes_running_ = decodes;
    urgent_ = urgent;
  }

 private:
  void RankPrefill(const Request& r, RankSlot& rank) const {
    rank.rank_class = 1;
    rank.rank_key = o_.spf ? r.spec.prompt_tokens : 0;  // 0: arrival order breaks the tie
  }
  double Deadline(const Request& r) const {
    return r.last_token_time + (r.spec.tbt_slo ? *r.spec.tbt_slo : o_.tbt_slo);
  }
  // The configured budget, capped where the model can predict (prefill tokens plus `decodes`).
  int32_t MaxBudget(int32_t decodes) const {
    return std::min(max_budget_, model_.MaxPredictable() + decodes);
  }
  // Predicted time of an iteration of `budget` tokens at its worst composition: between `urgent` and
  // `decodes` decodes in it (the class-2 ones may or may not fit), the rest prefill tokens.
  double IterationSeconds(int32_t budget, int32_t decodes, int32_t urgent) const {
    const int32_t lo = std::min(urgent, budget), hi = std::min(decodes, budget);
    const int32_t cap = model_.MaxPredictable();
    const auto seconds = [&](int32_t decodes_in) {
      return (1 + o_.safety) * model_.DecodeSeconds(decodes_in) +
             (1 + prefill_safety_) * model_.PrefillSeconds(std::min(budget - decodes_in, cap));
    };
    return std::max(seconds(lo), seconds(hi));
  }
  // The largest budget (a multiple of the tile) whose iteration ends within `seconds`; never below the urgent
  // decodes (they run even when their deadline cannot be met).
  int32_t LargestBudgetWithin(double seconds, int32_t decodes, int32_t urgent) const {
    const int32_t floor = std::max(urgent, 1);
    const int32_t top = std::max(MaxBudget(urgent), floor);
    const auto tiled = [&](int32_t b) { return std::max(b / o_.tile * o_.tile, floor); };
    if (IterationSeconds(top, decodes, urgent) <= seconds) return tiled(top);
    int32_t lo = floor, hi = top;  // invariant: hi does not fit
    if (IterationSeconds(lo, decodes, urgent) > seconds) return floor;
    while (hi - lo > 1) {
      const int32_t mid = lo + (hi - lo) / 2;
      (IterationSeconds(mid, decodes, urgent) <= seconds ? lo : hi) = mid;
    }
    return tiled(lo);
  }

  SlaiOptions o_;
  IterationTimeModel model_;
  int64_t samples_ = 0;
  int32_t max_budget_ = 2048;
  bool sized_ = false;
  double earliest_slack_ = 0;  // of the class-0 decodes, after the margin (infinity when none)
  int32_t decodes_running_ = 0, urgent_ = 0;
  double started_ = 0.0;
  bool measuring_ = false;
  int32_t prefill_ = 0, decodes_ = 0;
  std::array<double, 32> recent_{};
  double longest_recent_ = 0.0;
  size_t next_ = 0;
  std::array<double, 64> errors_{};
  size_t next_error_ = 0;
  double prefill_safety_ = 0;
};

std::unique_ptr<SchedulingPolicy> MakeSlai(OptionReader& reader) {
  SlaiOptions o;
  o.tbt_slo = reader.Double("tbt_slo");
  o.margin = reader.Double("margin");
  o.safety = reader.Double("safety");
  o.forget = reader.Double("forget");
  o.tile = static_cast<int32_t>(reader.Double("tile"));
  o.bin = static_cast<int32_t>(reader.Double("bin"));
  o.warmup = static_cast<int32_t>(reader.Double("warmup"));
  o.spf = reader.Bool("spf");
  o.sizing = reader.Bool("sizing");
  const std::string preemption = reader.String("preemption");
  reader.RejectUnknown();
  if (!(o.tbt_slo > 0)) {
    throw Error(fmt::format("policy slai: option tbt_slo={} must be positive (seconds)", o.tbt_slo));
  }
  if (!(o.margin >= 0))
    throw Error(fmt::format("policy slai: option margin={} must be >= 0 (seconds)", o.margin));
  if (!(o.safety >= 0)) throw Error(fmt::format("policy slai: option safety={} must be >= 0", o.safety));
  if (!(o.forget > 0 && o.forget <= 1)) {
    throw Error(fmt::format("policy slai: option forget={} must be in (0, 1]", o.forget));
  }
  if (o.tile < 1) throw Error(fmt::format("policy slai: option tile={} must be >= 1 token", o.tile));
  if (o.bin < 1) throw Error(fmt::format("policy slai: option bin={} must be >= 1 token", o.bin));
  if (o.warmup < 1)
    throw Error(fmt::format("policy slai: option warmup={} must be >= 1 iteration", o.warmup));
  BatchingRules rules = RankedRules(ParsePreemption("slai", preemption));
  rules.reservation = BatchingRules::Reservation::kWholePrompt;
  rules.respect_watermark = true;
  rules.default_token_budget = 2048;
  rules.evict_lower_ranked = false;
  return std::make_unique<SlaiPolicy>(rules, o);
}

const PolicyRegistration kSlaiRegistration{PolicyInfo{
    .name = "slai",
    .description =
        "SLAI (Bari, Hegde, de Veciana 2025): SLO-aware decode deferral, deadline-sized iterations",
    .options =
        {
            {"tbt_slo", "0.1", "TBT SLO in seconds of requests that carry none"},
            {"margin", "0", "seconds kept free before the earliest urgent deadline"},
            {"safety", "0.05", "relative inflation of predicted iteration times"},
            {"forget", "0.98", "forgetting factor of the iteration-time fit, in (0, 1]"},
            {"tile", "1", "token budgets are rounded down to a multiple of this"},
            {"bin", "128", "prefill-size bin of the iteration-time model, in tokens"},
            {"warmup", "16", "measured iterations before budgets are sized"},
            {"spf", "true", "shortest prompt first among prefills (false: FCFS)"},
            {"sizing", "true", "size the token budget to the deadlines (false: the configured one)"},
            PreemptionOption("recompute"),
        },
    .make = MakeSlai,
}};

}  // namespace

}  // namespace schedkit::serve
