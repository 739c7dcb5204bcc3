// Shared setup of the serving-policy reproduction benches (repro_*.cpp): deployment, traces, statistics.
#pragma once

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"

namespace repro {

using namespace schedkit;

struct Deployment {
  const sim::ModelSpec* model;
  const sim::GpuSpec* gpu;
  std::unique_ptr<sim::ExecutionTimeModel> exec;
  int64_t kv_blocks = 0;
  double block_bytes = 0;

  // The CLI's defaults: 16-token blocks, batch cap 128, max_model_len 4096, cpu_swap_gib of swap space.
  sim::SimulationConfig Config(const std::string& policy, serve::PolicyOptions options = {},
                               double cpu_swap_gib = 32) const {
    sim::SimulationConfig c;
    c.policy = policy;
    c.policy_options = std::move(options);
    c.scheduler.num_kv_blocks = kv_blocks;
    c.scheduler.block_size = 16;
    c.scheduler.max_num_seqs = 128;
    c.scheduler.max_model_len = 4096;
    c.scheduler.num_cpu_blocks = static_cast<int64_t>(cpu_swap_gib * 1024 * 1024 * 1024 / block_bytes);
    c.costs.kv_bytes_per_block = block_bytes;
    c.costs.pcie_bytes_per_s = gpu->pcie_gbs * 1e9;
    c.keep_timeline = false;
    return c;
  }
};

inline Deployment Deploy(const std::string& model, const std::string& gpu) {
  Deployment d;
  d.model = &sim::FindModel(model);
  d.gpu = &sim::FindGpu(gpu);
  d.exec = sim::MakeExecutionModel(*d.model, *d.gpu, 1);
  d.kv_blocks = sim::KvCapacityBlocks(*d.model, *d.gpu, 1, sim::KvBudget{});
  d.block_bytes = static_cast<double>(d.model->kv_bytes_per_token(1)) * 16;
  return d;
}

// The full Azure 2023 conv trace from ../shared when present, else the bundled 2,000-request slice.
inline std::string ConvTracePath() {
  const std::string full =
      std::string(SCHEDKIT_SHARED_DIR) + "/data/traces/azure_llm_2023/AzureLLMInferenceTrace_conv.csv";
  if (std::filesystem::exists(full)) return full;
  return std::string(SCHEDKIT_SOURCE_DIR) + "/data/traces/azure_conv_2023_first2000.csv";
}

inline double Mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace repro
