// schedkit calibrate: fits the roofline profile to measured runs and writes it as JSON (docs/validate.md).
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "schedkit/sim/calibrate.h"
#include "schedkit/sim/calibrate_inputs.h"
#include "schedkit/sim/roofline_profile.h"
#include "schedkit/util/error.h"

namespace schedkit::cli {
namespace {

struct CalibrateArgs {
  sim::MeasurementInputs inputs;
  std::string start_profile;
  std::vector<std::string> params;
  std::string output;
  int max_evals = 800;
  bool leave_one_out = false;
};

void PrintSummary(const char* label, const sim::ErrorSummary& s) {
  fmt::print("{}: n {} median |error| {:.1f}% worst {:.1f}% ({})\n", label, s.count, 100 * s.median,
             100 * s.worst, s.worst_row);
}

void Run(const CalibrateArgs& a) {
  const std::vector<sim::ValidationRun> runs = sim::LoadMeasurementRuns(a.inputs);
  const sim::RooflineProfile start =
      a.start_profile.empty() ? sim::FittedRooflineProfile() : sim::ReadRooflineProfile(a.start_profile);
  sim::CalibrationOptions o;
  o.parameters = a.params;
  o.max_evaluations = a.max_evals;
  o.leave_one_out = a.leave_one_out;
  fmt::print("calibrating on {} runs\n", runs.size());
  const sim::CalibrationResult r = sim::Calibrate(runs, start, o);
  PrintSummary("before", r.before);
  PrintSummary("fit", r.after);
  for (const auto& n : r.parameters) fmt::print("  {} = {:.5g}\n", n, sim::GetProfileParameter(r.profile, n));
  for (const auto& h : r.leave_one_out) {
    fmt::print("  held out {}: median |error| {:.1f}% worst {:.1f}%\n", h.run, 100 * h.error.median,
               100 * h.error.worst);
  }
  if (!r.leave_one_out.empty()) PrintSummary("leave-one-run-out", r.leave_one_out_all);
  nlohmann::json fit = {{"runs", runs.size()},
                        {"parameters", r.parameters},
                        {"fit_median_error", r.after.median},
                        {"fit_worst_error", r.after.worst},
                        {"start_median_error", r.before.median}};
  if (!r.leave_one_out.empty()) {
    fit["leave_one_out_median_error"] = r.leave_one_out_all.median;
    fit["leave_one_out_worst_error"] = r.leave_one_out_all.worst;
  }
  const std::string text = sim::RooflineProfileJson(r.profile, nlohmann::json{{"fit", fit}}.dump());
  if (a.output.empty()) {
    fmt::print("{}", text);
  } else {
    std::ofstream out(a.output);
    if (!out) throw Error("cannot write " + a.output);
    out << text;
    fmt::print("wrote {}\n", a.output);
  }
}

}  // namespace

void AddCalibrateCommands(CLI::App& app) {
  auto a = std::make_shared<CalibrateArgs>();
  sim::MeasurementInputs& in = a->inputs;
  CLI::App* cmd = app.add_subcommand(
      "calibrate",
      "fit the roofline efficiencies and engine overhead to your measurements; writes a profile "
      "JSON for simulate/validate --profile (docs/validate.md)");
  cmd->add_option("--recipe", in.recipes, "validation recipe JSON (docs/validate.md); repeatable");
  cmd->add_option("--vllm-bench", in.vllm_bench,
                  "`vllm bench serve --save-result --save-detailed` JSON; repeatable");
  cmd->add_option("--per-request-csv", in.per_request_csv,
                  "CSV with arrival_s, input_toks, output_toks, ttft_ms[, tpot_ms, e2e_ms]; repeatable");
  cmd->add_option("--argonne-csv", in.argonne_csv,
                  "offline-batch CSV in LLM-Inference-Bench's layout (Hardware, Num of Hardware, Framework, "
                  "Model, Input Output Length, Batch Size, Latency); repeatable");
  cmd->add_option("--model", in.model, "model of the --vllm-bench / --per-request-csv runs");
  cmd->add_option("--gpu", in.gpu, "GPU of those runs (catalogue name; Argonne rows: mapped by --gpu too)");
  cmd->add_option("--tp", in.tp, "tensor-parallel degree of those runs");
  cmd->add_option("--policy", in.engine.policy, "scheduling policy the engine ran (default vllm-v1)");
  cmd->add_option("--max-num-seqs", in.engine.max_num_seqs, "vLLM --max-num-seqs");
  cmd->add_option("--max-num-batched-tokens", in.engine.token_budget, "vLLM --max-num-batched-tokens");
  cmd->add_option("--max-model-len", in.engine.max_model_len, "vLLM --max-model-len");
  cmd->add_option("--block-size", in.engine.block_size, "vLLM --block-size");
  cmd->add_option("--kv-blocks", in.engine.kv_blocks, "KV blocks the engine reported (0 = from memory)");
  cmd->add_option("--gpu-memory-utilization", in.engine.gpu_memory_utilization,
                  "vLLM --gpu-memory-utilization");
  cmd->add_option("--runtime", in.engine.runtime, "engine overhead to fit: vllm-v0 | vllm-v1 | auto");
  cmd->add_option("--replicas", in.engine.replicas, "data-parallel engines (vLLM --data-parallel-size)");
  cmd->add_option("--start", a->start_profile, "profile JSON to start from (default: built-in)");
  cmd->add_option("--param", a->params,
                  "parameter to fit (repeatable; default: every one the runs exercise): gemm_compute_eff, "
                  "gemm_memory_eff, attn_compute_eff, attn_memory_eff, link_eff, pcie_eff, allreduce_ms, "
                  "RUNTIME.step_ms, RUNTIME.per_seq_ms, RUNTIME.kv_reserve_gib");
  cmd->add_option("--max-evals", a->max_evals, "objective evaluations per fit (default 800)");
  cmd->add_flag("--leave-one-out", a->leave_one_out, "also report the leave-one-run-out error");
  cmd->add_option("-o,--output", a->output, "profile JSON to write (default: stdout)");
  cmd->callback([a] { Run(*a); });
}

}  // namespace schedkit::cli
