// The execution-time model: Vidur's composition rules, tiers, supported set and errors.
#include "schedkit/sim/execution_model.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "schedkit/sim/profile_tables.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

const std::string kBundled = std::string(SCHEDKIT_SOURCE_DIR) + "/data/profiles";
const std::string kQwenA30 = kBundled + "/vidur/akafaka_vidur_opt_scheduler/compute/a30/Qwen/Qwen-2-7B/";

BatchShape Decodes(int n, int64_t context_sum) {
  BatchShape b;
  b.num_decodes = n;
  b.decode_context_sum = context_sum;
  return b;
}

BatchShape Prefill(int tokens, int context) {
  BatchShape b;
  b.prefills.push_back({tokens, context});
  return b;
}

class ExecutionQwenA30Test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1).release();
    mlp_ = new MlpProfile(LoadMlpProfile(kQwenA30 + "mlp.csv", FindModel("Qwen2-7B"), 1));
    att_ = new AttentionProfile(LoadAttentionProfile(kQwenA30 + "attention.csv", FindModel("Qwen2-7B"), 1));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete mlp_;
    delete att_;
  }
  static double LinearMs(double n) {
    double t = 0;
    for (const auto& op : mlp_->ops) t += op.ms_by_tokens(n);
    return t;
  }
  static inline ExecutionTimeModel* model_ = nullptr;
  static inline MlpProfile* mlp_ = nullptr;
  static inline AttentionProfile* att_ = nullptr;
};

TEST_F(ExecutionQwenA30Test, EveryOperatorIsMeasured) {
  ASSERT_EQ(model_->Sources().size(), 12u);  // 9 token-count operators, KV save, prefill and decode attention
  for (const auto& s : model_->Sources()) {
    EXPECT_EQ(s.tier, TimingTier::kMeasured) << s.op << ": " << s.detail;
    EXPECT_NE(s.detail.find("Qwen-2-7B"), std::string::npos) << s.detail;
  }
}

TEST_F(ExecutionQwenA30Test, ProfileMediansAtGridPoints) {
  // Golden medians from mlp.csv (num_tokens 1024, every operator present) and attention.csv.
  const double ops_1024 = 0.0424645 + 0.035888 + 0.29198599999999997 + 0.043552 + 2.563598 + 0.219553 +
                          1.3373680000000001 + 0.021648 + 0.393538;
  const IterationTime p = model_->Predict(Prefill(1024, 0));
  EXPECT_NEAR(p.linear, 28e-3 * (ops_1024 + att_->kv_save_ms(1024)), 1e-12);
  EXPECT_EQ(p.comm, 0.0);
  // Decode attention at (batch 1, kv 1024): one median, 0.021472 ms; at (8, 1024) two rows, averaged, +10%
  // GQA.
  EXPECT_NEAR(model_->Predict(Decodes(1, 1024)).attention, 28e-3 * 0.021472000000000095, 1e-12);
  EXPECT_NEAR(model_->Predict(Decodes(8, 8 * 1024)).attention,
              28e-3 * 1.1 * (0.04245999999999992 + 0.042495000000000005) / 2, 1e-12);
  // Prefill attention at (kv 1024, chunk 512): 0.186623 ms.
  EXPECT_NEAR(model_->Predict(Prefill(512, 1024)).attention, 28e-3 * 0.18662300000000018, 1e-12);
}

TEST_F(ExecutionQwenA30Test, VidurRoundingRules) {
  // 3 decodes, contexts summing to 300: tokens rounded 3 -> 8 (KV save exact at 3), mean KV int(100) -> 128.
  const IterationTime t = model_->Predict(Decodes(3, 300));
  EXPECT_NEAR(t.linear, 28e-3 * (LinearMs(8) + att_->kv_save_ms(3)), 1e-12);
  EXPECT_NEAR(t.attention, 28e-3 * 1.1 * att_->decode_ms(3, 128), 1e-12);

  // Two prefills (300 tokens after 100 cached, 400 new) and 5 decodes: 705 tokens -> 712; prefill attention
  // at (ceil64(100) + 0, round(sqrt(300^2 + 400^2))^2 = 500^2), +10% for two prefills; decode at mean KV
  // ceil64(2000/5).
  BatchShape mixed = Decodes(5, 2000);
  mixed.prefills = {{300, 100}, {400, 0}};
  const IterationTime m = model_->Predict(mixed);
  EXPECT_NEAR(m.linear, 28e-3 * (LinearMs(712) + att_->kv_save_ms(705)), 1e-12);
  EXPECT_NEAR(m.attention,
              28e-3 * (1.1 * att_->prefill_ms(500.0 * 500.0, 128) + 1.1 * att_->decode_ms(5, 448)), 1e-12);
  EXPECT_DOUBLE_EQ(model_->Seconds(mixed), m.total());
}

TEST(ExecutionModelTest, WithoutRoundingUsesExactCounts) {
  ExecutionModelOptions opt;
  opt.vidur_rounding = false;
  opt.gqa_overhead = false;
  auto model = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1, opt);
  const auto mlp = LoadMlpProfile(kQwenA30 + "mlp.csv", FindModel("Qwen2-7B"), 1);
  const auto att = LoadAttentionProfile(kQwenA30 + "attention.csv", FindModel("Qwen2-7B"), 1);
  double lin3 = 0;
  for (const auto& op : mlp.ops) lin3 += op.ms_by_tokens(3);
  const IterationTime t = model->Predict(Decodes(3, 300));
  EXPECT_NEAR(t.linear, 28e-3 * (lin3 + att.kv_save_ms(3)), 1e-12);
  EXPECT_NEAR(t.attention, 28e-3 * att.decode_ms(3, 100), 1e-12);  // no GQA overhead, exact mean
}

