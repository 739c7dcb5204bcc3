// schedkit soc: DS3-style streaming simulation on a heterogeneous SoC (simulate, table, learn); the sweeps
// live in the graph library (soc_experiments.h).
#include <fmt/core.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cmd_graph_common.h"
#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/soc_experiments.h"
#include "schedkit/graph/soc_table.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::cli {

namespace {

using namespace schedkit::graph;

struct SocSimulateArgs {
  std::string soc, jobs, probabilities, scheduler = "etf", scales = "100", table = "opt";
  int64_t table_evaluations = SocTableSearchOptions{}.max_evaluations;
  int64_t table_nodes = SocTableSearchOptions{}.max_nodes;
  bool table_min_work = false;
  bool fixed = false;
  int max_parallel = 12;
  int64_t max_jobs = 100, warmup = 0;
  double noise = 0;
  std::uint64_t seed = 1;
};

// The workload part of a SocSimConfig, shared by simulate and learn (scale and scheduler aside).
SocSimConfig WorkloadConfig(const SocSimulateArgs& a) {
  SocSimConfig c;
  for (std::string_view j : util::SplitNonEmpty(a.jobs, ',')) c.apps.push_back(ReadDs3Job(std::string(j)));
  if (c.apps.empty()) throw Error("--jobs: give at least one job file");
  c.probabilities = ParseNumberList(a.probabilities, "--probabilities");
  c.fixed_injection = a.fixed;
  c.max_jobs_in_parallel = a.max_parallel;
  c.max_jobs = a.max_jobs;
  c.warmup_us = a.warmup;
  c.noise_sigma = a.noise;
  return c;
}

void RunSocSimulate(const SocSimulateArgs& a) {
  const Ds3Soc soc = ReadDs3Soc(a.soc);
  SocSimConfig c = WorkloadConfig(a);
  c.seed = a.seed;
  c.table_source = ParseSocTableSource(a.table, "--table");
  c.table_search.max_evaluations = a.table_evaluations;
  c.table_search.max_nodes = a.table_nodes;
  c.table_search.minimise_work = a.table_min_work;
  std::vector<SocScheduler> schedulers;
  for (std::string_view s : util::SplitNonEmpty(a.scheduler, ',')) {
    schedulers.push_back(ParseSocScheduler(std::string(s), "--scheduler"));
  }
  if (schedulers.empty()) throw Error("--scheduler: give at least one scheduler");
  const std::vector<double> scales = ParseNumberList(a.scales, "--scale");
  for (double scale : scales) {
    if (!(scale > 0)) throw Error(fmt::format("--scale must be > 0 us, got {:g}", scale));
  }
  fmt::print("soc {} ({} PEs), {} job type(s), {} jobs, max {} in parallel, noise sigma {:g}, seed {}\n",
             a.soc, soc.num_pes() - 1, c.apps.size(), c.max_jobs, c.max_jobs_in_parallel, c.noise_sigma,
             c.seed);
  fmt::print(
      "| scheduler | scale (us) | injection (jobs/ms) | avg job time (us) | throughput (jobs/ms) | mean PE "
      "utilisation |\n|---|---|---|---|---|---|\n");
  for (const SocSweepRow& row : SweepSoc(soc, c, schedulers, scales)) {
    fmt::print("| {} | {:g} | {:.3f} | {:.2f} | {:.3f} | {:.3f} |\n", SocSchedulerName(row.scheduler),
               row.scale_us, row.result.injection_rate_jobs_per_ms, row.result.avg_job_time_us,
               row.result.throughput_jobs_per_ms, row.mean_utilisation);
  }
}

struct SocLearnArgs {
  SocSimulateArgs sim;
  int iterations = 100, batch = 4, eval_episodes = 10;
  double learning_rate = 0.2;
};

void RunSocLearn(const SocLearnArgs& a) {
  const Ds3Soc soc = ReadDs3Soc(a.sim.soc);
  SocSimConfig c = WorkloadConfig(a.sim);
  c.scale_us = util::ParseDouble(a.sim.scales, "--scale");
  if (a.eval_episodes < 1) throw Error("--eval-episodes must be >= 1");
  PolicyTrainOptions o;
  o.iterations = a.iterations;
  o.episodes_per_batch = a.batch;
  o.learning_rate = a.learning_rate;
  o.seed = a.sim.seed;
  const PolicyTrainResult r = TrainSocPolicy(soc, c, o);
  fmt::print("trained {} iterations x {} episodes ({} jobs each, scale {:g} us, noise {:g})\n", o.iterations,
             o.episodes_per_batch, c.max_jobs, c.scale_us, c.noise_sigma);
  fmt::print("sampled-policy mean job time: first {:.1f} us, last {:.1f} us\nweights:",
             r.mean_job_time_per_iteration.front(), r.mean_job_time_per_iteration.back());
  const auto names = SocPolicy::FeatureNames();
  for (int k = 0; k < SocPolicy::kFeatures; ++k) fmt::print(" {}={:.3f}", names[k], r.policy.weights[k]);
  fmt::print("\n| evaluation ({} episodes, seeds 1000+) | avg job time (us) |\n|---|---|\n", a.eval_episodes);
  const SocPolicyComparison cmp = CompareSocPolicy(soc, c, r.policy, a.eval_episodes);
  fmt::print("| learned (greedy) | {:.2f} |\n", cmp.learned);
  for (const auto& [s, mean] : cmp.baselines) fmt::print("| {} | {:.2f} |\n", SocSchedulerName(s), mean);
}

struct SocTableArgs {
  std::string soc, jobs;
  int64_t evaluations = SocTableSearchOptions{}.max_evaluations, nodes = SocTableSearchOptions{}.max_nodes;
  std::uint64_t seed = 1;
  bool print_table = false, min_work = false;
};

void RunSocTable(const SocTableArgs& a) {
  if (a.evaluations < 0) throw Error(fmt::format("--evaluations must be >= 0, got {}", a.evaluations));
  if (a.nodes < 0) throw Error(fmt::format("--nodes must be >= 0, got {}", a.nodes));
  const Ds3Soc soc = ReadDs3Soc(a.soc);
  SocTableSearchOptions o;
  o.max_evaluations = a.evaluations;
  o.max_nodes = a.nodes;
  o.seed = a.seed;
  o.minimise_work = a.min_work;
  fmt::print(
      "| job | tasks | HEFT table (us) | optimised table (us) | busy time (us) | lower bound (us) | proven "
      "optimal | evaluations | B&B nodes | seconds |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (std::string_view file : util::SplitNonEmpty(a.jobs, ',')) {
    const Problem p = MakeProblem(ReadDs3Job(std::string(file)), soc);
    const auto t0 = std::chrono::steady_clock::now();
    const SocTableSearchResult r = OptimiseSocTable(p, o);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2f} |\n", p.graph.name, p.num_tasks(),
               r.heft_makespan, r.makespan, r.work, r.lower_bound, r.proven_optimal ? "yes" : "no",
               r.evaluations, r.nodes, secs);
    if (a.print_table) {
      const SocTableTiming timing = ReplaySocTable(p, r.table);
      for (int t = 0; t < p.num_tasks(); ++t) {
        fmt::print("  {} {} -> {} #{} [{}, {})\n", t, p.graph.task_names[t], p.proc_names[r.table.pe[t]],
                   r.table.order[t], timing.start[t], timing.finish[t]);
      }
    }
  }
}

}  // namespace

