// Runs validation recipes through the simulator and compares with the measurements.
#include "schedkit/sim/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/sim/deployment.h"
#include "schedkit/sim/execution_model.h"
#include "schedkit/sim/hardware.h"
#include "schedkit/sim/simulator.h"
#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::sim {
namespace {

double Stat(std::vector<double> v, const std::string& stat) {
  if (v.empty()) return 0;
  if (stat == "mean") {
    double s = 0;
    for (double x : v) s += x;
    return s / v.size();
  }
  if (stat.size() > 1 && stat[0] == 'p')
    return ValidationPercentile(std::move(v), util::ParseDouble(stat.substr(1), "statistic " + stat) / 100);
  throw Error(fmt::format("unknown statistic '{}' (mean, p50, p90, p99, ...)", stat));
}

}  // namespace

std::string RunRuntime(const ValidationRun& run) {
  return run.engine.runtime == "auto" ? RuntimeForPolicy(run.engine.policy) : run.engine.runtime;
}

std::vector<ValidationRow> RunValidationRun(const ValidationRun& run, const RooflineProfile* profile) {
  // The run as a deployment: the recipe's engine arguments are the spec's settings, its requests the
  // workload.
  DeploymentSpec spec;
  spec.model = run.model;
  spec.gpu = run.gpu;
  spec.tp = run.tp;
  spec.policies = {run.engine.policy};
  spec.batch_cap = run.engine.max_num_seqs;
  spec.token_budget = run.engine.token_budget;
  spec.max_model_len = run.engine.max_model_len;
  spec.block_size = run.engine.block_size;
  spec.kv_blocks = run.engine.kv_blocks;
  spec.gpu_mem_util = run.engine.gpu_memory_utilization;
  spec.prefix_caching = run.engine.prefix_caching;
  spec.roofline = run.engine.execution == "roofline";
  spec.runtime = RunRuntime(run);
  spec.activation_reserve_gib = run.engine.kv_reserve_gib >= 0 ? run.engine.kv_reserve_gib : -1.0;
  spec.replicas = run.engine.replicas;
  std::shared_ptr<const RooflineProfile> shared;
  if (profile != nullptr) shared = std::make_shared<RooflineProfile>(*profile);
  const Deployment d = Deployment::Resolve(spec, run.requests, shared);
  SimulationConfig c = d.ConfigFor(run.engine.policy);
  c.keep_timeline = false;
  auto source = d.Source();
  const SimulationResult res = Simulate(c, *source, d.execution_model());

  std::vector<ValidationRow> rows;
  for (const MeasuredMetric& m : run.measured) {
    double ours = 0;
    if (m.metric == "batch_latency_s" || m.metric == "makespan_s") {
      ours = res.summary.makespan;
    } else {
      const auto dot = m.metric.find('.');
      if (dot == std::string::npos)
        throw Error(fmt::format("run '{}': unknown metric '{}'", run.name, m.metric));
      const std::string what = m.metric.substr(0, dot), stat = m.metric.substr(dot + 1);
      std::vector<double> v;
      for (const RequestRecord& r : res.records) {
        if (r.rejected) continue;
        if (m.window_start >= 0 && (r.arrived_at < m.window_start || r.arrived_at >= m.window_end)) continue;
        const double ttft = r.prefill_e2e_time * 1e3, e2e = r.request_e2e_time * 1e3;
        if (what == "ttft_ms") {
          v.push_back(ttft);
        } else if (what == "e2e_ms") {
          v.push_back(e2e);
        } else if (what == "tpot_ms" || what == "itl_ms") {
          if (r.num_decode_tokens > 1) v.push_back((e2e - ttft) / (r.num_decode_tokens - 1));
        } else {
          throw Error(
              fmt::format("run '{}': unknown metric '{}' (ttft_ms, tpot_ms, itl_ms, e2e_ms, batch_latency_s)",
                          run.name, m.metric));
        }
      }
      ours = Stat(std::move(v), stat);
    }
    rows.push_back({run.name, m.metric, ours, m.value});
  }
  return rows;
}

double ValidationPercentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

ErrorSummary SummarizeErrors(const std::vector<ValidationRow>& rows) {
  ErrorSummary s;
  std::vector<double> e;
  for (const auto& r : rows) {
    const double x = std::abs(r.rel_error());
    e.push_back(x);
    if (x >= s.worst) {
      s.worst = x;
      s.worst_row = r.run + " " + r.metric;
    }
  }
  s.count = static_cast<int64_t>(e.size());
  s.median = ValidationPercentile(e, 0.5);
  return s;
}

std::vector<ValidationRow> RunValidation(const ValidationRecipe& recipe, const std::string& only,
                                         const RooflineProfile* profile) {
  std::vector<ValidationRow> rows;
  for (const ValidationRun& run : recipe.runs) {
    if (!only.empty() && run.name.find(only) == std::string::npos) continue;
    auto r = RunValidationRun(run, profile);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  return rows;
}

}  // namespace schedkit::sim
