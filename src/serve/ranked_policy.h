// Base of the ranked policies (sjf, srpt, priority, ltr, autellix-*, slai): every request carries a rank
// (Request::rank_class, rank_key, then arrival order; smaller runs first). Waiting requests sit in a heap of
// rank snapshots with lazy invalidation (a re-ranked request is pushed again; its old entry goes stale), the
// running list is sorted by rank before each iteration, and the scheduler's kRanked builder merges the two.
#pragma once

#include <string>
#include <vector>

#include "schedkit/serve/policy.h"

namespace schedkit::serve {

BatchingRules::Preemption ParsePreemption(std::string_view policy, const std::string& value);

// The shared rules of the ranked policies: vLLM v1's KV handling (incremental, no watermark, budget 2048) so
// that a comparison with `vllm-v1` isolates the ordering; `preemption` as given.
BatchingRules RankedRules(BatchingRules::Preemption preemption);

inline bool RanksBefore(const Request& a, const Request& b) {
  if (a.rank_class != b.rank_class) return a.rank_class < b.rank_class;
  if (a.rank_key != b.rank_key) return a.rank_key < b.rank_key;
  return a.arrival_seq < b.arrival_seq;
}

class RankedPolicy : public SchedulingPolicy {
 public:
  RankedPolicy(std::string name, BatchingRules rules) : name_(std::move(name)), rules_(rules) {}
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
    return RanksBefore(waiting, running);
  }

 protected:
  // Sets rank_class / rank_key of a new arrival.
  virtual void RankArrival(Request& r, const EngineView& engine) = 0;
  // Rank of a preempted request going back to the queue (default: unchanged).
  virtual void RankRequeued(Request& /*r*/) {}
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
  static bool IsWaiting(const Request* r, uint64_t stamp) {
    return r->queue_stamp == stamp &&
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
  std::vector<Entry> heap_;
  std::vector<Request*> kept_, displaced_, kept_back_, displaced_back_;  // OrderRunning's buffers
  std::vector<size_t> reranked_;  // indices noted by RerankRunning in this iteration
  uint64_t next_stamp_ = 0;
  size_t num_waiting_ = 0;
};

}  // namespace schedkit::serve
