// Agentic workload presets (chatbot, lats): statistics for a seed, history-sharing prefix hashes, and prefix
// hit rates through the simulator, checked by hand on small fixtures (a chatbot chain, a Mooncake trace).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "common/error_of.h"
#include "schedkit/sim/programs.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"
#include "sim_test_util.h"

namespace schedkit::sim {
namespace {

using serve::RequestSpec;

using schedkit::testing::ErrorOf;

TEST(AgenticPresets, ChatbotTurnsCarryThePreviousTurnsAsPrefix) {
  ProgramOptions o;
  SetProgramWorkload("chatbot", "--programs", &o);
  EXPECT_EQ(o.shape, ProgramOptions::Shape::kChain);
  EXPECT_TRUE(o.share_history);
  o.num_programs = 50;
  o.lengths = {{20, 5}};  // every turn: 20 new prompt tokens, 5 outputs
  o.seed = 2;
  const auto programs = GeneratePrograms(o);
  std::set<uint64_t> first_ids;
  size_t longest = 0;
  for (const Program& p : programs) {
    for (size_t k = 0; k < p.calls.size(); ++k) {
      const RequestSpec& c = p.calls[k];
      // Turn k: prompt 20 + 25 k (the previous turns' prompts and outputs, then its own 20 tokens).
      EXPECT_EQ(c.prompt_tokens, 20 + 25 * static_cast<int32_t>(k));
      EXPECT_EQ(c.prefix_hash_block_tokens, 16);
      EXPECT_EQ(c.prefix_hashes.size(), static_cast<size_t>((c.prompt_tokens + 5 + 15) / 16));
      if (k > 0) {  // the previous turn's ids over its full blocks, then fresh ones
        const RequestSpec& prev = p.calls[k - 1];
        const size_t shared = static_cast<size_t>((prev.prompt_tokens + 5) / 16);
        for (size_t i = 0; i < c.prefix_hashes.size(); ++i) {
          if (i < shared) {
            EXPECT_EQ(c.prefix_hashes[i], prev.prefix_hashes[i]);
          } else if (i < prev.prefix_hashes.size()) {
            EXPECT_NE(c.prefix_hashes[i], prev.prefix_hashes[i]);
          }
        }
      }
    }
    EXPECT_TRUE(first_ids.insert(p.calls[0].prefix_hashes[0]).second) << "programs share no content";
    longest = std::max(longest, p.calls.size());
  }
  EXPECT_GT(longest, 3u);
}

TEST(AgenticPresets, LatsMatchesThePapersPerCallMeansForASeed) {
  ProgramOptions o;
  SetProgramWorkload("lats", "--programs", &o);
  o.num_programs = 200;
  o.seed = 1;
  const auto programs = GeneratePrograms(o);
  double calls = 0, new_prefill = 0, decode = 0, n_new = 0;
  for (const Program& p : programs) {
    // rollouts x 5 x depth with depth in 5..10: 150 (5, 6, 10), 175 (7), 160 (8) or 180 (9) calls.
    EXPECT_TRUE(std::set<size_t>({150, 160, 175, 180}).count(p.calls.size())) << p.calls.size();
    calls += static_cast<double>(p.calls.size());
    std::map<serve::RequestId, const RequestSpec*> by_id;
    for (const RequestSpec& c : p.calls) {
      by_id[c.id] = &c;
      decode += c.output_tokens;
      if (c.parents.empty()) continue;
      EXPECT_EQ(c.parents.size(), 5u);  // a level waits for the whole previous level
      // The node it continues: the longest parent history whose full-block ids start this call's ids (a
      // sibling of that node whose own tokens fill no block matches too, with a shorter history). The first
      // level of a rollout restarts from the task context: no parent matches.
      int64_t history = -1;
      for (serve::RequestId pid : c.parents) {
        const RequestSpec& par = *by_id.at(pid);
        const int64_t h = static_cast<int64_t>(par.prompt_tokens) + par.output_tokens;
        const size_t shared = static_cast<size_t>(h / 16);
        if (h < c.prompt_tokens && std::equal(par.prefix_hashes.begin(), par.prefix_hashes.begin() + shared,
                                              c.prefix_hashes.begin())) {
          history = std::max(history, h);
        }
      }
      if (history >= 0) {
        new_prefill += static_cast<double>(c.prompt_tokens - history);
        n_new += 1;
      }
    }
  }
  const double total_calls = calls;
  calls /= static_cast<double>(programs.size());
  EXPECT_NEAR(calls, 160.8, 4.0);  // expected (150 x 3 + 175 + 160 + 180) / 6
  EXPECT_NEAR(new_prefill / n_new, 467.7, 467.7 * 0.03);
  EXPECT_NEAR(decode / total_calls, 73.1, 73.1 * 0.03);
  EXPECT_GT(n_new / total_calls, 0.75);  // every level but the first of each rollout
}

TEST(AgenticPresets, UnknownWorkloadListsTheValidOnes) {
  ProgramOptions o;
  EXPECT_NE(
      ErrorOf([&] {
        SetProgramWorkload("bfcl2", "--programs", &o);
      }).find("--programs bfcl2: unknown program workload (valid: chain, fanout, mixed, chatbot, lats)"),
      std::string::npos);
  o.shape = ProgramOptions::Shape::kLats;
  o.lats_min_depth = 6;
  o.lats_max_depth = 5;
  EXPECT_NE(ErrorOf([&] { GeneratePrograms(o); }).find("lats options"), std::string::npos);
}

SimulationConfig PrefixConfig(const std::string& prefix) {
  SimulationConfig c;
  c.policy = "vllm-v1";
  c.scheduler.num_kv_blocks = 2000;
  c.scheduler.max_model_len = 8192;
  c.scheduler.prefix_caching = prefix == "on" ? serve::SchedulerConfig::PrefixCaching::kOn
                                              : serve::SchedulerConfig::PrefixCaching::kOff;
  return c;
}

TEST(AgenticPresets, ChatbotChainHitRateByHand) {
  // One program of 3 turns (20 new prompt tokens, 5 outputs each): prompts 20, 45, 70, with the ids the
  // chatbot preset gives (the previous turn's full 16-token blocks, then fresh ids). Turn 0 computes 24
  // tokens (the last output is never fed back): 1 full block registered. Turn 1 (45 tokens): a hit of 1
  // block (16); it computes 49 tokens: blocks 0-2 cached. Turn 2 (70): a hit of 3 blocks (48). 64 / 135.
  Program p;
  p.id = 0;
  const std::vector<std::vector<uint64_t>> ids = {{1, 2}, {1, 3, 4, 5}, {1, 3, 4, 6, 7}};
  for (int k = 0; k < 3; ++k) {
    RequestSpec s = testing::Spec(k, 0, 20 + 25 * k, 5);
    s.program = 0;
    if (k > 0) s.parents = {k - 1};
    s.prefix_hashes = ids[static_cast<size_t>(k)];
    s.prefix_hash_block_tokens = 16;
    p.calls.push_back(s);
    p.think.push_back(0.5);
  }
  testing::LinearModel model(0.01, 0.001);
  for (const std::string mode : {"on", "off"}) {
    auto source = MakeProgramSource({p});
    const SimulationResult r = Simulate(PrefixConfig(mode), *source, model);
    ASSERT_EQ(r.records.size(), 3u);
    const int64_t want = mode == "on" ? 64 : 0;
    EXPECT_EQ(r.summary.cached_prompt_tokens, want) << mode;
    EXPECT_DOUBLE_EQ(r.summary.prefix_hit_rate, static_cast<double>(want) / 135.0) << mode;
    EXPECT_EQ(r.records[2].num_cached_prompt_tokens, mode == "on" ? 48 : 0);
  }
}

TEST(AgenticPresets, MooncakeHashIdsHitRateByHand) {
  // Request 0 (t=0): 1024 tokens, ids [0, 1] of 512 tokens; request 1 (t=0.25, after 0 finished): 1025
  // tokens, ids [0, 1, 9]; request 2: 10 tokens, no ids. Request 0 registers the 64 blocks its ids cover;
  // request 1 finds all 64 (1024 tokens, one token left to compute). 1024 / 2059.
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "schedkit_prefix_mooncake";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "trace.jsonl").string();
  std::ofstream(path, std::ios::binary)
      << "{\"timestamp\": 0, \"input_length\": 1024, \"output_length\": 7, \"hash_ids\": [0, 1]}\n"
         "{\"timestamp\": 250, \"input_length\": 1025, \"output_length\": 3, \"hash_ids\": [0, 1, 9]}\n"
         "{\"timestamp\": 4000, \"input_length\": 10, \"output_length\": 1}\n";
  const Trace trace = LoadTrace(path);
  testing::LinearModel model(0.01, 1e-5);
  for (const std::string mode : {"on", "off"}) {
    testing::ListSource source(trace.requests);
    const SimulationResult r = Simulate(PrefixConfig(mode), source, model);
    EXPECT_DOUBLE_EQ(r.summary.prefix_hit_rate, mode == "on" ? 1024.0 / 2059.0 : 0.0) << mode;
  }
}

}  // namespace
}  // namespace schedkit::sim
