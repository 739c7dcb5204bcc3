// Measurement files -> validation runs for calibration.
#include "schedkit/sim/calibrate_inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using nlohmann::json;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json EngineJson(const ValidationEngine& e) {
  json j = {{"policy", e.policy},         {"max_num_seqs", e.max_num_seqs},
            {"block_size", e.block_size}, {"gpu_memory_utilization", e.gpu_memory_utilization},
            {"runtime", e.runtime},       {"prefix_caching", e.prefix_caching},
            {"execution", e.execution},   {"replicas", e.replicas}};
  if (e.token_budget > 0) j["max_num_batched_tokens"] = e.token_budget;
  if (e.max_model_len > 0) j["max_model_len"] = e.max_model_len;
  if (e.kv_blocks > 0) j["kv_blocks"] = e.kv_blocks;
  if (e.kv_reserve_gib >= 0) j["kv_reserve_gib"] = e.kv_reserve_gib;
  return j;
}

void RequireRunFields(const MeasurementInputs& in, const std::string& what) {
  if (in.model.empty() || in.gpu.empty()) {
    throw Error(fmt::format("{}: give the --model and --gpu the measurements were taken on", what));
  }
}

std::vector<ValidationRun> PerRequestCsv(const std::string& path, const MeasurementInputs& in) {
  RequireRunFields(in, path);
  const std::string abs = std::filesystem::absolute(path).string();
  std::ifstream f(abs);
  std::string header;
  if (!f || !std::getline(f, header)) throw Error(fmt::format("cannot read {}", path));
  auto has = [&](const std::string& col) {
    return ("," + header + ",").find("," + col + ",") != std::string::npos;
  };
  json measured = {{"csv", abs}};
  for (const char* m : {"ttft_ms", "tpot_ms", "e2e_ms"}) {
    if (has(m)) measured[m] = m;
  }
  if (measured.size() == 1) throw Error(fmt::format("{}: no ttft_ms, tpot_ms or e2e_ms column", path));
  const char* arrival = has("engine_arrival_s") ? "engine_arrival_s" : "arrival_s";
  const json run = {{"name", std::filesystem::path(path).stem().string()},
                    {"model", in.model},
                    {"gpu", in.gpu},
                    {"tp", in.tp},
                    {"engine", EngineJson(in.engine)},
                    {"workload",
                     {{"trace",
                       {{"csv", abs},
                        {"arrival_s", arrival},
                        {"prompt", has("input_toks") ? "input_toks" : "prompt_tokens"},
                        {"output", has("output_toks") ? "output_toks" : "output_tokens"}}}}},
                    {"measured", {{"per_request", measured}}}};
  return ParseValidationRecipe(json{{"runs", {run}}}.dump(), path).runs;
}

std::vector<ValidationRun> ArgonneCsv(const std::string& path) {
  const std::string abs = std::filesystem::absolute(path).string();
  const json recipe = {
      {"table",
       {{"csv", abs},
        {"where", {{"Framework", {"vLLM"}}, {"Hardware", {"Nvidia H100 GPU", "Nvidia A100 GPU"}}}},
        {"map",
         {{"Hardware", {{"Nvidia H100 GPU", "H100-SXM-80GB"}, {"Nvidia A100 GPU", "A100-SXM-40GB"}}}}}}},
      {"run",
       {{"name", "{Hardware} TP{Num of Hardware} {Model} L{Input Output Length} B{Batch Size}"},
        {"model", "{Model}"},
        {"gpu", "{Hardware}"},
        {"tp", "{Num of Hardware}"},
        {"engine",
         {{"policy", "vllm"},
          {"max_num_seqs", 256},
          {"max_num_batched_tokens", 4096},
          {"block_size", 16},
          {"gpu_memory_utilization", 0.9},
          {"execution", "roofline"}}},
        {"workload",
         {{"stages",
           {{{"arrivals", "burst"},
             {"count", "{Batch Size}"},
             {"prompt", "fixed:{Input Output Length}"},
             {"output", "fixed:{Input Output Length}"}}}}}},
        {"measured", {{"batch_latency_s", "{Latency}"}}}}}};
  return ParseValidationRecipe(recipe.dump(), path).runs;
}

void AddStats(ValidationRun& run, const std::string& metric, std::vector<double> v) {
  if (v.empty()) return;
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  run.measured.push_back({metric + ".mean", mean});
  run.measured.push_back({metric + ".p50", ValidationPercentile(v, 0.5)});
  run.measured.push_back({metric + ".p90", ValidationPercentile(v, 0.9)});
  run.measured.push_back({metric + ".p99", ValidationPercentile(v, 0.99)});
}

}  // namespace

ValidationEngine MeasurementInputs::DefaultMeasuredEngine() {
  ValidationEngine e;
  e.policy = "vllm-v1";
  e.max_num_seqs = 0;  // 0 = vLLM's `vllm serve` default for the GPU
  e.token_budget = 0;
  e.prefix_caching = "off";
  return e;
}

