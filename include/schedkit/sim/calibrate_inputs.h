// Measurements for `schedkit calibrate`, turned into validation runs: recipes, `vllm bench serve
// --save-result --save-detailed` JSON, per-request CSVs and LLM-Inference-Bench's offline-batch CSV layout.
#pragma once

#include <string>
#include <vector>

#include "schedkit/sim/validate.h"

namespace schedkit::sim {

struct MeasurementInputs {
  std::vector<std::string> recipes, vllm_bench, per_request_csv, argonne_csv;
  // Model, GPU and engine of the vllm_bench / per_request_csv runs (Argonne rows carry their own model,
  // GPU and TP; their engine is vLLM V0 with max_num_seqs 256 and 4,096 tokens, as data/validate does).
  std::string model, gpu;
  int32_t tp = 1;
  ValidationEngine engine = DefaultMeasuredEngine();
  static ValidationEngine DefaultMeasuredEngine();
};

// Throws schedkit::Error naming the file for anything unreadable, and for no input at all.
std::vector<ValidationRun> LoadMeasurementRuns(const MeasurementInputs& inputs);

// One run from a vLLM benchmark JSON: requests from input_lens / output_lens (every request produces exactly
// its output_lens tokens), arrivals from start_times when present, else all at 0 for request_rate inf and
// Poisson at request_rate (seed 0) otherwise; measured TTFT, TPOT = (E2E - TTFT) / (output - 1) and
// E2E = TTFT + sum(itls), as mean / p50 / p90 / p99. Failed requests (errors non-empty) are left out.
ValidationRun VllmBenchRun(const std::string& json_text, const std::string& path,
                           const MeasurementInputs& in);

}  // namespace schedkit::sim