void AddSocCommands(CLI::App& app) {
  auto* soc = app.add_subcommand("soc", "DS3-style streaming simulation of jobs on a heterogeneous SoC");
  soc->require_subcommand(1);
  auto a = std::make_shared<SocSimulateArgs>();
  auto* sim =
      soc->add_subcommand("simulate", "Inject jobs and report latency, throughput and PE utilisation");
  sim->add_option("--soc", a->soc, "DS3 SoC resource file")->required();
  sim->add_option("--jobs", a->jobs, "comma-separated DS3 job files (the job mix)")->required();
  sim->add_option("--probabilities", a->probabilities, "comma-separated job probabilities (default uniform)");
  sim->add_option("--scale", a->scales, "mean inter-arrival time in us (comma-separated for a sweep)")
      ->capture_default_str();
  sim->add_flag("--fixed-injection", a->fixed, "inject exactly every SCALE us instead of exponentially");
  sim->add_option("--scheduler", a->scheduler, "met, etf, heft (runtime), table or cp (comma-separated)")
      ->capture_default_str();
  sim->add_option("--table", a->table, "table scheduler's tables: opt (offline optimiser) or heft")
      ->capture_default_str();
  sim->add_option("--table-evaluations", a->table_evaluations, "optimiser: local-search evaluations")
      ->capture_default_str();
  sim->add_option("--table-nodes", a->table_nodes, "optimiser: branch-and-bound node limit (0: none)")
      ->capture_default_str();
  sim->add_flag("--table-min-work", a->table_min_work,
                "optimiser: among equal makespans prefer the least total busy time");
  sim->add_option("--max-jobs", a->max_jobs, "number of jobs to inject")->capture_default_str();
  sim->add_option("--max-parallel", a->max_parallel, "max_jobs_in_parallel")->capture_default_str();
  sim->add_option("--warmup", a->warmup, "warm-up period in us (jobs ending before it are not counted)");
  sim->add_option("--noise", a->noise, "multiplicative noise sigma on execution times")
      ->capture_default_str();
  sim->add_option("--seed", a->seed, "random seed")->capture_default_str();
  sim->callback([a] { RunSocSimulate(*a); });

  auto tb = std::make_shared<SocTableArgs>();
  auto* table = soc->add_subcommand(
      "table", "Optimise the offline schedule table of each job (DS3's CP table) and compare it with HEFT's");
  table->add_option("--soc", tb->soc, "DS3 SoC resource file")->required();
  table->add_option("--jobs", tb->jobs, "comma-separated DS3 job files")->required();
  table->add_option("--evaluations", tb->evaluations, "local-search evaluations")->capture_default_str();
  table->add_option("--nodes", tb->nodes, "branch-and-bound node limit (0: none)")->capture_default_str();
  table->add_option("--seed", tb->seed, "search seed")->capture_default_str();
  table->add_flag("--print", tb->print_table, "print the table (task -> PE #order [start, finish))");
  table->add_flag("--min-work", tb->min_work, "among equal makespans prefer the least total busy time");
  table->callback([tb] { RunSocTable(*tb); });

  auto l = std::make_shared<SocLearnArgs>();
  l->sim.max_jobs = 60;
  auto* learn =
      soc->add_subcommand("learn", "Train a linear policy by REINFORCE and compare it with ETF/HEFT/MET");
  learn->add_option("--soc", l->sim.soc, "DS3 SoC resource file")->required();
  learn->add_option("--jobs", l->sim.jobs, "comma-separated DS3 job files (the job mix)")->required();
  learn->add_option("--probabilities", l->sim.probabilities, "comma-separated job probabilities");
  learn->add_option("--scale", l->sim.scales, "mean inter-arrival time in us")->capture_default_str();
  learn->add_option("--max-jobs", l->sim.max_jobs, "jobs per episode")->capture_default_str();
  learn->add_option("--max-parallel", l->sim.max_parallel, "max_jobs_in_parallel")->capture_default_str();
  learn->add_option("--noise", l->sim.noise, "multiplicative noise sigma")->capture_default_str();
  learn->add_option("--seed", l->sim.seed, "training seed")->capture_default_str();
  learn->add_option("--iterations", l->iterations, "gradient steps")->capture_default_str();
  learn->add_option("--batch", l->batch, "episodes per gradient step")->capture_default_str();
  learn->add_option("--learning-rate", l->learning_rate, "step size")->capture_default_str();
  learn->add_option("--eval-episodes", l->eval_episodes, "evaluation episodes")->capture_default_str();
  learn->callback([l] { RunSocLearn(*l); });
}

}  // namespace schedkit::cli
