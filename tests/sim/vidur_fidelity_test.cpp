// Fidelity against Vidur: replays the eight reference runs of ../shared/data/vidur_reference (Qwen2-7B on
// A30) and requires p50/p90 of TTFT, E2E and TBT within 10% of Vidur's (the fidelity target).
// The measured differences are printed; bench_vidur_compare prints the full table.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"

namespace schedkit::sim {
namespace {

std::string ReferenceDir() {
  if (const char* d = std::getenv("SCHEDKIT_SHARED_DIR")) return std::string(d) + "/data/vidur_reference";
  return std::string(SCHEDKIT_SHARED_DIR) + "/data/vidur_reference";
}

struct ReferenceRun {
  const char* name;
  const char* trace;
  double time_scale;
  const char* policy;
};

class VidurFidelity : public ::testing::TestWithParam<ReferenceRun> {};

TEST_P(VidurFidelity, WithinTenPercentOfVidur) {
  const ReferenceRun& run = GetParam();
  const std::string root = ReferenceDir();
  if (!std::filesystem::exists(root)) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true")
      FAIL() << "CI=true but the Vidur reference is missing: " << root;
    GTEST_SKIP() << "Vidur reference data not found at " << root << " (../shared absent)";
  }
  ExecutionModelOptions eo;
  eo.drop_incomplete_rows = true;  // as the reference runs' patch
  eo.clamp_to_profile = true;      // Vidur's forests are flat beyond the profiled grid
  auto exec = MakeExecutionModel(FindModel("Qwen2-7B"), FindGpu("a30"), 1, eo);
  TraceOptions to;
  to.time_scale = run.time_scale;
  to.max_tokens = 4096;
  auto source = MakeVectorSource(ReadTrace(root + "/traces/" + run.trace, to));
  SimulationConfig c;
  c.policy = run.policy;
  c.scheduler.num_kv_blocks =
      KvCapacityBlocks(FindModel("Qwen2-7B"), FindGpu("a30"), 1, KvBudget{0.9, 0.0, 16, 4096});
  ASSERT_EQ(c.scheduler.num_kv_blocks, 11008);
  c.scheduler.max_num_seqs = 128;
  c.scheduler.watermark_fraction = 0.01;
  c.scheduler.max_model_len = 4096;
  const Summary s = Simulate(c, *source, *exec).summary;
  std::ifstream f(root + "/" + run.name + "/summary.json");
  const nlohmann::json ref = nlohmann::json::parse(f);
  ASSERT_EQ(s.num_finished, ref["num_requests"].get<int64_t>());
  const struct {
    const char* what;
    double ours, theirs;
  } cells[] = {
      {"TTFT p50", s.ttft.p50, ref["prefill_e2e_time"]["p50"]},
      {"TTFT p90", s.ttft.p90, ref["prefill_e2e_time"]["p90"]},
      {"E2E p50", s.e2e.p50, ref["request_e2e_time"]["p50"]},
      {"E2E p90", s.e2e.p90, ref["request_e2e_time"]["p90"]},
      {"TBT/request p50", s.tbt_per_request.p50,
       ref["decode_time_execution_plus_preemption_normalized"]["p50"]},
      {"TBT/request p90", s.tbt_per_request.p90,
       ref["decode_time_execution_plus_preemption_normalized"]["p90"]},
      {"TBT/token p50", s.tbt_per_token.p50, ref["per_token_tbt_s"]["p50"]},
      {"TBT/token p90", s.tbt_per_token.p90, ref["per_token_tbt_s"]["p90"]},
  };
  std::string line;
  for (const auto& cell : cells) {
    const double d = 100.0 * (cell.ours - cell.theirs) / cell.theirs;
    line += std::string(cell.what) + " " + std::to_string(d).substr(0, 5) + "%  ";
    EXPECT_LE(std::abs(d), 10.0) << run.name << " " << cell.what << ": ours " << cell.ours << ", Vidur "
                                 << cell.theirs;
  }
  std::printf("[vidur %s] %s\n", run.name, line.c_str());
}

INSTANTIATE_TEST_SUITE_P(
    ReferenceRuns, VidurFidelity,
    ::testing::Values(
        ReferenceRun{"code2000_tsf1_sarathi", "splitwise_code_first2000.csv", 1, "sarathi"},
        ReferenceRun{"code2000_tsf1_vllm", "splitwise_code_first2000.csv", 1, "vllm"},
        ReferenceRun{"code2000_tsf2_sarathi", "splitwise_code_first2000.csv", 2, "sarathi"},
        ReferenceRun{"code2000_tsf2_vllm", "splitwise_code_first2000.csv", 2, "vllm"},
        ReferenceRun{"arxiv1000_rate1.4_sarathi", "arxiv1000_poisson_rate1.4.csv", 1, "sarathi"},
        ReferenceRun{"arxiv1000_rate1.4_vllm", "arxiv1000_poisson_rate1.4.csv", 1, "vllm"},
        ReferenceRun{"arxiv1000_rate2.8_sarathi", "arxiv1000_poisson_rate2.8.csv", 1, "sarathi"},
        ReferenceRun{"arxiv1000_rate2.8_vllm", "arxiv1000_poisson_rate2.8.csv", 1, "vllm"}),
    [](const ::testing::TestParamInfo<ReferenceRun>& info) {
      std::string name = info.param.name;
      for (char& ch : name) {
        if (ch == '.') ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace schedkit::sim
