// Base of the ranked policies (sjf, srpt, priority, ltr, autellix-*, slai): every request has a rank (class,
// key, then arrival order; smaller runs first), kept in the policy's side table by Request::slot. Waiting
// requests sit in a heap of rank snapshots with lazy invalidation (a re-ranked request is pushed again; its
// old entry goes stale), the running list is sorted by rank before each iteration, and the scheduler's
// kRanked builder merges the two.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "schedkit/serve/policy.h"
#include "schedkit/serve/policy_options.h"
#include "slot_table.h"

namespace schedkit::serve {

// The shared rules of the ranked policies: vLLM v1's KV handling (incremental, no watermark, budget 2048) so
// that a comparison with `vllm-v1` isolates the ordering; `preemption` as given.
BatchingRules RankedRules(BatchingRules::Preemption preemption);

// Rules that keep a ranked order from thrashing under overload (docs/policies.md, "Under overload"). Work is
// counted in decode-token equivalents: a request's remaining work is its predicted output tokens left plus
// prefill_weight x its tokens still to prefill; evicting a victim costs prefill_weight x its context under
// recompute (the re-prefill), swap_weight x its context under swap (PCIe out and back in).
struct OverloadRules {
  double preempt_gain = 0.0;  // evict only if gain x (work(w) + cost(v)) <= work(v); 0 = whenever outranked
  double prefill_weight = 0.25;  // cost of one prefill token in decode tokens
  double swap_weight = 0.25;     // cost of swapping one context token out and in, in decode tokens
  int32_t min_run = 0;           // iterations after admission or resumption in which no rank eviction hits it
  bool decodes_first = false;    // BatchingRules::decodes_first
};
// Schema entries of OverloadRules with the given defaults, and reading them.
std::vector<PolicyOptionInfo> OverloadOptionInfos(const OverloadRules& defaults);
OverloadRules ReadOverloadRules(OptionReader& options);

// A request's rank and waiting-heap stamp. The arrival order is copied in so that comparisons read this
// table only.
struct RankSlot {
  int32_t rank_class = 0;
  double rank_key = 0.0;
  uint64_t arrival_seq = 0;
  uint64_t queue_stamp = 0;  // invalidates stale entries of the lazy waiting heap
};

inline bool RanksBefore(const RankSlot& a, const RankSlot& b) {
  if (a.rank_class != b.rank_class) return a.rank_class < b.rank_class;
  if (a.rank_key != b.rank_key) return a.rank_key < b.rank_key;
  return a.arrival_seq < b.arrival_seq;
}

class RankedPolicy : public SchedulingPolicy {
 public:
  RankedPolicy(std::string name, BatchingRules rules) : name_(std::move(name)), rules_(rules) {}
  RankedPolicy(std::string name, BatchingRules rules, const OverloadRules& overload)
      : name_(std::move(name)), rules_(rules), overload_(overload) {
    rules_.decodes_first = overload.decodes_first;
  }
  std::string_view name() const override { return name_; }
  BatchingRules rules() const override { return rules_; }

  void Enqueue(Request* r, const EngineView& engine) override;
  void Requeue(Request* r) override;
  Request* PeekWaiting() override;
  void PopWaiting() override;
  void RemoveWaiting(Request*) override { --num_waiting_; }  // its heap entry goes stale with its state
  size_t num_waiting() const override { return num_waiting_; }
  void OrderRunning(std::vector<Request*>& running, const EngineView& engine) override;
  bool ShouldPreemptFor(const Request& waiting, const Request& running) override {
    return RanksBefore(rank(waiting), rank(running));
  }
  // OverloadRules: hysteresis (min_run), the policy's own protection (Evictable), then the gain rule.
  bool MayEvictFor(const Request& waiting, const Request& victim, const EvictionCost& cost) override;
  // Records admissions for min_run; a policy overriding it calls this one.
  void OnScheduled(ScheduledBatch batch) override;
  // The rank of a request the policy has seen (read-only: tests, metrics).
  const RankSlot& rank(const Request& r) const { return ranks_[r]; }

