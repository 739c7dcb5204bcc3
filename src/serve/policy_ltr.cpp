// `ltr`: learning-to-rank scheduling (Fu et al. 2024, hao-ai-lab/vllm-ltr `_get_opt_ordered_requests`).
// Each request is scored once at arrival by a ranker (higher score = shorter predicted output); every
// iteration all requests (waiting, running, swapped) are ordered by score and the batch is filled in that
// order under one token budget (chunked prefill), a running request being evicted (swapped, as in the paper)
// when a higher-scored waiting one needs its place. Starvation guard: a request left out of
// `starvation_threshold` consecutive iterations (200) is promoted above every unpromoted one for
// `starvation_period` scheduled iterations (10); -1 turns the guard off.
// Options: ranker = oracle | noisy | learned (oracle), tau (0.55, noisy), seed (0), learning_rate (0.05),
// starvation_threshold (200), starvation_period (10), preemption = swap | recompute.
#include <fmt/core.h>

#include <algorithm>
#include <queue>

#include "ranked_policy.h"
#include "schedkit/serve/policy_registry.h"
#include "schedkit/serve/ranker.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

constexpr int32_t kPromoted = 0;
constexpr int32_t kNormal = 1;

class LtrPolicy : public RankedPolicy {
 public:
  LtrPolicy(BatchingRules rules, std::unique_ptr<OutputRanker> ranker, int64_t threshold, int32_t period)
      : RankedPolicy("ltr", rules), ranker_(std::move(ranker)), threshold_(threshold), period_(period) {}

  void OnScheduled(ScheduledBatch batch) override {
    for (const ScheduledView s : batch) {
      int32_t& runs = promotions_[*s.request].runs;
      if (runs > 0) --runs;
    }
  }
  // Scheduled iterations a promoted request has left at top priority (read-only: tests).
  int32_t promoted_runs(const Request& r) const { return promotions_[r].runs; }
  void OnFinished(const Request& r) override { ranker_->Observe(r.spec, r.num_output_tokens); }

 protected:
  void RankArrival(const Request& r, RankSlot& rank, const EngineView&) override {
    promotions_.Reset(r);
    rank.rank_class = kNormal;
    rank.rank_key = -ranker_->Score(r.spec);  // higher score first
  }
  void RankRequeued(const Request& r, RankSlot& rank) override {
    Promotion& p = promotions_[r];
    if (p.runs <= 0) {
      p.promoted = false;
      rank.rank_class = kNormal;
    }
  }
  bool NotesEveryRerank() const override { return true; }  // running ranks change only in RerankRunning
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
      idle_.pop();
      Promote(*e.r);
      Rerank(e.r);
    }
  }
  // Running requests: promotion when idle long enough, demotion when the promoted runs are used up.
  void RerankRunning(std::vector<Request*>& running, const EngineView& engine) override {
    if (threshold_ < 0) return;
    // The promotion flag mirrors the rank class: no look-up in the rank table unless it changes.
    Promotion* promotions = promotions_.data();  // not resized here
    for (size_t j = 0; j < running.size(); ++j) {
      const Request& r = *running[j];
      Promotion& p = promotions[r.slot];
      if (engine.iteration - 1 - IdleSince(r) >= threshold_) {
        if (!p.promoted) NoteReranked(j);
        Promote(r);
      } else if (p.promoted && p.runs <= 0) {
        p.promoted = false;
        mutable_rank(r).rank_class = kNormal;
        NoteReranked(j);
      }
    }
  }

 private:
  struct IdleEntry {
    Request* r;
    uint64_t stamp;
    int64_t since;
    bool operator<(const IdleEntry& o) const { return since > o.since; }  // min-heap on since
  };
  static int64_t IdleSince(const Request& r) {
    return std::max(r.last_scheduled_iteration, r.arrival_iteration);
  }
  void Promote(const Request& r) {
    mutable_rank(r).rank_class = kPromoted;
    promotions_[r] = Promotion{period_, true};
  }
  std::unique_ptr<OutputRanker> ranker_;
  int64_t threshold_;
  int32_t period_;
  std::priority_queue<IdleEntry> idle_;
  struct Promotion {
    int32_t runs = 0;       // scheduled iterations left at top priority
    bool promoted = false;  // rank class kPromoted
  };
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
  const std::string preemption = reader.String("preemption");
  reader.RejectUnknown();
  if (!(ro.tau >= -1.0 && ro.tau <= 1.0)) {
    throw Error(fmt::format("policy ltr: option tau={} must be in [-1, 1]", ro.tau));
  }
  if (threshold < -1 || threshold == 0) {
    throw Error(
        fmt::format("policy ltr: option starvation_threshold={} must be positive or -1 (off)", threshold));
  }
  if (period < 1)
    throw Error(fmt::format("policy ltr: option starvation_period={} must be at least 1", period));
  return std::make_unique<LtrPolicy>(RankedRules(ParsePreemption("ltr", preemption)), MakeRanker(ro),
                                     threshold, static_cast<int32_t>(period));
}

const PolicyRegistration kLtrRegistration{PolicyInfo{
    .name = "ltr",
    .description =
        "Learning to rank (Fu et al. 2024): predicted-shortest first by a ranker's score, starvation guard",
    .options =
        {
            {"ranker", "oracle", "oracle | noisy | learned: what scores the requests"},
            {"tau", "0.55", "noisy ranker: Kendall's tau of its order with the true one, in [-1, 1]"},
            {"seed", "0", "noisy ranker: random seed"},
            {"learning_rate", "0.05", "learned ranker: step size of its online fit"},
            {"starvation_threshold", "200", "iterations left out before a promotion (-1: no guard)"},
            {"starvation_period", "10", "scheduled iterations a promoted request keeps top priority"},
            PreemptionOption("swap"),
        },
    .bench_variants = {{"ltr", {}}, {"ltr_noisy", {{"ranker", "noisy"}, {"tau", "0.5"}}}},
    .make = MakeLtr,
}};

}  // namespace

}  // namespace schedkit::serve
