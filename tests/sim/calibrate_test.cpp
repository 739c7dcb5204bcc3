// Calibration on synthetic measurements made by the simulator itself with known factors: the fit recovers
// them (to the error the objective can see), and the profile JSON round-trips.
#include "schedkit/sim/calibrate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "schedkit/sim/calibrate_inputs.h"
#include "schedkit/sim/nelder_mead.h"
#include "schedkit/sim/roofline_profile.h"

namespace schedkit::sim {
namespace {

// Batch runs of Llama-3.1-8B on one GPU at a few shapes, measured under `truth`.
std::vector<ValidationRun> SyntheticRuns(const RooflineProfile& truth) {
  std::vector<ValidationRun> runs;
  for (int batch : {1, 8, 64}) {
    for (int len : {128, 1024}) {
      ValidationRun r;
      r.name = "b" + std::to_string(batch) + "l" + std::to_string(len);
      r.model = "Llama-3.1-8B";
      r.gpu = "H100-SXM-80GB";
      r.engine.policy = "vllm-v1";
      r.engine.token_budget = 8192;
      r.engine.runtime = "vllm-v1";
      for (int i = 0; i < batch; ++i) {
        serve::RequestSpec q;
        q.id = static_cast<serve::RequestId>(i);
        q.arrival_time = 0.01 * i;
        q.prompt_tokens = len;
        q.output_tokens = 64;
        r.requests.push_back(q);
      }
      r.measured.push_back({"makespan_s", 1.0});
      r.measured.push_back({"ttft_ms.mean", 1.0});
      r.measured.push_back({"tpot_ms.mean", 1.0});
      const auto rows = RunValidationRun(r, &truth);
      for (size_t i = 0; i < rows.size(); ++i) r.measured[i].value = rows[i].ours;
      runs.push_back(r);
    }
  }
  return runs;
}

TEST(NelderMeadTest, Rosenbrock) {
  const auto r = NelderMead(
      [](const std::vector<double>& x) {
        return 100 * std::pow(x[1] - x[0] * x[0], 2) + std::pow(1 - x[0], 2);
      },
      {-1.2, 1.0}, {0.5, 4000, 1e-14, 3});
  EXPECT_NEAR(r.x[0], 1.0, 1e-3);
  EXPECT_NEAR(r.x[1], 1.0, 2e-3);
}

TEST(CalibrateTest, RecoversKnownFactors) {
  RooflineProfile truth = FittedRooflineProfile();
  SetProfileParameter(truth, "gemm_memory_eff", 0.9);
  SetProfileParameter(truth, "attn_memory_eff", 0.6);
  SetProfileParameter(truth, "vllm-v1.step_ms", 1.2);
  SetProfileParameter(truth, "vllm-v1.per_seq_ms", 0.02);
  const auto runs = SyntheticRuns(truth);
  CalibrationOptions o;
  o.parameters = {"gemm_memory_eff", "attn_memory_eff", "vllm-v1.step_ms", "vllm-v1.per_seq_ms"};
  o.max_evaluations = 600;
  o.leave_one_out = true;
  const CalibrationResult r = Calibrate(runs, FittedRooflineProfile(), o);
  EXPECT_GT(r.before.median, 0.05);
  EXPECT_LT(r.after.median, 0.01);
  EXPECT_LT(r.after.worst, 0.10);  // the median-based objective tolerates a few off rows
  EXPECT_NEAR(GetProfileParameter(r.profile, "gemm_memory_eff"), 0.9, 0.05);
  EXPECT_NEAR(GetProfileParameter(r.profile, "vllm-v1.step_ms"), 1.2, 0.25);
  ASSERT_EQ(r.leave_one_out.size(), runs.size());
  EXPECT_LT(r.leave_one_out_all.median, 0.03);
}

TEST(CalibrateTest, ProfileJsonRoundTrip) {
  RooflineProfile p = FittedRooflineProfile();
  SetProfileParameter(p, "attn_compute_eff", 0.42);
  SetProfileParameter(p, "vllm-v0.kv_reserve_gib", 2.5);
  const std::string path = ::testing::TempDir() + "/profile.json";
  std::ofstream(path) << RooflineProfileJson(p, R"({"fit": {"runs": 3}})");
  const RooflineProfile q = ReadRooflineProfile(path);
  for (const auto& n : ProfileParameterNames(p)) {
    EXPECT_DOUBLE_EQ(GetProfileParameter(p, n), GetProfileParameter(q, n)) << n;
  }
  std::remove(path.c_str());
}

TEST(CalibrateTest, VllmBenchJson) {
  MeasurementInputs in;
  in.model = "Llama-3.1-8B";
  in.gpu = "H100-SXM-80GB";
  const std::string text = R"({"request_rate": "inf", "input_lens": [100, 200], "output_lens": [3, 1],
    "ttfts": [0.05, 0.06], "itls": [[0.01, 0.02], []], "errors": ["", ""]})";
  const ValidationRun run = VllmBenchRun(text, "bench.json", in);
  ASSERT_EQ(run.requests.size(), 2u);
  EXPECT_EQ(run.engine.token_budget, 8192);  // vllm serve's default on an 80 GB H100
  EXPECT_EQ(run.engine.max_num_seqs, 1024);
  ASSERT_EQ(run.measured.size(), 12u);             // TTFT, TPOT, E2E x mean/p50/p90/p99
  EXPECT_NEAR(run.measured[0].value, 55.0, 1e-9);  // TTFT mean (ms)
  EXPECT_NEAR(run.measured[4].value, 15.0, 1e-9);  // TPOT mean: 30 ms over 2 gaps, one request
  EXPECT_NEAR(run.measured[8].value, 70.0, 1e-9);  // E2E mean: (80 + 60) / 2
}

}  // namespace
}  // namespace schedkit::sim