TEST(ExecutionModelTest, EmptyBatchTakesNoTime) {
  auto model = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1);
  EXPECT_EQ(model->Seconds(BatchShape{}), 0.0);
}

TEST(ExecutionModelTest, TimeGrowsWithWork) {
  auto model = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1);
  EXPECT_LT(model->Seconds(Prefill(128, 0)), model->Seconds(Prefill(512, 0)));
  EXPECT_LT(model->Seconds(Prefill(512, 0)), model->Seconds(Prefill(4096, 0)));
  EXPECT_LT(model->Seconds(Decodes(8, 8 * 512)), model->Seconds(Decodes(8, 8 * 3000)));
  // Beyond the profiled grid (batch 48, 4,096 tokens) the curves extrapolate instead of clamping.
  EXPECT_LT(model->Seconds(Decodes(48, 48 * 1000)), model->Seconds(Decodes(96, 96 * 1000)));
  EXPECT_LT(model->Seconds(Prefill(4096, 0)), model->Seconds(Prefill(8192, 0)));
}

TEST(ExecutionModelTest, ClampToProfileIsFlatBeyondTheGrid) {
  ExecutionModelOptions opt;
  opt.clamp_to_profile = true;
  auto clamped = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1, opt);
  auto linear = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1);
  const auto att = LoadAttentionProfile(kQwenA30 + "attention.csv", FindModel("Qwen2-7B"), 1);
  // Decode attention was profiled up to batch 48: clamped, batch 96 reads the batch-48 row (Vidur's forest is
  // flat).
  EXPECT_NEAR(clamped->Predict(Decodes(96, 96 * 1024)).attention, 28e-3 * 1.1 * att.decode_ms(48, 1024),
              1e-12);
  EXPECT_GT(linear->Predict(Decodes(96, 96 * 1024)).attention,
            clamped->Predict(Decodes(96, 96 * 1024)).attention);
  // Inside the grid both agree.
  EXPECT_DOUBLE_EQ(clamped->Seconds(Decodes(20, 20 * 900)), linear->Seconds(Decodes(20, 20 * 900)));
  // Beyond 4,096 tokens the clamped linear operators stay at their 4,096-token value.
  EXPECT_DOUBLE_EQ(clamped->Predict(Prefill(6000, 0)).linear - clamped->Predict(Prefill(5000, 0)).linear,
                   28e-3 * (att.kv_save_ms.Clamped(6000) - att.kv_save_ms.Clamped(5000)));
}

TEST(ExecutionModelTest, UnsupportedCombinationListsTheSupportedOnes) {
  try {
    MakeExecutionModel(FindModel("Llama-3-8B"), FindGpu("a30"), 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("Llama-3-8B on a30"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Qwen2-7B on a30 TP 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Llama-2-70B on h100 TP 1/2/4/8"), std::string::npos) << msg;
  }
  EXPECT_THROW(MakeExecutionModel(FindModel("Llama-2-7B"), FindGpu("a100"), 3), Error);
}

TEST(ExecutionModelTest, ProfileDirOverridesEnvironmentAndDefault) {
  const char* old = std::getenv("SCHEDKIT_DATA_DIR");
  const std::string saved = old ? old : "";
  ::setenv("SCHEDKIT_DATA_DIR", "/nonexistent/schedkit-data", 1);
  EXPECT_THROW(ProfileRoot(), Error);  // a $SCHEDKIT_DATA_DIR that does not exist is an error
  EXPECT_THROW(MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1), Error);
  ExecutionModelOptions opt;
  opt.profile_dir = kBundled;
  EXPECT_NO_THROW(MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1, opt));
  if (old) {
    ::setenv("SCHEDKIT_DATA_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("SCHEDKIT_DATA_DIR");
  }
  EXPECT_EQ(ProfileRoot("/x"), "/x");
}

TEST(ExecutionModelTest, Llama2OnA100LinearOperatorsAreMeasured) {
  auto model = MakeExecutionModel(FindModel("Llama-2-7B"), FindGpu("a100"), 1);
  int measured = 0;
  for (const auto& s : model->Sources()) {
    if (s.op.rfind("attn_", 0) == 0 && s.op != "attn_pre_proj" && s.op != "attn_post_proj" &&
        s.op != "attn_rope") {
      continue;  // attention: tier 2 on A100
    }
    EXPECT_EQ(s.tier, TimingTier::kMeasured) << s.op;
    EXPECT_NE(s.detail.find("a100/meta-llama/Llama-2-7b-hf/mlp.csv"), std::string::npos) << s.detail;
    ++measured;
  }
  EXPECT_EQ(measured, 9);
  // Output projection 4096x4096 at 4,096 tokens: two rows in the A100 profile, 0.611 and 0.603 ms, averaged.
  const auto mlp =
      LoadMlpProfile(kBundled + "/vidur/microsoft_vidur/compute/a100/meta-llama/Llama-2-7b-hf/mlp.csv",
                     FindModel("Llama-2-7B"), 1);
  EXPECT_NEAR(mlp.op("attn_post_proj").ms_by_tokens(4096), (0.611 + 0.603) / 2, 1e-12);
}

}  // namespace
}  // namespace schedkit::sim
