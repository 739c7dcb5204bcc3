// CLI: `schedkit simulate` (a serving deployment, several policies side by side) and `schedkit capacity` (the
// largest request rate one replica holds under SLOs). Flag wiring and output only: the settings, their
// flags and their checks live in sim/deployment_fields.h, the run in sim::Deployment and sim::Simulator.
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "commands.h"
#include "schedkit/serve/policy_registry.h"
#include "schedkit/sim/capacity.h"
#include "schedkit/sim/decision_trace.h"
#include "schedkit/sim/deployment.h"
#include "schedkit/sim/deployment_fields.h"
#include "schedkit/sim/report.h"

namespace schedkit::cli {
namespace {

// Every deployment setting as a flag; what the user gave goes over the config file over the defaults.
struct DeploymentFlags {
  std::string config, dump_config;
  std::map<std::string, std::string> values;  // by key
  std::map<std::string, bool> switches;
  std::vector<std::pair<std::string, CLI::Option*>> given;
  std::vector<std::string> policies, policy_opts;
  CLI::Option* policy_flag = nullptr;
  bool no_progress = false;

  void Register(CLI::App* app, bool many_policies) {
    app->add_option("--config", config, "Deployment config file (YAML or JSON; keys: docs/serving.md)");
    app->add_option("--dump-config", dump_config,
                    "Write the resolved settings as a config file (.json or YAML)");
    for (const sim::DeploymentField& f : sim::DeploymentFields()) {
      const std::string help = fmt::format("{} [{}]", f.help, f.key);
      given.emplace_back(f.key, f.is_switch() ? app->add_flag(f.flag, switches[f.key], help)
                                              : app->add_option(f.flag, values[f.key], help));
    }
    policy_flag = app->add_option(
        "--policy", policies,
        many_policies ? "Policies to compare (repeat or comma-separate) [policies]" : "Policy [policies]");
    if (many_policies)
      policy_flag->delimiter(',');
    else
      policy_flag->expected(1);
    app->add_option("--policy-opt", policy_opts,
                    "Policy option [policy:]key=value (repeatable) [policy_options]");
    app->add_flag("--no-progress", no_progress, "No progress indicator on stderr");
    std::string footer = "Policies:\n";
    for (const auto& p : serve::RegisteredPolicies()) {
      footer += fmt::format("  {:<16} {}\n", p.name, p.description);
      std::vector<std::string> options;
      for (const auto& o : p.options) options.push_back(o.key + "=" + o.default_value);
      if (!options.empty()) footer += fmt::format("  {:<16}   options: {}\n", "", fmt::join(options, ", "));
    }
    app->footer(footer);
  }

