// Property tests: over many random workloads, every registered policy (with each of its benchmarked option
// sets and its other preemption mode) loses no request, generates exactly each request's output tokens,
// conserves KV blocks, respects its batch cap and budget, and leaves the cache empty.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "schedkit/serve/policy_registry.h"
#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

struct Case {
  std::string policy;
  PolicyOptions options;
  SchedulerConfig::PrefixCaching prefix_caching = SchedulerConfig::PrefixCaching::kPolicyDefault;
};

class InvariantTest : public ::testing::TestWithParam<Case> {};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.policy;
  for (const auto& [k, v] : info.param.options) name += "_" + v;
  if (info.param.prefix_caching == SchedulerConfig::PrefixCaching::kOn) name += "_prefix_on";
  if (info.param.prefix_caching == SchedulerConfig::PrefixCaching::kOff) name += "_prefix_off";
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

TEST_P(InvariantTest, RandomWorkloadsKeepEveryInvariant) {
  const Case& pc = GetParam();
  const BatchingRules::Order order = MakePolicy(pc.policy, pc.options)->rules().order;
  int64_t cached_prompt_tokens = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    std::mt19937_64 rng(seed);
    auto uni = [&](int lo, int hi) {
      return static_cast<int>(lo + rng() % static_cast<uint64_t>(hi - lo + 1));
    };
    SchedulerConfig c;
    c.block_size = 1 << uni(2, 5);
    c.num_kv_blocks = uni(40, 400);
    c.watermark_fraction = 0.01 * uni(0, 3);
    c.max_num_seqs = uni(1, 24);
    c.token_budget = uni(16, 300);
    c.max_model_len = 512;
    c.num_cpu_blocks = uni(0, 200);
    c.prefix_caching = pc.prefix_caching;
    Scheduler s(c, MakePolicy(pc.policy, pc.options));
    const int n = uni(1, 120);
    std::vector<RequestSpec> specs;
    double t = 0;
    for (int i = 0; i < n; ++i) {
      t += (rng() % 1000) / 400.0;
      specs.push_back(testing::Spec(i, t, uni(1, 300), uni(1, 200), uni(0, 3)));
      // Every request carries a client (above) and a program, whatever the policy needs; these fields are
      // derived from i so that the random stream is the same for all policies.
      specs.back().program = i % 5;
      specs.back().priority = i % 3;
      if (i % 4 == 0) specs.back().tbt_slo = 0.02 * (1 + i % 3);
      if (i >= 5 && i % 2 == 0) specs.back().parents = {i - 5};  // a chain inside the program
      // Shared prefixes (prefix caching): ids of 8 tokens over prompt and output; requests of one of three
      // groups share their first 4, 8 or 12 ids, the rest are their own.
      RequestSpec& sp = specs.back();
      sp.prefix_hash_block_tokens = 8;
      const int group = i % 3;
      for (int k = 0; k < (sp.prompt_tokens + sp.output_tokens) / 8; ++k) {
        sp.prefix_hashes.push_back(k < 4 * (group + 1) ? static_cast<uint64_t>(1000 * group + k)
                                                       : static_cast<uint64_t>(1000000 * (i + 1) + k));
      }
    }
    std::map<RequestId, int> outputs;
    std::set<RequestId> finished, rejected;
    std::map<RequestId, double> last_token;
    double now = 0;
    size_t next = 0;
    int64_t iters = 0;
    std::vector<int32_t> holders;
    while (next < specs.size() || s.has_unfinished()) {
      ASSERT_LT(++iters, 200000) << "no progress: " << pc.policy << " seed " << seed;
      if (!s.has_unfinished() && next < specs.size()) now = std::max(now, specs[next].arrival_time);
      while (next < specs.size() && specs[next].arrival_time <= now) {
        const Request& r = s.AddRequest(specs[next++], now);
        if (r.state == RequestState::kRejected) {
          rejected.insert(r.spec.id);
          EXPECT_GT(r.spec.prompt_tokens + r.spec.output_tokens, 0);
        }
      }
      if (!s.has_unfinished()) continue;  // everything that arrived was rejected
      const SchedulerOutput& out = s.Schedule(now);
      // KV conservation: free (plain or evictable cached) + distinct blocks held by running == total; a
      // block is shared only with prefix caching, and then its ref count is its number of holders.
      const KvCacheManager& kv = s.kv_cache();
      holders.assign(static_cast<size_t>(c.num_kv_blocks), 0);
      int64_t distinct = 0;
      for (const Request* r : s.running()) {
        for (int32_t b : r->block_ids) {
          if (holders[b]++ == 0) ++distinct;
        }
      }
      int64_t bad_refs = 0;  // counted, one assertion per iteration (per-block EXPECTs are slow under ASan)
      for (const Request* r : s.running()) {
        for (int32_t b : r->block_ids) {  // a table never names a block twice, so holders == ref count
          // Only cached blocks are shared; their ref count is their number of holders.
          bad_refs += kv.is_cached(b) ? kv.ref_count(b) != holders[b] : holders[b] != 1;
        }
      }
      ASSERT_EQ(bad_refs, 0) << pc.policy << " seed " << seed << ": blocks with a wrong ref count or shared";
      ASSERT_EQ(distinct + kv.num_free_blocks(), c.num_kv_blocks) << pc.policy << " seed " << seed;
      ASSERT_LE(kv.num_evictable_blocks(), kv.num_cached_blocks());
      if (kv.num_evictable_blocks() > 0 && iters % 8 == 0) {  // the LRU walk, every 8th iteration
        int64_t bad_lru = 0, walked = 0;
        for (int32_t b : kv.EvictionOrder()) {
          bad_lru += holders[b] != 0 || !kv.is_cached(b);
          ++walked;
        }
        ASSERT_EQ(bad_lru, 0) << "an evictable block is held or uncached";
        ASSERT_EQ(walked, kv.num_evictable_blocks());
      }
      ASSERT_LE(static_cast<int>(s.num_running()), c.max_num_seqs);
      int64_t prefill_tokens = 0;
      std::set<RequestId> in_batch;
      for (const auto& x : out.scheduled) {
        EXPECT_TRUE(in_batch.insert(x.request->spec.id).second) << "request scheduled twice in one batch";
        EXPECT_GT(x.num_tokens, 0);
        EXPECT_LE(x.num_tokens, x.request->num_uncomputed_tokens());
        EXPECT_GE(static_cast<int64_t>(x.request->num_kv_blocks()) * c.block_size,
                  x.request->num_computed_tokens + x.num_tokens);
        if (!x.is_decode) prefill_tokens += x.num_tokens;
      }
      int64_t all_tokens = 0;
      for (const auto& x : out.scheduled) all_tokens += x.num_tokens;
      if (order == BatchingRules::Order::kRanked) {
        EXPECT_LE(all_tokens, s.token_budget());  // one budget for every token
      }
      if (order == BatchingRules::Order::kDecodesThenChunks ||
          order == BatchingRules::Order::kRunningListOrder) {
        // Chunked policies never exceed the budget with prefill tokens (decodes ride outside it in Sarathi).
        EXPECT_LE(prefill_tokens, s.token_budget());
      }
      if (out.empty()) {  // nothing runnable: only possible while waiting for arrivals
        ASSERT_LT(next, specs.size())
            << pc.policy << " seed " << seed << ": stuck with work left, running " << s.num_running()
            << " waiting " << s.num_waiting() << " free blocks " << s.kv_cache().num_free_blocks() << " of "
            << c.num_kv_blocks << " bs " << c.block_size << " budget " << s.token_budget();
        now = std::max(now, specs[next].arrival_time);
        continue;
      }
      // Token-dependent, so that SLAI's online iteration-time model fits and sizes iterations.
      int64_t batch_tokens = 0;
      for (const auto& x : out.scheduled) batch_tokens += x.num_tokens;
      now +=
          0.01 + 0.001 * static_cast<double>(out.scheduled.size()) + 2e-5 * static_cast<double>(batch_tokens);
      const IterationOutcome& res = s.UpdateFromOutput(now);
      for (const auto& ev : res.tokens) {
        const Request* r = ev.request;
        outputs[r->spec.id]++;
        if (!std::isnan(ev.previous_token_time)) {
          EXPECT_GT(now, ev.previous_token_time);
        }
        EXPECT_GE(r->first_token_time, r->spec.arrival_time);
        EXPECT_GE(r->first_token_time, r->first_scheduled_time);
      }
      for (const Request* r : res.finished) {
        EXPECT_TRUE(finished.insert(r->spec.id).second) << "finished twice";
        EXPECT_LT(r->num_cached_prompt_tokens, r->spec.prompt_tokens);  // at least one token computed
        EXPECT_EQ(r->num_cached_prompt_tokens % c.block_size, 0);
        if (!s.kv_cache().prefix_caching()) {
          EXPECT_EQ(r->num_cached_prompt_tokens, 0);
        }
        cached_prompt_tokens += r->num_cached_prompt_tokens;
        EXPECT_EQ(r->num_kv_blocks(), 0);
        EXPECT_LE(r->first_token_time, r->finish_time);
      }
    }
    EXPECT_EQ(finished.size() + rejected.size(), specs.size()) << pc.policy << " seed " << seed;
    for (const auto& sp : specs) {
      if (rejected.count(sp.id)) continue;
      EXPECT_EQ(outputs[sp.id], sp.output_tokens) << "request " << sp.id << " (" << pc.policy << ")";
    }
    EXPECT_EQ(s.kv_cache().num_free_blocks(), c.num_kv_blocks);
    EXPECT_EQ(s.kv_cache().num_free_cpu_blocks(), c.num_cpu_blocks);
    // After the drain every cached block is evictable (nobody holds one).
    EXPECT_EQ(s.kv_cache().num_evictable_blocks(), s.kv_cache().num_cached_blocks());
  }
  if (pc.prefix_caching == SchedulerConfig::PrefixCaching::kOn) {
    EXPECT_GT(cached_prompt_tokens, 0) << "shared prefixes never hit";
  }
}

