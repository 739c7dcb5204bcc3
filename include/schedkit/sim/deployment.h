// A serving deployment as data: model, GPU, parallelism, KV policy, budgets, the workload, the policies to
// compare, the router and the SLOs. A DeploymentSpec is what a config file (YAML or JSON) or the CLI's flags
// describe; Deployment::Resolve turns it into everything a run needs (execution-time model, KV and CPU
// blocks, cost factors, the request source with clients / SLO classes / programs) after checking it, so a
// run is reproducible from one file and from C++ without copying CLI code. The keys, their flags and their
// meaning are listed once, in deployment_fields.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "schedkit/serve/policy.h"
#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/sim/programs.h"
#include "schedkit/sim/roofline_profile.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"

namespace schedkit::sim {

// Where the requests come from. A trace (the bundled slice when `trace` is empty), or synthetic arrivals
// with lengths from distributions (or resampled from the trace), or agentic programs built from those
// lengths; clients and SLO classes are assigned by rule (workload_assign.h).
struct WorkloadSpec {
  std::string trace;  // path; "" = the bundled Azure conv slice
  std::string trace_format = "auto";
  double time_scale = 1.0;
  int64_t max_requests = 0;  // 0 = all
  double window_start = 0.0;
  double window_end = -1.0;   // < 0 = to the end
  int32_t max_tokens = 4096;  // prompt shortened so that prompt + output <= max_tokens (0 = off)
  std::string synthetic;      // "" (the trace's arrivals) | poisson | gamma | static
  double rate = 1.0;
  double cv = 2.0;
  int64_t num_requests = 1000;
  std::string prompt_dist = "trace";  // length distribution forms: ParseLengthDistribution
  std::string output_dist = "trace";
  std::string clients = "none";  // ParseClientAssignment
  std::string slo_classes;       // ParseSloClasses; "" = none
  std::string programs;          // "" | chain | fanout | mixed | chatbot | lats
  int64_t num_programs = 200;
  double program_rate = 0.5;
  double think_time = 1.0;
};

struct DeploymentSpec {
  std::string model = "Llama-2-7B";
  std::string gpu = "a100";
  int32_t tp = 1;
  int32_t pp = 1;  // pipeline stages; the simulator runs one batch per replica at a time: only 1 is modelled
  std::string profile_dir;  // Vidur-format profiles; "" = bundled
  bool vidur_compat = false;
  // Calibrated roofline (models or GPUs without Vidur profiles, or when forced): the engine whose overheads
  // and KV reserve it charges ("auto": vllm-v0 for the `vllm` policy, vllm-v1 for the others), and a profile
  // file written by `schedkit calibrate` ("" = the built-in fit).
  std::string runtime = "auto";
  bool roofline = false;
  std::string roofline_profile;
  // KV cache.
  int64_t kv_blocks = 0;  // 0 = derived from GPU memory
  int32_t block_size = 16;
  double gpu_mem_util = 0.9;
  double activation_reserve_gib = -1.0;  // -1 = the engine's: 0 on Vidur profiles, the runtime's reserve on
                                         // the calibrated roofline
  bool vidur_kv_rounding = false;
  double cpu_swap_gib = 0.0;
  std::string prefix_caching = "auto";  // on | off | auto
  // Budgets.
  int32_t batch_cap = 128;
  int32_t token_budget = 0;    // 0 = the policy's default
  int32_t max_model_len = -1;  // -1 = workload.max_tokens
  double watermark = 0.01;
  // Policies compared side by side, and their options: key "" applies to every policy.
  std::vector<std::string> policies = {"vllm", "sarathi", "vllm-v1"};
  std::map<std::string, serve::PolicyOptions> policy_options;
  // Fleet.
  int32_t replicas = 1;
  std::string router = "round_robin";
  // SLOs for attainment.
  double ttft_slo = 2.0;
  double tbt_slo = 0.2;
  uint64_t seed = 0;
  WorkloadSpec workload;
};

// A resolved deployment. Throws schedkit::Error from Resolve naming the spec field (e.g.
// `workload.prompt_dist`) for anything it cannot run.
class Deployment {
 public:
  static Deployment Resolve(const DeploymentSpec& spec);
  // With `requests` the deployment replays them instead of the spec's workload section; `profile` replaces
  // the calibrated roofline's factors (both for validation and calibration, which hold them in memory).
  static Deployment Resolve(const DeploymentSpec& spec,
                            std::optional<std::vector<serve::RequestSpec>> requests,
                            std::shared_ptr<const RooflineProfile> profile);

  const DeploymentSpec& spec() const { return spec_; }
  const ModelSpec& model() const { return *model_; }
  const GpuSpec& gpu() const { return *gpu_; }
  // The execution-time model a policy runs on (its engine runtime's overheads); no argument: the first
  // policy's.
  const ExecutionTimeModel& execution_model(const std::string& policy = "") const;
  // The simulation configuration of one of spec().policies (scheduler, costs, router, SLOs, options).
  SimulationConfig ConfigFor(const std::string& policy) const;
  // A fresh request stream (each policy replays the same workload from the start).
  std::unique_ptr<RequestSource> Source() const;
  // (prompt, output) pairs of the workload in order, for the capacity search.
  std::vector<std::pair<int32_t, int32_t>> Lengths() const;
  const std::vector<Program>& programs() const { return programs_; }
  // Request count, and what the workload is ("synthetic poisson" or the trace path).
  int64_t num_requests() const;
  std::string WorkloadLabel() const;
  // Trace-reading warnings (rows left out, prompts shortened), one line each.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // The resolved configuration as written into summary.json's "config".
  std::string ConfigJson() const;

  Deployment(Deployment&&) noexcept;
  Deployment& operator=(Deployment&&) noexcept;
  ~Deployment();

 private:
  Deployment() = default;
  void LoadWorkload();
  DeploymentSpec spec_;
  const ModelSpec* model_ = nullptr;
  const GpuSpec* gpu_ = nullptr;
  struct Engine {  // per engine runtime
    std::unique_ptr<ExecutionTimeModel> exec;
    int64_t kv_blocks = 0;
  };
  std::map<std::string, Engine> engines_;
  std::map<std::string, std::string> runtime_of_;  // policy -> engines_ key
  SimulationConfig base_;
  std::string trace_path_;
  std::vector<serve::RequestSpec> requests_;  // trace workloads (and synthetic ones given clients/SLOs)
  SyntheticOptions synthetic_options_;
  bool streamed_synthetic_ = false;  // synthetic requests generated lazily (none materialised)
  bool synthetic_ = false;           // the workload's arrivals are synthetic
  std::vector<Program> programs_;
  std::vector<std::string> warnings_;
};

// The defaults of a capacity search: one policy, sarathi (the capacity study of Sarathi-Serve, and
// Vidur-Search's scheduler), else DeploymentSpec's defaults.
DeploymentSpec CapacityDeploymentDefaults();

// Swap and FLOP cost factors of a model on a GPU at a TP degree (MFU estimate, swap time).
CostFactors CostFactorsFor(const ModelSpec& model, const GpuSpec& gpu, int tp, int32_t block_size);

// Blocks of `block_bytes` in `gib` GiB of CPU swap space.
int64_t CpuSwapBlocks(double gib, double block_bytes);

// Options of `policy`: the unscoped ones (key ""), overridden by the ones scoped to it.
serve::PolicyOptions PolicyOptionsFor(const DeploymentSpec& spec, const std::string& policy);

}  // namespace schedkit::sim
