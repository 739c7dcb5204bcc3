// Model / GPU tables, name lookup and Vidur's memory planner.
#include "schedkit/sim/hardware.h"

#include <gtest/gtest.h>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

TEST(HardwareTest, VidurParameterCountAndKvBytesForQwen2OnA30) {
  const ModelSpec& qwen = FindModel("Qwen2-7B");
  // vidur_reference README: 6,525,288,448 layer parameters, 57,344 B of KV per token.
  EXPECT_EQ(qwen.layer_params_per_shard(1), 6'525'288'448);
  EXPECT_EQ(qwen.kv_bytes_per_token(1), 57'344);
  EXPECT_EQ(qwen.head_dim(), 128);
  EXPECT_TRUE(qwen.uses_gqa());
}

TEST(HardwareTest, ParameterCountsByHand) {
  // Llama-2-7B: 32 x (4096*128*(32+64) + 4096*4096 + 3*4096*11008).
  EXPECT_EQ(FindModel("Llama-2-7B").layer_params_per_shard(1), 6'476'005'376);
  EXPECT_EQ(FindModel("Llama-2-7B").kv_bytes_per_token(1), 2 * 2 * 128 * 32 * 32);
  EXPECT_FALSE(FindModel("Llama-2-7B").uses_gqa());
  // Llama-2-70B: 8 KV heads, ceil(8/tp) per shard.
  const ModelSpec& l70 = FindModel("Llama-2-70B");
  EXPECT_EQ(l70.layer_params_per_shard(1), 68'451'041'280);
  EXPECT_EQ(l70.layer_params_per_shard(4), 17'112'760'320);
  EXPECT_EQ(l70.layer_params_per_shard(8), 8'556'380'160);
  EXPECT_EQ(l70.kv_bytes_per_token(4), 2 * 2 * 128 * 2 * 80);
  EXPECT_EQ(l70.kv_bytes_per_token(8), 2 * 2 * 128 * 1 * 80);
  EXPECT_THROW(l70.kv_bytes_per_token(3), Error);                        // 64 heads not divisible by 3
  EXPECT_THROW(FindModel("Qwen2-7B").layer_params_per_shard(8), Error);  // 28 heads
}

TEST(HardwareTest, KvCapacityVidurReferenceIs11008Blocks) {
  const ModelSpec& qwen = FindModel("Qwen/Qwen-2-7B");
  const GpuSpec& a30 = FindGpu("A30");
  KvBudget vidur;
  vidur.max_request_tokens = 4096;  // 43 whole 4096-token requests x 256 blocks
  EXPECT_EQ(KvCapacityBlocks(qwen, a30, 1, vidur), 11'008);
  // Without Vidur's rounding to whole requests: floor((24 GiB x 0.9 - 2 x params) / (57,344 x 16)) = 11,054.
  EXPECT_EQ(KvCapacityBlocks(qwen, a30, 1, KvBudget{}), 11'054);
  // Llama-2-7B on an A100 80 GB: floor((80 GiB x 0.9 - 2 x 6,476,005,376) / (524,288 x 16)) = 7,672.
  EXPECT_EQ(KvCapacityBlocks(FindModel("Llama-2-7B"), FindGpu("a100"), 1, KvBudget{}), 7'672);
  // An activation reserve of 1 GiB costs exactly 1 GiB / (57,344 x 16) = 1170.3 blocks.
  KvBudget reserve;
  reserve.activation_reserve_gib = 1.0;
  EXPECT_EQ(KvCapacityBlocks(qwen, a30, 1, reserve), 11'054 - 1'171);
}

TEST(HardwareTest, ImpossibleBudgetNamesTheNumbers) {
  try {
    KvCapacityBlocks(FindModel("Llama-2-70B"), FindGpu("a30"), 1, KvBudget{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("weights do not fit"), std::string::npos) << msg;
    EXPECT_NE(msg.find("136902082560"), std::string::npos) << msg;  // 2 bytes x 68,451,041,280
  }
  KvBudget one_request;
  one_request.max_request_tokens = 1'000'000;
  EXPECT_THROW(KvCapacityBlocks(FindModel("Qwen2-7B"), FindGpu("a30"), 1, one_request), Error);
  KvBudget bad_block;
  bad_block.block_size = 0;
  EXPECT_THROW(KvCapacityBlocks(FindModel("Qwen2-7B"), FindGpu("a30"), 1, bad_block), Error);
}

TEST(HardwareTest, LookupIsCaseInsensitiveWithAliases) {
  EXPECT_EQ(FindModel("meta-llama/Llama-2-7b-hf").name, "Llama-2-7B");
  EXPECT_EQ(FindModel("LLAMA-2-7B").name, "Llama-2-7B");
  EXPECT_EQ(FindModel("llama2-70b").name, "Llama-2-70B");  // SplitwiseSim's name
  EXPECT_EQ(FindModel("meta-llama/Meta-Llama-3-8B").name, "Llama-3-8B");
  EXPECT_EQ(FindModel("Qwen/Qwen-2-7B").name, "Qwen2-7B");
  EXPECT_EQ(FindGpu("H100").name, "h100");
  EXPECT_EQ(FindGpu("a100-80gb").name, "a100");
  EXPECT_DOUBLE_EQ(FindGpu("a30").peak_tflops_fp16, 165);
  EXPECT_DOUBLE_EQ(FindGpu("a100").peak_tflops_fp16, 312);
  EXPECT_DOUBLE_EQ(FindGpu("h100").peak_tflops_fp16, 1000);
  EXPECT_DOUBLE_EQ(FindGpu("a30").memory_gib, 24);
}

TEST(HardwareTest, UnknownNamesListTheKnownOnes) {
  try {
    FindModel("gpt-5");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("gpt-5"), std::string::npos);
    for (const auto& m : KnownModels()) EXPECT_NE(msg.find(m), std::string::npos) << msg;
  }
  try {
    FindGpu("v100");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    for (const auto& g : KnownGpus()) EXPECT_NE(msg.find(g), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace schedkit::sim