  sim::DeploymentSpec Spec(sim::DeploymentSpec spec) const {
    if (!config.empty()) sim::LoadDeploymentConfig(config, spec);
    for (const auto& [key, option] : given) {
      if (option->count() == 0) continue;
      const auto sw = switches.find(key);
      const std::string value = sw != switches.end() ? (sw->second ? "true" : "false") : values.at(key);
      sim::SetDeploymentField(spec, key, value, option->get_name());
    }
    if (!policies.empty()) spec.policies = policies;
    for (const std::string& o : policy_opts) sim::AddPolicyOption(spec, o, "--policy-opt");
    if (!dump_config.empty()) sim::WriteDeploymentConfig(spec, dump_config);
    return spec;
  }
};

void PrintDeployment(const sim::Deployment& d) {
  std::fflush(stdout);
  for (const std::string& w : d.warnings()) fmt::print(stderr, "warning: {}\n", w);
  const sim::DeploymentSpec& s = d.spec();
  const serve::SchedulerConfig& sc = d.ConfigFor(s.policies.front()).scheduler;
  fmt::print("workload: {} ({} requests{})\n", d.WorkloadLabel(), d.num_requests(),
             s.workload.time_scale != 1.0 ? fmt::format(", time scale {}", s.workload.time_scale) : "");
  fmt::print(
      "deployment: {} on {} x TP{}, {} replica(s); KV {} blocks of {} tokens ({} tokens), batch cap {}\n",
      d.model().name, d.gpu().name, s.tp, s.replicas, sc.num_kv_blocks, sc.block_size,
      sc.num_kv_blocks * sc.block_size, sc.max_num_seqs);
  std::map<std::string, std::vector<std::string>> by_tier;
  for (const auto& src : d.execution_model().Sources()) by_tier[sim::TierName(src.tier)].push_back(src.op);
  for (const auto& [tier, ops] : by_tier) fmt::print("execution model, {}: {}\n", tier, fmt::join(ops, ", "));
}

std::function<void(int64_t, int64_t)> Progress(const std::string& label, bool enabled) {
  if (!enabled) return {};
  auto start = std::chrono::steady_clock::now();
  return [label, start](int64_t done, int64_t known) {
    if (std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) return;
    fmt::print(stderr, "\r[{}] {} requests done, {} arrived   ", label, done, known);
  };
}

std::string ProgramLine(const std::string& policy, const sim::ProgramSummary& ps) {
  return fmt::format("{:<16} {:>8} {:>8} {:>12.3f} {:>12.3f} {:>14.4f} {:>14.4f} {:>10.4f}", policy,
                     ps.num_programs, ps.num_calls, ps.latency.mean, ps.latency.p90,
                     ps.latency_per_token.mean, ps.latency_per_token.p90, ps.throughput);
}

void RunSimulate(const DeploymentFlags& flags, const std::string& output_dir, const std::string& decisions) {
  const sim::Deployment d = sim::Deployment::Resolve(flags.Spec(sim::DeploymentSpec{}));
  PrintDeployment(d);
  std::vector<sim::Summary> summaries;
  std::vector<std::string> program_lines;
  std::unique_ptr<sim::DecisionTraceWriter> trace;
  if (!decisions.empty()) trace = std::make_unique<sim::DecisionTraceWriter>(decisions);
  sim::ReportWriter report(output_dir);
  for (const std::string& p : d.spec().policies) {
    sim::SimulationConfig c = d.ConfigFor(p);
    const bool progress = !flags.no_progress && isatty(STDERR_FILENO);
    c.progress = Progress(p, progress);
    auto source = d.Source();
    sim::Simulator simulator(c, *source, d.execution_model(p));
    if (trace) {
      trace->set_label(p);
      simulator.AddObserver(trace.get());
    }
    sim::SimulationResult r = simulator.Run();
    if (progress && r.summary.wall_seconds >= 1.0) fmt::print(stderr, "\n");
    r.summary.label = p;
    report.AddRun(p, r);
    summaries.push_back(r.summary);
    if (!d.programs().empty())
      program_lines.push_back(ProgramLine(p, sim::SummarizePrograms(d.programs(), r.records)));
  }
  if (!program_lines.empty()) {
    fmt::print("\nprograms ({}): {:>8} {:>8} {:>12} {:>12} {:>14} {:>14} {:>10}\n",
               d.spec().workload.programs, "programs", "calls", "latency (s)", "p90 (s)", "s/token",
               "p90 s/token", "prog/s");
    for (const auto& line : program_lines) fmt::print("{}\n", line);
  }
  fmt::print("\n");
  sim::PrintSummaryTable(stdout, summaries);
  report.Commit(summaries, d.ConfigJson());
  if (trace) trace->Commit();
  fmt::print("\nreport: {}/summary.json, per-request CSV and timeline in {}/<policy>/\n", output_dir,
             output_dir);
  if (trace) fmt::print("decision trace: {} ({} lines)\n", decisions, trace->num_lines());
}

void RunCapacity(const DeploymentFlags& flags, sim::CapacityOptions options) {
  const sim::Deployment d = sim::Deployment::Resolve(flags.Spec(sim::CapacityDeploymentDefaults()));
  PrintDeployment(d);
  options.seed = d.spec().seed;
  const std::vector<std::pair<int32_t, int32_t>> lengths = d.Lengths();
  const sim::SimulationConfig c = d.ConfigFor(d.spec().policies.front());
  fmt::print(
      "capacity search: policy {}, {} requests per run, Poisson arrivals (seed {}); SLO: P90 TTFT <= {} s, "
      "P99 TBT <= {} ms{}\n\n",
      c.policy, lengths.size(), options.seed, options.slo.ttft_p90, 1e3 * options.slo.tbt_p99,
      options.slo.delay_p99 > 0 ? fmt::format(", P99 scheduling delay <= {} s", options.slo.delay_p99) : "");
  fmt::print("{:>10}  {:>6}  {:>12}  {:>12}  {:>14}  {}\n", "rate", "meets", "TTFT p90 (s)", "TBT p99 (ms)",
             "sched p99 (s)", "violated");
  const auto start = std::chrono::steady_clock::now();
  const sim::CapacityResult r =
      sim::SearchCapacity(c, lengths, d.execution_model(c.policy), options, [](const sim::CapacityRun& run) {
        fmt::print("{:>10.4g}  {:>6}  {:>12.3f}  {:>12.1f}  {:>14.3f}  {}\n", run.rate, run.ok ? "yes" : "no",
                   run.summary.ttft.p90, 1e3 * run.summary.tbt_per_token.p99,
                   run.summary.scheduling_delay.p99, run.violated);
      });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("\ncapacity: {:.4g} req/s per replica ({} runs, {:.2f} s)\n", r.capacity, r.runs.size(), wall);
  if (r.failed_above > 0) {
    fmt::print("bracketed by {:.4g} (meets the SLOs) and {:.4g} (fails)\n", r.capacity, r.failed_above);
  }
  fmt::print("bound by: {}\n", r.bound_by);
}

}  // namespace

void AddServeCommands(CLI::App& app) {
  auto flags = std::make_shared<DeploymentFlags>();
  auto output = std::make_shared<std::string>("schedkit-out");
  auto decisions = std::make_shared<std::string>();
  CLI::App* sim_cmd = app.add_subcommand(
      "simulate",
      fmt::format(
          "Simulate LLM serving on a request trace and compare scheduling policies (defaults: bundled "
          "Azure conv slice, {} on {}, {})",
          sim::DeploymentSpec{}.model, sim::DeploymentSpec{}.gpu,
          fmt::join(sim::DeploymentSpec{}.policies, " vs ")));
  flags->Register(sim_cmd, true);
  sim_cmd->add_option("--output", *output, "Output folder for summary.json and per-request CSVs");
  sim_cmd->add_option(
      "--trace-decisions", *decisions,
      "Write every scheduler decision (admit, skip, preempt, reject, finish, with reasons) as JSONL");
  sim_cmd->callback([flags, output, decisions] { RunSimulate(*flags, *output, *decisions); });

  auto cflags = std::make_shared<DeploymentFlags>();
  auto copts = std::make_shared<sim::CapacityOptions>();
  CLI::App* cap = app.add_subcommand("capacity", "Largest request rate one replica holds under latency SLOs");
  cflags->Register(cap, false);
  cap->add_option("--ttft-p90", copts->slo.ttft_p90, "SLO on P90 TTFT (s; 0 = off)")
      ->check(CLI::NonNegativeNumber);
  cap->add_option("--tbt-p99", copts->slo.tbt_p99, "SLO on P99 per-token TBT (s; 0 = off)")
      ->check(CLI::NonNegativeNumber);
  cap->add_option("--delay-p99", copts->slo.delay_p99,
                  "SLO on P99 scheduling delay (s; 0 = off; Vidur-Search: 5)")
      ->check(CLI::NonNegativeNumber);
  cap->add_option("--start-rate", copts->start_rate, "First rate tried (req/s)")->check(CLI::PositiveNumber);
  cap->add_option("--max-rate", copts->max_rate, "Highest rate tried (req/s)")->check(CLI::PositiveNumber);
  cap->add_option("--tolerance", copts->tolerance, "Relative width of the final bracket")
      ->check(CLI::Range(1e-6, 0.5));
  cap->callback([cflags, copts] { RunCapacity(*cflags, *copts); });
}

}  // namespace schedkit::cli
