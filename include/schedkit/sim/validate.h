// Replaying real engine runs and comparing the simulator with them (`schedkit validate`). A recipe file
// (JSON, format in docs/validate.md) describes each run: model, GPU, TP, engine arguments, the workload
// (arrival stages with length distributions and shared-prefix groups, or a per-request trace) and what was
// measured (one batch latency, per-request TTFT/TPOT/E2E, or aggregates per time window). A recipe may expand
// one run template over the rows of a CSV table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/serve/request.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/sim/roofline_profile.h"

namespace schedkit::sim {

struct ValidationEngine {
  std::string policy = "vllm";
  int32_t max_num_seqs = 256;
  int32_t token_budget = 0;  // max_num_batched_tokens; 0 = the policy's default
  int32_t max_model_len = 0;
  int32_t block_size = 16;
  int64_t kv_blocks = 0;  // 0 = from GPU memory
  double gpu_memory_utilization = 0.9;
  std::string prefix_caching = "auto";
  std::string execution = "roofline";  // roofline | auto (Vidur profiles where they exist)
  int32_t replicas = 1;                // data-parallel engines behind a round-robin router
  std::string runtime = "auto";        // engine overhead: vllm-v0 | vllm-v1 | auto (v0 for `vllm`, else v1)
  double kv_reserve_gib = -1;          // GPU memory per GPU outside weights and KV; < 0 = the runtime's
};

struct MeasuredMetric {
  std::string metric;  // e.g. "batch_latency_s", "ttft_ms.p90"
  double value = 0;
  double window_start = -1, window_end = -1;  // requests arriving in [start, end); < 0 = all
};

struct ValidationRun {
  std::string name;
  std::string model, gpu;
  int32_t tp = 1;
  ValidationEngine engine;
  std::vector<serve::RequestSpec> requests;
  std::vector<MeasuredMetric> measured;
};

struct ValidationRecipe {
  std::string name, source;
  std::vector<ValidationRun> runs;
  std::vector<std::string> skipped;  // table rows left out, with the reason
};

// Reads a recipe. `${shared}` in paths is $SCHEDKIT_SHARED_DIR, else the folder `shared` beside the source
// tree; other relative paths are relative to the recipe. Throws schedkit::Error naming the file and field.
ValidationRecipe LoadValidationRecipe(const std::string& path);
// The same from JSON text; `path` names it in errors and anchors relative paths.
ValidationRecipe ParseValidationRecipe(const std::string& text, const std::string& path);

// `vllm serve` defaults of vLLM's V1 engine on a GPU (used for vllm-v1 runs that do not state them).
struct VllmServeDefaults {
  int32_t max_num_seqs = 256;
  int32_t max_num_batched_tokens = 2048;
};
VllmServeDefaults VllmV1ServeDefaults(const GpuSpec& gpu);

struct ValidationRow {
  std::string run, metric;
  double ours = 0, measured = 0;
  double rel_error() const { return measured != 0 ? (ours - measured) / measured : 0.0; }
};

// Simulates each run (`only`: runs whose name contains it) and returns one row per measured metric.
// `profile`: roofline factors to use instead of the built-in ones (calibration), null =
// FittedRooflineProfile().
std::vector<ValidationRow> RunValidation(const ValidationRecipe& recipe, const std::string& only = "",
                                         const RooflineProfile* profile = nullptr);
std::vector<ValidationRow> RunValidationRun(const ValidationRun& run,
                                            const RooflineProfile* profile = nullptr);

// The runtime whose overhead a run is charged (engine.runtime, or by its policy for "auto").
std::string RunRuntime(const ValidationRun& run);

// Median and worst |relative error| of rows.
struct ErrorSummary {
  int64_t count = 0;
  double median = 0, worst = 0;
  std::string worst_row;
};
ErrorSummary SummarizeErrors(const std::vector<ValidationRow>& rows);

// p-quantile with linear interpolation between order statistics (numpy's default), p in [0, 1].
double ValidationPercentile(std::vector<double> values, double p);

// Shared folder used for `${shared}`.
std::string SharedDataDir();

}  // namespace schedkit::sim
