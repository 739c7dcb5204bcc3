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

namespace schedkit::sim {
namespace {

serve::SchedulerConfig::PrefixCaching PrefixMode(const std::string& s) {
  if (s == "on") return serve::SchedulerConfig::PrefixCaching::kOn;
  if (s == "off") return serve::SchedulerConfig::PrefixCaching::kOff;
  if (s == "auto") return serve::SchedulerConfig::PrefixCaching::kPolicyDefault;
  throw Error(fmt::format("engine.prefix_caching '{}' unknown (on, off, auto)", s));
}

double Stat(std::vector<double> v, const std::string& stat) {
  if (v.empty()) return 0;
  if (stat == "mean") {
    double s = 0;
    for (double x : v) s += x;
    return s / v.size();
  }
  if (stat.size() > 1 && stat[0] == 'p')
    return ValidationPercentile(std::move(v), std::stod(stat.substr(1)) / 100);
  throw Error(fmt::format("unknown statistic '{}' (mean, p50, p90, p99, ...)", stat));
}

}  // namespace

std::string RunRuntime(const ValidationRun& run) {
  return run.engine.runtime == "auto" ? RuntimeForPolicy(run.engine.policy) : run.engine.runtime;
}

std::vector<ValidationRow> RunValidationRun(const ValidationRun& run, const RooflineProfile* profile) {
  const ModelSpec& model = FindModel(run.model);
  const GpuSpec& gpu = FindGpu(run.gpu);
  const RooflineProfile& prof = profile != nullptr ? *profile : FittedRooflineProfile();
  const std::string runtime = RunRuntime(run);
  ExecutionModelOptions eo;
  eo.block_size = run.engine.block_size;
  eo.roofline = run.engine.execution == "roofline";
  eo.runtime = runtime;
  const auto exec = eo.roofline ? MakeRooflineModel(model, gpu, run.tp, prof.For(runtime))
                                : MakeExecutionModel(model, gpu, run.tp, eo);

  SimulationConfig c;
  c.policy = run.engine.policy;
  c.num_replicas = run.engine.replicas;
  c.keep_timeline = false;
  serve::SchedulerConfig& sc = c.scheduler;
  sc.block_size = run.engine.block_size;
  sc.max_num_seqs = run.engine.max_num_seqs;
  sc.token_budget = run.engine.token_budget;
  sc.max_model_len = run.engine.max_model_len;
  sc.prefix_caching = PrefixMode(run.engine.prefix_caching);
  if (run.engine.kv_blocks > 0) {
    sc.num_kv_blocks = run.engine.kv_blocks;
  } else {
    KvBudget kb;
    kb.gpu_memory_utilization = run.engine.gpu_memory_utilization;
    kb.block_size = run.engine.block_size;
    kb.activation_reserve_gib = run.engine.kv_reserve_gib >= 0 ? run.engine.kv_reserve_gib
                                : eo.roofline                  ? prof.KvReserveGib(runtime)
                                                               : 0.0;
    sc.num_kv_blocks = KvCapacityBlocks(model, gpu, run.tp, kb);
  }
  c.costs = CostFactorsFor(model, gpu, run.tp, run.engine.block_size);
  auto source = MakeVectorSource(run.requests);
  const SimulationResult res = Simulate(c, *source, *exec);

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
