// Model and GPU catalogues: config.json parsing, names and aliases, built-in numbers kept, errors.
#include <gtest/gtest.h>

#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

TEST(CatalogueTest, NamesMatchWithOrWithoutOrganisation) {
  EXPECT_EQ(FindModel("meta-llama/Llama-3.1-8B").name, "Llama-3.1-8B");
  EXPECT_EQ(FindModel("llama-3.1-8b-instruct").name, "Llama-3.1-8B");
  EXPECT_EQ(FindModel("Qwen/Qwen3-30B-A3B").name, "Qwen3-30B-A3B");
  EXPECT_EQ(&FindModel("meta-llama/Llama-2-7b-hf"), &FindModel("Llama-2-7B"));  // built-in alias
  EXPECT_EQ(&FindGpu("A100-SXM-80GB"), &FindGpu("a100"));
  EXPECT_EQ(&FindGpu("H100-SXM-80GB"), &FindGpu("h100"));
  EXPECT_EQ(FindGpu("h100").peak_tflops_fp16, 1000);  // Vidur's number kept
  EXPECT_EQ(FindGpu("rtx4090").mem_bandwidth_gbs, 1008);
}

TEST(CatalogueTest, BuiltinNumbersUnchanged) {
  const ModelSpec& q = FindModel("Qwen2-7B");
  EXPECT_EQ(q.layer_params_per_shard(1), 6525288448);
  EXPECT_EQ(q.kv_bytes_per_token(1), 57344);
  EXPECT_EQ(KvCapacityBlocks(q, FindGpu("a30"), 1, {}), 11054);
}

TEST(CatalogueTest, ArchitecturesFromConfig) {
  const ModelSpec& l = FindModel("Llama-3.1-8B");
  EXPECT_EQ(l.kv_bytes_per_token(1), 2 * 2 * 128 * 8 * 32);
  EXPECT_NEAR(l.weight_bytes_per_shard(1) / 2, 8.03e9, 0.01e9);  // 8.03 B parameters with embeddings
  const ModelSpec& mix = FindModel("Mixtral-8x7B");
  EXPECT_TRUE(mix.is_moe());
  EXPECT_NEAR(mix.weight_bytes_per_shard(1) / 2, 46.7e9, 0.1e9);
  const ModelSpec& ds = FindModel("DeepSeek-V2-Lite");
  EXPECT_TRUE(ds.is_mla());
  EXPECT_EQ(ds.kv_bytes_per_token(1), 2 * (512 + 64) * 27);
  EXPECT_NEAR(ds.weight_bytes_per_shard(1) / 2, 15.7e9, 0.2e9);
  EXPECT_EQ(FindModel("DeepSeek-V3").weight_bytes, 1);  // fp8 release
  EXPECT_EQ(FindModel("Llama-3.1-8B@kv=fp8").kv_bytes_per_token(1), 2 * 128 * 8 * 32);
  EXPECT_EQ(FindModel("Mistral-7B").sliding_window, 4096);
}

TEST(CatalogueTest, ErrorsNameFileAndField) {
  try {
    ModelFromConfigJson(R"({"model_type": "llama", "hidden_size": 4096})", "x/config.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("x/config.json: missing field 'num_hidden_layers'"),
              std::string::npos);
  }
  EXPECT_THROW(ModelFromConfigJson(R"({"model_type": "llama4"})", "c.json"), Error);
  try {
    GpuFromJson(
        R"({"name": "g", "memory_gib": 24, "bf16_tflops": 100, "memory_bandwidth_gbs": -1, "pcie_gbs": 32})",
        "g.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("g.json: field 'memory_bandwidth_gbs'"), std::string::npos);
  }
  EXPECT_THROW(FindModel("no-such-model"), Error);
}

TEST(CatalogueTest, RooflineForUnprofiledModels) {
  auto m = MakeExecutionModel(FindModel("Qwen3-30B-A3B"), FindGpu("H200"), 1);
  BatchShape b;
  b.num_decodes = 32;
  b.decode_context_sum = 32 * 1000;
  const double t = m->Seconds(b);
  EXPECT_GT(t, 0.002);
  EXPECT_LT(t, 0.05);
  EXPECT_THROW(MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu("a30"), 1),
               Error);  // profiled pair, no TP 1
}

}  // namespace
}  // namespace schedkit::sim
