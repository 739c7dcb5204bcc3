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

#include "policies.h"
#include "ranked_policy.h"
#include "schedkit/serve/policy_options.h"
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

  void OnScheduled(std::span<const ScheduledRequest> batch) override {
    for (const ScheduledRequest& s : batch) {
      if (s.request->promoted_runs > 0) --s.request->promoted_runs;
    }
  }
  void OnFinished(const Request& r) override { ranker_->Observe(r.spec, r.num_output_tokens); }

 protected:
  void RankArrival(Request& r, const EngineView&) override {
    r.score = ranker_->Score(r.spec);
    r.rank_class = kNormal;
    r.rank_key = -r.score;
  }
  void RankRequeued(Request& r) override {
    if (r.promoted_runs <= 0) r.rank_class = kNormal;
  }
  bool NotesEveryRerank() const override { return true; }  // running ranks change only in RerankRunning
  void AfterQueued(Request* r) override {
    if (threshold_ >= 0) idle_.push(IdleEntry{r, r->queue_stamp, IdleSince(*r)});
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
    for (size_t j = 0; j < running.size(); ++j) {
      Request* r = running[j];
      const int32_t was = r->rank_class;
      if (engine.iteration - 1 - IdleSince(*r) >= threshold_) {
        Promote(*r);
      } else if (r->rank_class == kPromoted && r->promoted_runs <= 0) {
        r->rank_class = kNormal;
      }
      if (r->rank_class != was) NoteReranked(j);
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
  void Promote(Request& r) const {
    r.rank_class = kPromoted;
    r.promoted_runs = period_;
  }
  std::unique_ptr<OutputRanker> ranker_;
  int64_t threshold_;
  int32_t period_;
  std::priority_queue<IdleEntry> idle_;
};

}  // namespace

std::unique_ptr<SchedulingPolicy> MakeLtrPolicy(const PolicyOptions& options) {
  OptionReader reader("ltr", options);
  RankerOptions ro;
  ro.kind = reader.String("ranker", "oracle");
  ro.tau = reader.Double("tau", 0.55);
  ro.seed = static_cast<uint64_t>(reader.Int("seed", 0));
  ro.learning_rate = reader.Double("learning_rate", 0.05);
  const int64_t threshold = reader.Int("starvation_threshold", 200);
  const int64_t period = reader.Int("starvation_period", 10);
  const std::string preemption = reader.String("preemption", "swap");
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

}  // namespace schedkit::serve
