// Validation against SplitwiseSim's measured DGX batch times (Llama-2-70B, TP 2/4/8, A100 and H100): prefill
// of a batch of equal prompts and one decode step of a batch. Prints the error table of
// docs/execution-model.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/profile_tables.h"

namespace schedkit::sim {
namespace {

const std::string kRoot = std::string(SCHEDKIT_SOURCE_DIR) + "/data/profiles";

double MedianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
double P90Of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(0.9 * static_cast<double>(v.size() - 1))];
}

struct Errors {
  std::vector<double> prefill, decode;
  std::vector<double> prefill_single, prefill_batched;  // batch 1 / batch > 1 (of 512-token prompts)
};

// Relative errors of the model against the medians of SplitwiseSim's repeats.
Errors Compare(const ExecutionTimeModel& model, const std::vector<SplitwiseRow>& rows, const std::string& hw,
               int tp) {
  std::map<std::pair<int, int>, std::vector<double>> prefill;       // (prompt, batch) -> ms
  std::map<std::tuple<int, int, int>, std::vector<double>> decode;  // (prompt, batch, tokens) -> ms
  for (const auto& r : rows) {
    if (r.model != "llama2-70b" || r.hardware != hw || r.tp != tp) continue;
    prefill[{r.prompt, r.batch}].push_back(r.prompt_ms);
    decode[{r.prompt, r.batch, r.tokens}].push_back(r.token_ms);
  }
  Errors e;
  for (const auto& [key, v] : prefill) {
    BatchShape b;
    for (int i = 0; i < key.second; ++i) b.prefills.push_back({key.first, 0});
    e.prefill.push_back(std::abs(model.Seconds(b) * 1e3 - MedianOf(v)) / MedianOf(v));
    (key.second == 1 ? e.prefill_single : e.prefill_batched).push_back(e.prefill.back());
  }
  for (const auto& [key, v] : decode) {
    const auto [prompt, batch, tokens] = key;
    BatchShape b;
    b.num_decodes = batch;
    b.decode_context_sum = int64_t{batch} * (prompt + tokens / 2);  // mean KV over the generation
    e.decode.push_back(std::abs(model.Seconds(b) * 1e3 - MedianOf(v)) / MedianOf(v));
  }
  return e;
}

TEST(ExecutionValidationTest, SplitwiseSimLlama70B) {
  const std::vector<SplitwiseRow> rows = LoadSplitwiseRows(kRoot + "/splitwise_sim/perf_model.csv");
  ASSERT_EQ(rows.size(), 1260u);
  struct Config {
    const char* name;
    const char* node;
    bool calibrated;
  };
  const std::vector<Config> configs = {{"DGX all-reduce, A30 fit x SplitwiseSim scale", "dgx", true},
                                       {"DGX all-reduce, A30 fit only", "dgx", false},
                                       {"Vidur default node, A30 fit x SplitwiseSim scale", "", true}};
  std::printf(
      "Relative error vs SplitwiseSim perf_model.csv (Llama-2-70B; median / p90 over configurations):\n");
  std::printf(
      "| configuration | GPU | TP | prefill median | prefill p90 | (batch 1 / batch > 1 median) | decode "
      "median "
      "| decode p90 | n |\n");
  std::map<std::tuple<std::string, std::string, int>, Errors> all;
  for (const auto& c : configs) {
    for (const char* gpu : {"a100", "h100"}) {
      for (int tp : {2, 4, 8}) {
        ExecutionModelOptions opt;
        opt.network_node = c.node;
        opt.splitwise_calibration = c.calibrated;
        opt.profile_dir = kRoot;
        const auto model = MakeExecutionModel(FindModel("Llama-2-70B"), FindGpu(gpu), tp, opt);
        const Errors e = Compare(*model, rows, std::string(gpu) + "-80gb", tp);
        ASSERT_EQ(e.prefill.size(), 13u);  // (prompt, batch) pairs; prefill does not depend on token_size
        ASSERT_EQ(e.decode.size(), 19u);
        std::printf("| %s | %s | %d | %.1f%% | %.1f%% | %.1f%% / %.1f%% | %.1f%% | %.1f%% | %zu+%zu |\n",
                    c.name, gpu, tp, 100 * MedianOf(e.prefill), 100 * P90Of(e.prefill),
                    100 * MedianOf(e.prefill_single), 100 * MedianOf(e.prefill_batched),
                    100 * MedianOf(e.decode), 100 * P90Of(e.decode), e.prefill.size(), e.decode.size());
        all[{c.name, gpu, tp}] = e;
      }
    }
  }
  // Regression guards at the levels measured when this was written (docs/execution-model.md explains the
  // gaps: SplitwiseSim's batched prefill costs more than one prompt of the same total length, and its TP 8
  // decode steps carry a per-iteration overhead that Vidur's operator model leaves out).
  const std::string primary = configs[0].name;
  for (const char* gpu : {"a100", "h100"}) {
    EXPECT_LT(MedianOf(all[{primary, gpu, 2}].prefill), 0.10) << gpu;
    EXPECT_LT(MedianOf(all[{primary, gpu, 2}].prefill_single), 0.10) << gpu;
    for (int tp : {2, 4}) EXPECT_LT(MedianOf(all[{primary, gpu, tp}].decode), 0.15) << gpu << " TP " << tp;
    for (int tp : {2, 4, 8}) {
      EXPECT_LT(MedianOf(all[{primary, gpu, tp}].prefill), 0.45) << gpu << " TP " << tp;
      EXPECT_LT(MedianOf(all[{primary, gpu, tp}].decode), 0.50) << gpu << " TP " << tp;
    }
  }
  // The SplitwiseSim scale improves H100 prefill (it is fitted there) and leaves A100 about where it was.
  EXPECT_LT(MedianOf(all[{primary, "h100", 4}].prefill), MedianOf(all[{configs[1].name, "h100", 4}].prefill));
}

}  // namespace
}  // namespace schedkit::sim
