// Tier 2 (calibrated roofline): work formulas, the fits, carried-over linear operators, tier labels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/profile_roofline.h"
#include "schedkit/sim/profile_tables.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

const std::string kRoot = std::string(SCHEDKIT_SOURCE_DIR) + "/data/profiles";
const std::string kVidur = kRoot + "/vidur/";
const std::string kQwenA30 = kVidur + "akafaka_vidur_opt_scheduler/compute/a30/Qwen/Qwen-2-7B/";

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
double P90(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(0.9 * static_cast<double>(v.size() - 1))];
}

TEST(ExecutionRooflineTest, WorkFormulasByHand) {
  const ModelSpec& qwen = FindModel("Qwen2-7B");  // head dim 128, 28 q / 4 kv heads
  // Prefill of 2 tokens, nothing cached: causal pairs 1 + 2 = 3; flops 4 x 128 x 28 x 3.
  AttentionWork w = PrefillAttentionWork(qwen, 1, 0, 2);
  EXPECT_DOUBLE_EQ(w.flops, 4.0 * 128 * 28 * 3);
  EXPECT_DOUBLE_EQ(w.bytes,
                   2.0 * (2 * 2 * 128 * 4 + 2 * 2 * 128 * 28));  // K,V of 2 tokens; Q and O of 2 tokens
  // 100 cached + 10 new: pairs 10 x 100 + 55.
  EXPECT_DOUBLE_EQ(PrefillAttentionWork(qwen, 1, 100, 10).flops, 4.0 * 128 * 28 * 1055);
  // Decode: 3 sequences of 1,000 cached tokens.
  w = DecodeAttentionWork(qwen, 1, 3, 1000);
  EXPECT_DOUBLE_EQ(w.flops, 4.0 * 128 * 28 * 3000);
  EXPECT_DOUBLE_EQ(w.bytes, 2.0 * 3 * (1000 * 2 * 128 * 4 + 2 * 128 * 28));
  // TP 2 halves the query heads and KV heads (4 -> 2); Llama-2-70B at TP 8 keeps one KV head per shard.
  EXPECT_DOUBLE_EQ(DecodeAttentionWork(qwen, 2, 1, 10).flops, 4.0 * 128 * 14 * 10);
  EXPECT_DOUBLE_EQ(KvSaveBytes(FindModel("Llama-2-70B"), 8, 1), 2.0 * 2 * 2 * 128 * 1);
  EXPECT_DOUBLE_EQ(KvSaveBytes(FindModel("Llama-2-70B"), 16, 1), KvSaveBytes(FindModel("Llama-2-70B"), 8, 1));
}

TEST(ExecutionRooflineTest, LinearWorkRatiosByHand) {
  const ModelSpec& qwen = FindModel("Qwen2-7B");
  const ModelSpec& llama = FindModel("Llama-2-7B");
  EXPECT_DOUBLE_EQ(LinearOpWorkRatio("attn_pre_proj", qwen, llama, 1),
                   (3584.0 * 128 * 36) / (4096.0 * 128 * 96));
  EXPECT_DOUBLE_EQ(LinearOpWorkRatio("mlp_up_proj", qwen, llama, 1), (3584.0 * 18944) / (4096.0 * 11008));
  EXPECT_DOUBLE_EQ(LinearOpWorkRatio("mlp_act", qwen, llama, 2), 18944.0 / 11008);
  EXPECT_DOUBLE_EQ(LinearOpWorkRatio("add", qwen, llama, 1), 3584.0 / 4096);
  EXPECT_THROW(LinearOpWorkRatio("emb", qwen, llama, 1), Error);
}

