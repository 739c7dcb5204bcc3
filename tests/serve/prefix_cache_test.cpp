// Automatic prefix caching: hand-computed hits and misses, ref counts, the eviction order, and its interplay
// with preemption (recompute and swap) and the policies' default.
#include <gtest/gtest.h>

#include <numeric>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using testing::RunTable;
using testing::Spec;
using Table = std::vector<std::string>;

// A request whose first `hashes.size()` hash blocks of `hash_tokens` tokens have the given ids.
RequestSpec Hashed(RequestId id, double arrival, int32_t prompt, int32_t output, std::vector<uint64_t> hashes,
                   int32_t hash_tokens) {
  RequestSpec s = Spec(id, arrival, prompt, output);
  s.prefix_hashes = std::move(hashes);
  s.prefix_hash_block_tokens = hash_tokens;
  return s;
}

Request Live(const RequestSpec& spec) {
  Request r;
  r.spec = spec;
  return r;
}

TEST(PrefixCache, MatchesFullRegisteredBlocksOnlyAndKeepsOneTokenToCompute) {
  KvCacheManager kv(10, 4, 0, 0, /*prefix_caching=*/true);
  // A: 10 prompt tokens; ids for tokens [0,4) [4,8) [8,12) (the last one partial: tokens 8, 9).
  Request a = Live(Hashed(0, 0, 10, 1, {1, 2, 3}, 4));
  kv.Allocate(a, 3);
  a.num_computed_tokens = 10;
  kv.RegisterFullBlocks(a);  // blocks 0 and 1 are full; block 2 holds 2 tokens
  EXPECT_EQ(kv.num_cached_blocks(), 2);
  EXPECT_EQ(a.num_registered_blocks, 2);
  EXPECT_TRUE(kv.is_cached(a.block_ids[0]));
  EXPECT_FALSE(kv.is_cached(a.block_ids[2]));

  // B shares the first two ids: a hit of 2 blocks (8 tokens) while A holds them (none evictable).
  Request b = Live(Hashed(1, 0, 9, 1, {1, 2, 9}, 4));
  auto m = kv.MatchPrefix(b, b.num_tokens() - 1);
  EXPECT_EQ(m.blocks, 2);
  EXPECT_EQ(m.evictable, 0);
  // C: the same 8 tokens as A's first two blocks and nothing else: block 1 would leave no token to
  // compute, so only block 0 is a hit.
  Request c = Live(Hashed(2, 0, 8, 1, {1, 2}, 4));
  EXPECT_EQ(kv.MatchPrefix(c, c.num_tokens() - 1).blocks, 1);
  // D differs in the first id: no hit even though its second id matches A's.
  Request d = Live(Hashed(3, 0, 12, 1, {7, 2, 3}, 4));
  EXPECT_EQ(kv.MatchPrefix(d, d.num_tokens() - 1).blocks, 0);
  // E has no ids: never a hit.
  Request e = Live(Spec(4, 0, 12, 1));
  EXPECT_EQ(kv.MatchPrefix(e, e.num_tokens() - 1).blocks, 0);

  kv.AcquirePrefix(b, 2);
  EXPECT_EQ(b.block_ids, (std::vector<int32_t>{a.block_ids[0], a.block_ids[1]}));
  EXPECT_EQ(kv.ref_count(a.block_ids[0]), 2);
  EXPECT_EQ(kv.ref_count(a.block_ids[1]), 2);
  EXPECT_EQ(kv.ref_count(a.block_ids[2]), -1);  // uncached: never shared, not counted
  EXPECT_EQ(kv.num_free_blocks(), 7);           // 10 - 3 distinct blocks held
}

TEST(PrefixCache, HashBlocksLargerThanKvBlocks) {
  // One id per 8 tokens, KV blocks of 4: KV block j is named by the id of the hash block holding its end.
  KvCacheManager kv(10, 4, 0, 0, true);
  Request a = Live(Hashed(0, 0, 16, 1, {5, 6}, 8));
  kv.Allocate(a, 4);
  a.num_computed_tokens = 16;
  kv.RegisterFullBlocks(a);
  EXPECT_EQ(kv.num_cached_blocks(), 4);
  Request b = Live(Hashed(1, 0, 20, 1, {5, 8, 9}, 8));  // shares the first 8 tokens only
  EXPECT_EQ(kv.MatchPrefix(b, b.num_tokens() - 1).blocks, 2);
}