ValidationRun VllmBenchRun(const std::string& text, const std::string& path, const MeasurementInputs& in) {
  RequireRunFields(in, path);
  // Python's json module writes request_rate inf as the bare token Infinity, which is not JSON.
  std::string fixed = text;
  for (size_t at = fixed.find(": Infinity"); at != std::string::npos; at = fixed.find(": Infinity", at)) {
    fixed.replace(at, 10, ": \"inf\"");
  }
  json j;
  try {
    j = json::parse(fixed);
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  for (const char* key : {"input_lens", "output_lens", "ttfts", "itls"}) {
    if (!j.contains(key) || !j[key].is_array()) {
      throw Error(fmt::format("{}: no '{}' array (run vllm bench serve with --save-result --save-detailed)",
                              path, key));
    }
  }
  const size_t n = j["input_lens"].size();
  if (j["output_lens"].size() != n || j["ttfts"].size() != n || j["itls"].size() != n) {
    throw Error(fmt::format("{}: input_lens, output_lens, ttfts and itls differ in length", path));
  }
  const bool starts =
      j.contains("start_times") && j["start_times"].is_array() && j["start_times"].size() == n;
  double rate = std::numeric_limits<double>::infinity();
  if (j.contains("request_rate") && j["request_rate"].is_number()) rate = j["request_rate"].get<double>();
  ValidationRun run;
  run.name = std::filesystem::path(path).stem().string();
  run.model = in.model;
  run.gpu = in.gpu;
  run.tp = in.tp;
  run.engine = in.engine;
  if (run.engine.policy == "vllm-v1" && (run.engine.max_num_seqs <= 0 || run.engine.token_budget <= 0)) {
    const VllmServeDefaults d = VllmV1ServeDefaults(FindGpu(in.gpu));
    if (run.engine.max_num_seqs <= 0) run.engine.max_num_seqs = d.max_num_seqs;
    if (run.engine.token_budget <= 0) run.engine.token_budget = d.max_num_batched_tokens;
  }
  double t0 = 0;
  if (starts) {
    t0 = std::numeric_limits<double>::infinity();
    for (const auto& s : j["start_times"]) t0 = std::min(t0, s.get<double>());
  }
  std::mt19937_64 rng(0);
  std::exponential_distribution<double> gap(std::isfinite(rate) && rate > 0 ? rate : 1.0);
  double t = 0;
  std::vector<double> ttft, tpot, e2e;
  for (size_t i = 0; i < n; ++i) {
    const bool failed = j.contains("errors") && j["errors"].is_array() && i < j["errors"].size() &&
                        j["errors"][i].is_string() && !j["errors"][i].get<std::string>().empty();
    if (std::isfinite(rate) && rate > 0) t += gap(rng);
    if (failed) continue;
    serve::RequestSpec q;
    q.id = static_cast<serve::RequestId>(run.requests.size());
    q.arrival_time = starts ? j["start_times"][i].get<double>() - t0 : (std::isfinite(rate) ? t : 0.0);
    q.prompt_tokens = j["input_lens"][i].get<int32_t>();
    q.output_tokens = j["output_lens"][i].get<int32_t>();
    if (q.prompt_tokens <= 0 || q.output_tokens <= 0) continue;
    run.requests.push_back(q);
    const double f = j["ttfts"][i].get<double>() * 1e3;
    double itl = 0;
    for (const auto& x : j["itls"][i]) itl += x.get<double>() * 1e3;
    ttft.push_back(f);
    e2e.push_back(f + itl);
    if (q.output_tokens > 1) tpot.push_back(itl / (q.output_tokens - 1));
  }
  std::stable_sort(run.requests.begin(), run.requests.end(),
                   [](const auto& a, const auto& b) { return a.arrival_time < b.arrival_time; });
  for (size_t i = 0; i < run.requests.size(); ++i) run.requests[i].id = static_cast<serve::RequestId>(i);
  if (run.requests.empty()) throw Error(fmt::format("{}: no successful requests", path));
  AddStats(run, "ttft_ms", ttft);
  AddStats(run, "tpot_ms", tpot);
  AddStats(run, "e2e_ms", e2e);
  return run;
}

std::vector<ValidationRun> LoadMeasurementRuns(const MeasurementInputs& in) {
  std::vector<ValidationRun> runs;
  for (const auto& p : in.recipes) {
    auto r = LoadValidationRecipe(p).runs;
    runs.insert(runs.end(), r.begin(), r.end());
  }
  for (const auto& p : in.vllm_bench) runs.push_back(VllmBenchRun(ReadText(p), p, in));
  for (const auto& p : in.per_request_csv) {
    MeasurementInputs m = in;
    if (m.engine.policy == "vllm-v1" && (m.engine.max_num_seqs <= 0 || m.engine.token_budget <= 0)) {
      const VllmServeDefaults d = VllmV1ServeDefaults(FindGpu(in.gpu));
      if (m.engine.max_num_seqs <= 0) m.engine.max_num_seqs = d.max_num_seqs;
      if (m.engine.token_budget <= 0) m.engine.token_budget = d.max_num_batched_tokens;
    }
    auto r = PerRequestCsv(p, m);
    runs.insert(runs.end(), r.begin(), r.end());
  }
  for (const auto& p : in.argonne_csv) {
    auto r = ArgonneCsv(p);
    runs.insert(runs.end(), r.begin(), r.end());
  }
  if (runs.empty()) {
    throw Error(
        "calibrate: no measurements (give --recipe, --vllm-bench, --per-request-csv or --argonne-csv)");
  }
  return runs;
}

}  // namespace schedkit::sim