TEST(ExecutionRooflineTest, AttentionFitOnTheA30Table) {
  const ModelSpec& qwen = FindModel("Qwen2-7B");
  const GpuSpec& a30 = FindGpu("a30");
  const AttentionProfile prof = LoadAttentionProfile(kQwenA30 + "attention.csv", qwen, 1);
  const AttentionRoofline fit = FitAttentionRoofline(prof, qwen, a30);
  std::printf("A30 Qwen2-7B attention roofline fit:\n");
  std::printf(
      "  prefill: fixed %.4f ms, compute eff %.3f, memory eff %.3f, median error %.1f%% (%lld points)\n",
      fit.prefill.fixed_ms, fit.prefill.compute_eff, fit.prefill.memory_eff,
      100 * fit.prefill.median_rel_error, static_cast<long long>(fit.prefill.rows));
  std::printf("  decode:  fixed %.4f ms, %.6f ms/seq, memory eff %.3f, median error %.1f%% (%lld points)\n",
              fit.decode.fixed_ms, fit.decode.per_seq_ms, fit.decode.memory_eff,
              100 * fit.decode.median_rel_error, static_cast<long long>(fit.decode.rows));
  std::printf("  kv save: fixed %.4f ms, memory eff %.3f, median error %.1f%% (%lld points)\n",
              fit.kv_save.fixed_ms, fit.kv_save.memory_eff, 100 * fit.kv_save.median_rel_error,
              static_cast<long long>(fit.kv_save.rows));
  EXPECT_EQ(fit.prefill.rows, 536);
  EXPECT_EQ(fit.decode.rows, 48 * 79);
  // Efficiencies are physical (a fraction of peak) and the fits follow the table.
  for (double eff : {fit.prefill.compute_eff, fit.decode.memory_eff, fit.kv_save.memory_eff}) {
    EXPECT_GT(eff, 0.05);
    EXPECT_LE(eff, 1.0);
  }
  EXPECT_LT(fit.prefill.median_rel_error, 0.15);
  EXPECT_LT(fit.decode.median_rel_error, 0.10);
  EXPECT_LT(fit.kv_save.median_rel_error, 0.10);
  // Refitting gives the same numbers (deterministic).
  const AttentionRoofline again = FitAttentionRoofline(prof, qwen, a30);
  EXPECT_EQ(again.prefill.compute_eff, fit.prefill.compute_eff);
  // The roofline evaluated on a profiled point is close to it: chunk 1024, kv 1024.
  const double measured = prof.prefill_ms(1024.0 * 1024.0, 1024);
  const double modelled = fit.prefill.Ms(a30, 1, PrefillAttentionWork(qwen, 1, 1024, 1024));
  EXPECT_NEAR(modelled / measured, 1.0, 0.25);
}

TEST(ExecutionRooflineTest, SplitwiseScalePerGpu) {
  const ModelSpec& qwen = FindModel("Qwen2-7B");
  const AttentionRoofline fit =
      FitAttentionRoofline(LoadAttentionProfile(kQwenA30 + "attention.csv", qwen, 1), qwen, FindGpu("a30"));
  const SplitwiseCalibration a100 = FitSplitwisePrefillScale(kRoot, FindGpu("a100"), fit);
  const SplitwiseCalibration h100 = FitSplitwisePrefillScale(kRoot, FindGpu("h100"), fit);
  const SplitwiseCalibration a30 = FitSplitwisePrefillScale(kRoot, FindGpu("a30"), fit);
  std::printf("SplitwiseSim prefill-attention scale: a100 x%.3f (%lld prompts), h100 x%.3f (%lld prompts)\n",
              a100.scale, static_cast<long long>(a100.points), h100.scale,
              static_cast<long long>(h100.points));
  EXPECT_EQ(a100.points, 3);  // prompts 1,024 / 2,048 / 4,096
  EXPECT_EQ(h100.points, 3);
  EXPECT_EQ(a30.points, 0);  // no SplitwiseSim data for the A30
  EXPECT_EQ(a30.scale, 1.0);
  // The A30 fit carries over to the A100 nearly unchanged; the H100's attention ran far below 1,000 TFLOPS x
  // the A30 efficiency in SplitwiseSim's measurements.
  EXPECT_GT(a100.scale, 0.5);
  EXPECT_LT(a100.scale, 2.0);
  EXPECT_GT(h100.scale, a100.scale);
}

// A tier-2 linear curve (reference model x work ratio) against a measured one, per operator.
void CompareCarriedOver(const char* gpu, const ModelSpec& target, const ModelSpec& ref,
                        const std::string& target_csv, const std::string& ref_csv, double max_total_median) {
  const MlpProfile t = LoadMlpProfile(target_csv, target, 1);
  const MlpProfile r = LoadMlpProfile(ref_csv, ref, 1);
  std::vector<double> total_err;
  std::printf("Tier-2 linear operators for %s on %s carried over from %s (vs its measured mlp.csv):\n",
              target.name.c_str(), gpu, ref.name.c_str());
  for (size_t i = 0; i < t.ops.size(); ++i) {
    const double ratio = LinearOpWorkRatio(t.ops[i].op, target, ref, 1);
    std::vector<double> err;
    const auto& curve = t.ops[i].ms_by_tokens;
    for (size_t k = 0; k < curve.size(); ++k) {
      const double x = curve.xs()[k];
      err.push_back(std::abs(ratio * r.ops[i].ms_by_tokens(x) - curve.ys()[k]) / curve.ys()[k]);
    }
    std::printf("  %-26s median %6.1f%%  p90 %6.1f%%\n", t.ops[i].op.c_str(), 100 * Median(err),
                100 * P90(err));
  }
  for (double x = 8; x <= 4096; x += 8) {
    double pred = 0, meas = 0;
    for (size_t i = 0; i < t.ops.size(); ++i) {
      pred += LinearOpWorkRatio(t.ops[i].op, target, ref, 1) * r.ops[i].ms_by_tokens(x);
      if (t.ops[i].op != "attn_pre_proj" || target.name != "Qwen2-7B" || x < 1024) {
        meas += t.ops[i].ms_by_tokens(x);
      } else {
        meas +=
            LinearOpWorkRatio("attn_pre_proj", target, ref, 1) * r.ops[i].ms_by_tokens(x);  // broken column
      }
    }
    total_err.push_back(std::abs(pred - meas) / meas);
  }
  std::printf("  %-26s median %6.1f%%  p90 %6.1f%%  (tokens 8..4096 step 8)\n", "sum of the 9 operators",
              100 * Median(total_err), 100 * P90(total_err));
  EXPECT_LT(Median(total_err), max_total_median);
}