TEST(PrefixCache, FreedCachedBlocksAreEvictedLeastRecentlyFreedTailFirstAfterPlainFreeBlocks) {
  KvCacheManager kv(6, 4, 0, 0, true);
  Request a = Live(Hashed(0, 0, 12, 1, {1, 2, 3}, 4));
  kv.Allocate(a, 3);
  a.num_computed_tokens = 12;
  kv.RegisterFullBlocks(a);
  const std::vector<int32_t> ablocks = a.block_ids;
  Request b = Live(Hashed(1, 0, 9, 1, {4, 5}, 4));
  kv.Allocate(b, 3);
  b.num_computed_tokens = 8;
  kv.RegisterFullBlocks(b);  // b's blocks 0 and 1; block 2 not full
  const std::vector<int32_t> bblocks = b.block_ids;
  kv.Free(a);  // a's blocks, last first: 2, 1, 0
  kv.Free(b);  // b's block 2 is not cached: plain free; then 1, 0
  EXPECT_EQ(kv.EvictionOrder(),
            (std::vector<int32_t>{ablocks[2], ablocks[1], ablocks[0], bblocks[1], bblocks[0]}));
  EXPECT_EQ(kv.num_free_blocks(), 6);
  EXPECT_EQ(kv.num_evictable_blocks(), 5);
  // A plain free block goes first (b's third block); then the head of the queue.
  Request c = Live(Spec(2, 0, 8, 1));
  kv.Allocate(c, 1);
  EXPECT_EQ(c.block_ids[0], bblocks[2]);
  EXPECT_EQ(kv.num_cached_blocks(), 5);
  kv.Allocate(c, 2);
  EXPECT_EQ(c.block_ids[1], ablocks[2]);
  EXPECT_EQ(c.block_ids[2], ablocks[1]);
  EXPECT_EQ(kv.num_cached_blocks(), 3);  // evicted blocks lose their content
  EXPECT_FALSE(kv.is_cached(ablocks[1]));
  // A again: only its first block survived.
  Request a2 = Live(Hashed(3, 0, 12, 1, {1, 2, 3}, 4));
  const auto m = kv.MatchPrefix(a2, a2.num_tokens() - 1);
  EXPECT_EQ(m.blocks, 1);
  EXPECT_EQ(m.evictable, 1);
  kv.AcquirePrefix(a2, 1);  // out of the evictable queue
  EXPECT_EQ(kv.EvictionOrder(), (std::vector<int32_t>{bblocks[1], bblocks[0]}));
  EXPECT_EQ(kv.num_free_blocks(), 2);
}

SchedulerConfig Roomy(SchedulerConfig::PrefixCaching pc) {
  SchedulerConfig c = testing::Roomy();
  c.prefix_caching = pc;
  return c;
}

TEST(PrefixCache, SchedulerStartsAHitAtItsCachedTokens) {
  // 0: 64 prompt tokens (ids 10..13 of 16 tokens). 1 (t=1): 80 tokens, its first 64 the same as 0's.
  // 2 (t=3): exactly 0's prompt: the hit stops one block short so that a token is computed.
  const std::vector<RequestSpec> specs = {Hashed(0, 0, 64, 2, {10, 11, 12, 13}, 16),
                                          Hashed(1, 1, 80, 1, {10, 11, 12, 13, 99}, 16),
                                          Hashed(2, 3, 64, 1, {10, 11, 12, 13}, 16)};
  Scheduler on(Roomy(SchedulerConfig::PrefixCaching::kOn), MakePolicy("vllm-v1"));
  EXPECT_EQ(RunTable(on, specs), (Table{"0:64", "0:1 1:16", "", "2:16"}));
  Scheduler off(Roomy(SchedulerConfig::PrefixCaching::kOff), MakePolicy("vllm-v1"));
  EXPECT_EQ(RunTable(off, specs), (Table{"0:64", "0:1 1:80", "", "2:64"}));
}

