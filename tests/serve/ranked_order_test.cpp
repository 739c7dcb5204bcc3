// RankedPolicy::OrderRunning's incremental re-sort: whatever changed since the last iteration, the running
// list comes out as the sorted permutation of what went in -- with the policy noting its re-ranks (the
// trusted path that moves only the noted ones) and without (the path that finds them by comparison).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "../../src/serve/ranked_policy.h"

namespace schedkit::serve {
namespace {

// How the test policy reports its re-ranks: promises to note all of them (trusted path), notes them without
// the promise (hints for the comparing path), or says nothing (the comparing path finds them).
enum class Noting { kPromised, kHinted, kNone };

// Ranks arrivals at random, then re-ranks a random few running requests per iteration (up or down).
class ShufflingPolicy : public RankedPolicy {
 public:
  ShufflingPolicy(Noting notes, int changes, uint32_t seed)
      : RankedPolicy("test-shuffle", RankedRules(BatchingRules::Preemption::kSwap)),
        notes_(notes),
        changes_(changes),
        rng_(seed) {}

 protected:
  void RankArrival(const Request&, RankSlot& rank, const EngineView&) override {
    rank.rank_class = static_cast<int32_t>(rng_() % 6);
    rank.rank_key = static_cast<double>(rng_() % 21);
  }
  bool NotesEveryRerank() const override { return notes_ == Noting::kPromised; }
  void RerankRunning(std::vector<Request*>& running, const EngineView&) override {
    std::vector<size_t> picked;
    std::uniform_int_distribution<size_t> index(0, running.size() - 1);
    for (int k = 0; k < changes_; ++k) picked.push_back(index(rng_));
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    std::uniform_int_distribution<int32_t> cls(0, 5);
    std::uniform_int_distribution<int> key(0, 20);
    for (size_t j : picked) {
      RankSlot& rank = mutable_rank(*running[j]);
      rank.rank_class = cls(rng_);
      rank.rank_key = key(rng_);
      if (notes_ != Noting::kNone) NoteReranked(j);
    }
  }

 private:
  Noting notes_;
  int changes_;
  std::mt19937 rng_;
};

// The policy's rank order, read through its read-only accessor.
auto ByRank(const RankedPolicy& policy) {
  return
      [&policy](const Request* a, const Request* b) { return RanksBefore(policy.rank(*a), policy.rank(*b)); };
}

void CheckManyIterations(Noting notes, int changes) {
  std::vector<Request> pool(300);
  ShufflingPolicy policy(notes, changes, 11);
  std::vector<Request*> running;
  for (size_t k = 0; k < pool.size(); ++k) {
    pool[k].slot = static_cast<uint32_t>(k);
    pool[k].arrival_seq = k;
    policy.Enqueue(&pool[k], EngineView{});
    running.push_back(&pool[k]);
  }
  std::sort(running.begin(), running.end(), ByRank(policy));
  for (int it = 0; it < 200; ++it) {
    std::vector<Request*> in = running;
    policy.OrderRunning(running, EngineView{});
    ASSERT_TRUE(std::is_sorted(running.begin(), running.end(), ByRank(policy))) << "iteration " << it;
    std::sort(in.begin(), in.end());
    std::vector<Request*> out = running;
    std::sort(out.begin(), out.end());
    ASSERT_EQ(in, out) << "not a permutation at iteration " << it;
  }
}

TEST(RankedOrder, PromisedNotesComeOutSorted) {
  for (int changes : {0, 1, 5, 40, 300}) CheckManyIterations(Noting::kPromised, changes);
}

TEST(RankedOrder, HintedNotesComeOutSorted) {
  for (int changes : {0, 1, 5, 40, 300}) CheckManyIterations(Noting::kHinted, changes);
}

TEST(RankedOrder, UnnotedReranksComeOutSorted) {  // includes the backward pass (> 64 displaced)
  for (int changes : {0, 1, 5, 40, 300}) CheckManyIterations(Noting::kNone, changes);
}

}  // namespace
}  // namespace schedkit::serve