 protected:
  RankSlot& mutable_rank(const Request& r) { return ranks_[r]; }
  // Predicted output tokens still to generate (the gain rule's work); a negative value means unknown, and the
  // gain rule then never refuses.
  virtual double PredictedOutputLeft(const Request& /*r*/) const { return -1.0; }
  // Whether a running request may be evicted for rank at all (LTR: not while promoted by its guard).
  virtual bool Evictable(const Request& /*victim*/) const { return true; }
  const OverloadRules& overload() const { return overload_; }
  int64_t iteration() const { return iteration_; }
  // Sets rank_class / rank_key of a new arrival (`rank` starts at class 0, key 0).
  virtual void RankArrival(const Request& r, RankSlot& rank, const EngineView& engine) = 0;
  // Rank of a preempted request going back to the queue (default: unchanged).
  virtual void RankRequeued(const Request& /*r*/, RankSlot& /*rank*/) {}
  // Updates the ranks of running requests before they are sorted (keys that change while running). A policy
  // that calls NoteReranked(j) for every running[j] whose rank it changed (in increasing j) lets the re-sort
  // take those out up front instead of discovering them; one that does not is still sorted correctly.
  virtual void RerankRunning(std::vector<Request*>& /*running*/, const EngineView& /*engine*/) {}
  void NoteReranked(size_t index) { reranked_.push_back(index); }
  // True when RerankRunning notes every rank change of a running request and nothing else changes one: the
  // rest of the list is then still in order and the re-sort moves the noted ones without comparing the
  // others.
  virtual bool NotesEveryRerank() const { return false; }
  // Runs at the start of each iteration before the running list is sorted (e.g. starvation promotion of
  // waiting requests through Rerank).
  virtual void BeforeIteration(const EngineView& /*engine*/) {}
  // The request is in the waiting heap (its queue_stamp is set): per-policy bookkeeping.
  virtual void AfterQueued(Request* /*r*/) {}
  // A waiting request whose rank fields changed: pushed again, its old heap entry goes stale.
  void Rerank(Request* r) { Push(r); }
  // Whether a heap snapshot still describes a waiting request.
  bool IsWaiting(const Request* r, uint64_t stamp) const {
    return ranks_[*r].queue_stamp == stamp &&
           (r->state == RequestState::kWaiting || r->state == RequestState::kPreempted ||
            r->state == RequestState::kSwapped);
  }

 private:
  struct Entry {
    Request* r;
    uint64_t stamp;
    int32_t rank_class;
    double rank_key;
    uint64_t seq;
  };
  // std heap comparator: true when a comes after b (so the heap's front is the best).
  static bool After(const Entry& a, const Entry& b) {
    if (a.rank_class != b.rank_class) return a.rank_class > b.rank_class;
    if (a.rank_key != b.rank_key) return a.rank_key > b.rank_key;
    return a.seq > b.seq;
  }
  void Push(Request* r);
  // Sorts displaced_ and merges it with the sorted kept_ into running (same total size).
  void InsertDisplaced(std::vector<Request*>& running);

  std::string name_;
  BatchingRules rules_;
  OverloadRules overload_;
  int64_t iteration_ = 0;           // of the iteration being built
  SlotTable<int64_t> admitted_at_;  // iteration of the last admission (min_run)
  SlotTable<RankSlot> ranks_;
  std::vector<Entry> heap_;
  std::vector<Request*> kept_, displaced_, kept_back_, displaced_back_;  // OrderRunning's buffers
  std::vector<size_t> reranked_;  // indices noted by RerankRunning in this iteration
  uint64_t next_stamp_ = 0;
  size_t num_waiting_ = 0;
};

// A ranked policy P built from RankedRules, its preemption mode read from `options` (schema entry:
// PreemptionOption).
template <class P>
std::unique_ptr<SchedulingPolicy> MakeRankedPolicy(OptionReader& options) {
  const std::string preemption = options.String("preemption");
  options.RejectUnknown();
  return std::make_unique<P>(RankedRules(ParsePreemption(options.policy(), preemption)));
}
// The same with OverloadRules read from `options` (schema entries: OverloadOptionInfos).
template <class P>
std::unique_ptr<SchedulingPolicy> MakeOverloadRankedPolicy(OptionReader& options) {
  const std::string preemption = options.String("preemption");
  const OverloadRules overload = ReadOverloadRules(options);
  options.RejectUnknown();
  return std::make_unique<P>(RankedRules(ParsePreemption(options.policy(), preemption)), overload);
}

}  // namespace schedkit::serve