// Every registered policy with each option set it is benchmarked with, and with its other preemption mode.
std::vector<Case> RegisteredCases() {
  std::vector<Case> cases;
  for (const PolicyInfo& info : RegisteredPolicies()) {
    for (const auto& [label, options] : BenchVariants(info)) cases.push_back(Case{info.name, options});
    for (const PolicyOptionInfo& o : info.options) {
      if (o.key == "preemption") {
        cases.push_back(Case{info.name, {{"preemption", o.default_value == "swap" ? "recompute" : "swap"}}});
      }
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllPolicies, InvariantTest, ::testing::ValuesIn(RegisteredCases()), CaseName);

// Option combinations and prefix-caching modes beyond the registry's variants.
INSTANTIATE_TEST_SUITE_P(
    Combinations, InvariantTest,
    ::testing::Values(
        Case{"vtc", {{"batching", "vllm-v1"}}}, Case{"rpm", {{"rate_limit", "30"}}},
        Case{"ltr", {{"ranker", "learned"}, {"starvation_threshold", "5"}}},
        Case{"vllm", {}, SchedulerConfig::PrefixCaching::kOn},
        Case{"sarathi", {{"preemption", "swap"}}, SchedulerConfig::PrefixCaching::kOn},
        Case{"orca", {}, SchedulerConfig::PrefixCaching::kOn},
        Case{"vllm-v1", {}, SchedulerConfig::PrefixCaching::kOn},
        Case{"vllm-v1", {{"preemption", "swap"}}, SchedulerConfig::PrefixCaching::kOn},
        Case{"ltr", {}, SchedulerConfig::PrefixCaching::kOn},
        Case{"autellix-atlas", {{"preemption", "recompute"}}, SchedulerConfig::PrefixCaching::kOn},
        Case{"vllm-v1", {}, SchedulerConfig::PrefixCaching::kOff}),
    CaseName);

}  // namespace
}  // namespace schedkit::serve
