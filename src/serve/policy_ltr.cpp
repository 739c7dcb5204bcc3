// `ltr`: learning-to-rank scheduling (Fu et al. 2024, hao-ai-lab/vllm-ltr `_get_opt_ordered_requests`).
// Each request is scored once at arrival by a ranker (higher score = shorter predicted output); every
// iteration all requests (waiting, running, swapped) are ordered by score and the batch is filled in that
// order under one token budget (chunked prefill), a running request being evicted (swapped, as in the paper)
// when a higher-scored waiting one needs its place. Starvation guard: a request left out of
// `starvation_threshold` consecutive iterations (200) is promoted above every unpromoted one for
// `starvation_period` scheduled iterations (10); -1 turns the guard off. Under overload the guard is bounded:
// with `starvation_hold` a promoted request keeps its promotion until it finishes and is never evicted for
// rank, and at most `starvation_max_promoted` requests are promoted at once (oldest idle first), so
// promotions neither evict each other nor flood the batch. Overload rules as every ranked policy
// (OverloadRules); the gain rule reads exp(-score) as the predicted output length (exact for oracle, noisy
// for noisy; the learned ranker's score has no length scale, so the gain rule does not refuse for it).
// Options: ranker = oracle | noisy | learned (oracle), tau (0.55, noisy), seed (0), learning_rate (0.05),
// starvation_threshold (200), starvation_period (10), starvation_hold (true), starvation_max_promoted (8,
// -1 = no limit), rank_by = total | remaining, preemption = swap | recompute, the overload rules.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <queue>

#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"
#include "schedkit/serve/ranker.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

constexpr int32_t kPromoted = 0;
constexpr int32_t kNormal = 1;

struct GuardOptions {
  int64_t threshold = 200;
  int32_t period = 10;
  bool hold = true;
  int64_t max_promoted = 8;
};

class LtrPolicy : public RankedPolicy {
 public:
  LtrPolicy(BatchingRules rules, const OverloadRules& overload, std::unique_ptr<OutputRanker> ranker,
            bool calibrated, bool by_remaining, const GuardOptions& guard)
      : RankedPolicy("ltr", rules, overload),
        ranker_(std::move(ranker)),
        calibrated_(calibrated),
        by_remaining_(by_remaining),
        threshold_(guard.threshold),
        period_(guard.period),
        hold_(guard.hold),
        max_promoted_(guard.max_promoted) {}

  void OnScheduled(ScheduledBatch batch) override {
    RankedPolicy::OnScheduled(batch);
    for (const ScheduledView s : batch) {
      int32_t& runs = promotions_[*s.request].runs;
      if (runs > 0) --runs;
    }
  }
  // Scheduled iterations a promoted request has left at top priority (read-only: tests).
  int32_t promoted_runs(const Request& r) const { return promotions_[r].runs; }
  void OnFinished(const Request& r) override {
    if (promotions_[r].promoted) --num_promoted_;
    ranker_->Observe(r.spec, r.num_output_tokens);
  }

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override {
    promotions_.Reset(r);
    rank.rank_class = kNormal;
    const double score = ranker_->Score(r.spec);
    predicted_.Reset(r) = std::exp(-score);
    rank.rank_key = by_remaining_ ? RemainingKey(r) : -score;  // higher score first
  }
  void RankRequeued(const Request& r, RankSlot& rank) override {
    Promotion& p = promotions_[r];
    if (p.runs <= 0 && !(hold_ && p.promoted)) Demote(p, rank);
    if (by_remaining_) rank.rank_key = RemainingKey(r);
  }
  // Running ranks change only in RerankRunning, which notes them, unless keys follow the tokens left.
  bool NotesEveryRerank() const override { return !by_remaining_; }
  double PredictedOutputLeft(const Request& r) const override {
    return calibrated_ ? std::max(0.0, predicted_[r] - r.num_output_tokens) : -1.0;
  }
  bool Evictable(const Request& victim) const override { return !(hold_ && promotions_[victim].promoted); }
  void AfterQueued(Request* r) override {
    if (threshold_ >= 0) idle_.push(IdleEntry{r, rank(*r).queue_stamp, IdleSince(*r)});
  }

  // Promotes waiting requests idle for `threshold_` iterations (oldest idle first, via the idle heap).
  void BeforeIteration(const EngineView& engine) override {
    if (threshold_ < 0) return;
    while (!idle_.empty()) {
      const IdleEntry e = idle_.top();
      if (!IsWaiting(e.r, e.stamp)) {  // admitted or re-ranked since
        idle_.pop();
        continue;
      }
      if (engine.iteration - 1 - e.since < threshold_) break;
      if (max_promoted_ >= 0 && num_promoted_ >= max_promoted_ && !promotions_[*e.r].promoted) break;
      idle_.pop();
      Promote(*e.r);
      Rerank(e.r);
    }
  }
  // Running requests: promotion when idle long enough, demotion when the promoted runs are used up.
  void RerankRunning(std::vector<Request*>& running, const EngineView& engine) override {
    if (by_remaining_) {
      for (const Request* r : running) mutable_rank(*r).rank_key = RemainingKey(*r);
    }
    if (threshold_ < 0) return;
    // The promotion flag mirrors the rank class: no look-up in the rank table unless it changes.
    Promotion* promotions = promotions_.data();  // not resized here
    for (size_t j = 0; j < running.size(); ++j) {
      const Request& r = *running[j];
      Promotion& p = promotions[r.slot];
      if (engine.iteration - 1 - IdleSince(r) >= threshold_ &&
          (p.promoted || max_promoted_ < 0 || num_promoted_ < max_promoted_)) {
        if (!p.promoted) NoteReranked(j);
        Promote(r);
      } else if (p.promoted && p.runs <= 0 && !hold_) {
        Demote(p, mutable_rank(r));
        NoteReranked(j);
      }
    }
  }

