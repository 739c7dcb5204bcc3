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

#include "schedkit/sim/deployment.h"
#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"

namespace repro {

using namespace schedkit;

// A deployment resolved by the library (sim::Deployment: KV capacity, cost factors, execution model) with
// the CLI's defaults: 16-token blocks, batch cap 128, max_model_len 4096.
struct Deployment {
  sim::Deployment resolved;
  const sim::ExecutionTimeModel* exec;
  int64_t kv_blocks = 0;

  // One policy's configuration with `cpu_swap_gib` of swap space and no timeline.
  sim::SimulationConfig Config(const std::string& policy, serve::PolicyOptions options = {},
                               double cpu_swap_gib = 32) const {
    sim::SimulationConfig c = resolved.ConfigFor(policy);
    c.policy_options = std::move(options);
    c.scheduler.num_cpu_blocks = sim::CpuSwapBlocks(cpu_swap_gib, c.costs.kv_bytes_per_block);
    c.keep_timeline = false;
    return c;
  }
};

inline Deployment Deploy(const std::string& model, const std::string& gpu) {
  sim::DeploymentSpec spec;
  spec.model = model;
  spec.gpu = gpu;
  spec.policies = {"vllm-v1"};
  spec.workload.max_requests = 1;  // the benches bring their own workloads
  Deployment d{sim::Deployment::Resolve(spec), nullptr};
  d.exec = &d.resolved.execution_model();
  d.kv_blocks = d.resolved.ConfigFor("vllm-v1").scheduler.num_kv_blocks;
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