TEST(ExecutionRooflineTest, CarriedOverLinearOperatorsAgainstMeasuredOnes) {
  const ModelSpec& llama2 = FindModel("Llama-2-7B");
  CompareCarriedOver("a100", FindModel("Llama-3-8B"), llama2,
                     kVidur + "microsoft_vidur/compute/a100/meta-llama/Meta-Llama-3-8B/mlp.csv",
                     kVidur + "microsoft_vidur/compute/a100/meta-llama/Llama-2-7b-hf/mlp.csv", 0.15);
  CompareCarriedOver("a30", FindModel("Qwen2-7B"), llama2, kQwenA30 + "mlp.csv",
                     kVidur + "akafaka_vidur_opt_scheduler/compute/a30/meta-llama/Llama-2-7b-hf/mlp.csv",
                     0.15);
}

int CountTier(const ExecutionTimeModel& m, TimingTier tier) {
  return static_cast<int>(std::count_if(m.Sources().begin(), m.Sources().end(),
                                        [&](const OperatorSource& s) { return s.tier == tier; }));
}

const OperatorSource& Find(const ExecutionTimeModel& m, const std::string& op) {
  for (const auto& s : m.Sources()) {
    if (s.op == op) return s;
  }
  throw Error("no source " + op);
}

TEST(ExecutionRooflineTest, TierLabels) {
  auto llama_a100 = MakeExecutionModel(FindModel("Llama-2-7B"), FindGpu("a100"), 1);
  EXPECT_EQ(CountTier(*llama_a100, TimingTier::kMeasured), 9);
  EXPECT_EQ(CountTier(*llama_a100, TimingTier::kCalibratedRoofline), 3);
  EXPECT_EQ(Find(*llama_a100, "attn_prefill").tier, TimingTier::kCalibratedRoofline);
  EXPECT_NE(Find(*llama_a100, "attn_prefill").detail.find("Qwen-2-7B/attention.csv"), std::string::npos);
  EXPECT_NE(Find(*llama_a100, "attn_prefill").detail.find("splitwise_sim/perf_model.csv"), std::string::npos);
  EXPECT_NE(Find(*llama_a100, "attn_decode").detail.find("memory eff"), std::string::npos);

  auto l70 = MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu("h100"), 8);
  EXPECT_EQ(CountTier(*l70, TimingTier::kMeasured), 10);  // 9 linear + all-reduce
  EXPECT_NE(Find(*l70, "all_reduce").detail.find("h100_dgx"), std::string::npos);
  auto l70_tp4 = MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu("a100"), 4);
  EXPECT_NE(Find(*l70_tp4, "all_reduce").detail.find("a100_pairwise_nvlink"), std::string::npos);
  ExecutionModelOptions dgx;
  dgx.network_node = "dgx";
  auto l70_dgx = MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu("a100"), 4, dgx);
  EXPECT_NE(Find(*l70_dgx, "all_reduce").detail.find("a100_dgx"), std::string::npos);
  dgx.network_node = "infiniband";
  EXPECT_THROW(MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu("a100"), 4, dgx), Error);

  auto qwen_h100 = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("h100"), 1);
  EXPECT_EQ(CountTier(*qwen_h100, TimingTier::kCalibratedRoofline), 12);
  EXPECT_NE(Find(*qwen_h100, "mlp_up_proj").detail.find("Llama-2-7B"), std::string::npos);

  auto llama_a30 = MakeExecutionModel(FindModel("Llama-2-7B"), FindGpu("a30"), 2);
  EXPECT_NE(Find(*llama_a30, "all_reduce").detail.find("a30_single_gpu"), std::string::npos);
  EXPECT_NE(Find(*llama_a30, "attn_prefill").detail.find("no SplitwiseSim data"), std::string::npos);
}

TEST(ExecutionRooflineTest, TierTwoPredictionsAreOrdered) {
  // Same batch: H100 faster than A100; TP 8 faster per iteration than TP 2 on the same GPU.
  BatchShape b;
  b.prefills.push_back({2048, 0});
  b.num_decodes = 32;
  b.decode_context_sum = 32 * 1500;
  const double a100 = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a100"), 1)->Seconds(b);
  const double h100 = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("h100"), 1)->Seconds(b);
  const double a30 = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1)->Seconds(b);
  EXPECT_LT(h100, a100);
  EXPECT_LT(a100, a30);
  const double tp2 = MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu("a100"), 2)->Seconds(b);
  const double tp8 = MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu("a100"), 8)->Seconds(b);
  EXPECT_LT(tp8, tp2);
}

}  // namespace
}  // namespace schedkit::sim