TEST(PrefixCache, PolicyDefaultIsOnForVllmV1AndRankedOffForVidurCompatiblePolicies) {
  for (const char* name : {"vllm-v1", "autellix-plas", "sjf"}) {
    Scheduler s(Roomy(SchedulerConfig::PrefixCaching::kPolicyDefault), MakePolicy(name));
    EXPECT_TRUE(s.kv_cache().prefix_caching()) << name;
  }
  for (const char* name : {"vllm", "sarathi", "orca", "slai"}) {
    Scheduler s(Roomy(SchedulerConfig::PrefixCaching::kPolicyDefault), MakePolicy(name));
    EXPECT_FALSE(s.kv_cache().prefix_caching()) << name;
  }
}

// Drives `s` to completion with 1 s iterations; returns the finished requests' cached prompt tokens by id.
std::vector<int32_t> Drain(Scheduler& s, const std::vector<RequestSpec>& specs, Table* table) {
  std::vector<int32_t> cached(specs.size(), -1);
  double now = 0;
  size_t next = 0;
  for (int it = 0; it < 200 && (next < specs.size() || s.has_unfinished()); ++it) {
    while (next < specs.size() && specs[next].arrival_time <= now) s.AddRequest(specs[next++], now);
    table->push_back(testing::Render(s.Schedule(now)));
    now += 1;
    for (const Request* r : s.UpdateFromOutput(now).finished)
      cached[r->spec.id] = r->num_cached_prompt_tokens;
  }
  return cached;
}

TEST(PrefixCache, RecomputePreemptionResumesFromItsOwnCachedBlocksMinusEvictedOnes) {
  // 6 blocks of 4 tokens. 0 (no ids) and 1 (ids over 20 tokens: prompt and generated ones) each 8 prompt
  // tokens, 10 outputs. After 5 iterations both hold 3 blocks (12 tokens computed, 1's three blocks cached);
  // at the 6th, 0 needs a 4th block: the last running request (1) is preempted, its blocks enter the
  // evictable queue tail first, and 0's new block evicts 1's third block; at the 10th 0 needs a 5th block
  // (17 tokens) and evicts 1's second. 1 comes back after 0 finishes with a hit of its first block (4
  // tokens) and recomputes the other 9 (13 tokens known).
  SchedulerConfig c = Roomy(SchedulerConfig::PrefixCaching::kOn);
  c.num_kv_blocks = 6;
  c.block_size = 4;
  Scheduler s(c, MakePolicy("vllm-v1"));
  Table t;
  const std::vector<int32_t> cached =
      Drain(s, {Spec(0, 0, 8, 10), Hashed(1, 0, 8, 10, {100, 101, 102, 103, 104}, 4)}, &t);
  const Table want = {"0:8 1:8", "0:1 1:1", "0:1 1:1", "0:1 1:1", "0:1 1:1", "0:1",  // 1 preempted
                      "0:1",     "0:1",     "0:1",     "0:1",                        // 0 done (10 tokens)
                      "1:9",                                                         // 1 back: 4 cached of 13
                      "1:1",     "1:1",     "1:1",     "1:1"};
  EXPECT_EQ(t, want);
  EXPECT_EQ(cached, (std::vector<int32_t>{0, 0}));  // the hit rate counts the first admission only
  EXPECT_EQ(s.kv_cache().num_free_blocks(), 6);
}

TEST(PrefixCache, SwapPreemptionKeepsProgressAndLeavesTheBlocksCached) {
  // As above with swap: 1's three cached blocks are freed to the evictable queue when it is swapped out
  // and it comes back with its 3 swapped blocks (new ones), computing nothing again.
  SchedulerConfig c = Roomy(SchedulerConfig::PrefixCaching::kOn);
  c.num_kv_blocks = 6;
  c.block_size = 4;
  c.num_cpu_blocks = 10;
  Scheduler s(c, MakePolicy("vllm-v1", {{"preemption", "swap"}}));
  Table t;
  Drain(s, {Spec(0, 0, 8, 10), Hashed(1, 0, 8, 10, {100, 101, 102, 103, 104}, 4)}, &t);
  const Table want = {"0:8 1:8", "0:1 1:1", "0:1 1:1", "0:1 1:1", "0:1 1:1", "0:1", "0:1", "0:1",
                      "0:1",     "0:1",     "1:1",     "1:1",     "1:1",     "1:1", "1:1"};
  EXPECT_EQ(t, want);
  EXPECT_EQ(s.kv_cache().num_free_blocks(), 6);
  EXPECT_EQ(s.kv_cache().num_free_cpu_blocks(), 10);
}

}  // namespace
}  // namespace schedkit::serve