 private:
  struct Promotion {
    int32_t runs = 0;       // scheduled iterations left at top priority
    bool promoted = false;  // rank class kPromoted
  };
  struct IdleEntry {
    Request* r;
    uint64_t stamp;
    int64_t since;
    bool operator<(const IdleEntry& o) const { return since > o.since; }  // min-heap on since
  };
  static int64_t IdleSince(const Request& r) {
    return std::max(r.last_scheduled_iteration, r.arrival_iteration);
  }
  // Key for rank_by=remaining: the log of the predicted output tokens left (at least one), so that the
  // total-length ranking is its special case at arrival.
  double RemainingKey(const Request& r) const {
    return std::log(std::max(1.0, predicted_[r] - r.num_output_tokens));
  }
  void Promote(const Request& r) {
    mutable_rank(r).rank_class = kPromoted;
    Promotion& p = promotions_[r];
    if (!p.promoted) ++num_promoted_;
    p = Promotion{period_, true};
  }
  void Demote(Promotion& p, RankSlot& rank) {
    if (p.promoted) --num_promoted_;
    p.promoted = false;
    rank.rank_class = kNormal;
  }
  std::unique_ptr<OutputRanker> ranker_;
  bool calibrated_;
  bool by_remaining_;
  int64_t threshold_;
  int32_t period_;
  bool hold_;
  int64_t max_promoted_;
  int64_t num_promoted_ = 0;     // requests promoted now (waiting or running)
  SlotTable<double> predicted_;  // exp(-score): the predicted output length
  std::priority_queue<IdleEntry> idle_;
  SlotTable<Promotion> promotions_;
};

std::unique_ptr<SchedulingPolicy> MakeLtr(OptionReader& reader) {
  RankerOptions ro;
  ro.kind = reader.String("ranker");
  ro.tau = reader.Double("tau");
  ro.seed = static_cast<uint64_t>(reader.Int("seed"));
  ro.learning_rate = reader.Double("learning_rate");
  const int64_t threshold = reader.Int("starvation_threshold");
  const int64_t period = reader.Int("starvation_period");
  GuardOptions guard;
  guard.hold = reader.Bool("starvation_hold");
  guard.max_promoted = reader.Int("starvation_max_promoted");
  const std::string rank_by = reader.String("rank_by");
  const std::string preemption = reader.String("preemption");
  const OverloadRules overload = ReadOverloadRules(reader);
  reader.RejectUnknown();
  if (rank_by != "total" && rank_by != "remaining") {
    throw Error(fmt::format("policy ltr: option rank_by={} must be total or remaining", rank_by));
  }
  if (guard.max_promoted < -1) {
    throw Error(fmt::format("policy ltr: option starvation_max_promoted={} must be >= 0 or -1 (no limit)",
                            guard.max_promoted));
  }
  if (!(ro.tau >= -1.0 && ro.tau <= 1.0)) {
    throw Error(fmt::format("policy ltr: option tau={} must be in [-1, 1]", ro.tau));
  }
  if (threshold < -1 || threshold == 0) {
    throw Error(
        fmt::format("policy ltr: option starvation_threshold={} must be positive or -1 (off)", threshold));
  }
  if (period < 1)
    throw Error(fmt::format("policy ltr: option starvation_period={} must be at least 1", period));
  guard.threshold = threshold;
  guard.period = static_cast<int32_t>(period);
  return std::make_unique<LtrPolicy>(RankedRules(ParsePreemption("ltr", preemption)), overload,
                                     MakeRanker(ro), ro.kind != "learned", rank_by == "remaining", guard);
}

constexpr OverloadRules kLtrOverload{.preempt_gain = 2.0, .min_run = 0, .decodes_first = true};

std::vector<PolicyOptionInfo> LtrOptions() {
  std::vector<PolicyOptionInfo> options = {
      {"ranker", "oracle", "oracle | noisy | learned: what scores the requests"},
      {"tau", "0.55", "noisy ranker: Kendall's tau of its order with the true one, in [-1, 1]"},
      {"seed", "0", "noisy ranker: random seed"},
      {"learning_rate", "0.05", "learned ranker: step size of its online fit"},
      {"starvation_threshold", "200", "iterations left out before a promotion (-1: no guard)"},
      {"starvation_period", "10",
       "scheduled iterations a promoted request keeps top priority (without hold)"},
      {"starvation_hold", "true", "a promoted request stays promoted until it finishes and is never evicted"},
      {"starvation_max_promoted", "8", "most requests promoted at once (-1: no limit)"},
      {"rank_by", "total", "total | remaining: rank by the predicted output length or by the tokens left"},
      PreemptionOption("swap"),
  };
  for (PolicyOptionInfo& o : OverloadOptionInfos(kLtrOverload)) options.push_back(std::move(o));
  return options;
}

const PolicyRegistration kLtrRegistration{PolicyInfo{
    .name = "ltr",
    .description =
        "Learning to rank (Fu et al. 2024): predicted-shortest first by a ranker's score, starvation guard",
    .options = LtrOptions(),
    .bench_variants = {{"ltr", {}}, {"ltr_noisy", {{"ranker", "noisy"}, {"tau", "0.5"}}}},
    .make = MakeLtr,
}};

}  // namespace

}  // namespace schedkit::serve
