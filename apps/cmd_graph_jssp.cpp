// schedkit jssp: the job shop (solve, exact), and experiments on the shared instance set (bench, blocking,
// learn) whose loops live in the graph library (jssp_bench.h, jssp_experiments.h).
#include <fmt/core.h>

#include <cstdint>
#include <memory>
#include <string>

#include "cmd_graph_common.h"
#include "schedkit/graph/gantt_svg.h"
#include "schedkit/graph/jssp_bench.h"
#include "schedkit/graph/jssp_exact.h"
#include "schedkit/graph/jssp_experiments.h"
#include "schedkit/graph/jssp_policy.h"
#include "schedkit/util/error.h"

namespace schedkit::cli {

namespace {

using namespace schedkit::graph;

// TS/PR elite pool size used by the CLI unless --population says otherwise (0: one trajectory).
constexpr int kDefaultPopulation = 10;
constexpr const char* kDataHelp =
    "folder with instances/ and bounds.csv (default $SCHEDKIT_SHARED_DIR/data/jssp)";

// Tabu options shared by solve and bench.
struct TabuArgs {
  double time_limit = 0;
  int64_t iterations = -1;
  std::uint64_t seed = 1;
  int stall = 0, population = kDefaultPopulation;
  double tenure_min = TabuOptions{}.tenure_min_factor, tenure_max = TabuOptions{}.tenure_max_factor;
  std::string clock = "wall", tabu = "arc";

  TabuOptions Options() const {
    TabuOptions o;
    o.time_limit_s = time_limit;
    o.max_iterations = iterations;
    o.seed = seed;
    o.stall_iterations = stall;
    o.population = population;
    o.tenure_min_factor = tenure_min;
    o.tenure_max_factor = tenure_max;
    o.attribute = ParseTabuAttribute(tabu, "--tabu");
    o.clock = ParseTabuClock(clock, "--clock");
    return o;
  }
};

// The tabu options both solve and bench take, after their own (--seed, --stall, --clock are placed apart so
// that each command's help keeps its order).
void AddTabuOptions(CLI::App* cmd, TabuArgs& t) {
  cmd->add_option("--population", t.population, "TS/PR elite pool size (0: one tabu trajectory)")
      ->capture_default_str();
  cmd->add_option("--tenure-min", t.tenure_min, "tabu tenure lower factor x (10 + n/m)")
      ->capture_default_str();
  cmd->add_option("--tenure-max", t.tenure_max, "tabu tenure upper factor x (10 + n/m)")
      ->capture_default_str();
  cmd->add_option("--tabu", t.tabu, "what a move makes tabu: arc (the adjacent pair) or pairs (all)")
      ->capture_default_str();
}

void AddSeedOption(CLI::App* cmd, TabuArgs& t) {
  cmd->add_option("--seed", t.seed, "random seed")->capture_default_str();
}

void AddStallOption(CLI::App* cmd, TabuArgs& t) {
  cmd->add_option("--stall", t.stall, "moves without improvement that end a tabu walk (0: auto)");
}

void AddClockOption(CLI::App* cmd, TabuArgs& t) {
  cmd->add_option("--clock", t.clock, "clock of the time limit: wall, or cpu (this thread's CPU time)")
      ->capture_default_str();
}

struct JsspSolveArgs {
  std::string instance, rule = "fdd/mwkr", gantt, output;
  TabuArgs tabu;
  int64_t lower_bound = 0;
  std::string neighbourhood = "n7";
  bool no_tabu = false;
};

GanttChart JsspGantt(const JsspInstance& inst, const JsspSchedule& s, const std::string& title) {
  GanttChart c;
  c.title = title;
  for (int m = 0; m < inst.num_machines; ++m) c.rows.push_back(fmt::format("M{}", m));
  for (int o = 0; o < inst.num_ops(); ++o) {
    c.bars.push_back(GanttBar{inst.machine[o], static_cast<double>(s.start[o]),
                              static_cast<double>(s.start[o] + inst.proc[o]),
                              fmt::format("J{}", inst.JobOf(o)), inst.JobOf(o)});
  }
  return c;
}

void RunJsspSolve(const JsspSolveArgs& a) {
  const JsspInstance inst = ReadJsspInstance(a.instance);
  const DispatchRule rule = ParseDispatchRule(a.rule, "--rule");
  const JsspSchedule start = ScheduleByRule(inst, rule);
  ValidateJsspSchedule(inst, start);
  JsspSchedule best = start;
  fmt::print("instance {} ({} jobs x {} machines), trivial lower bound {}\n", inst.name, inst.num_jobs,
             inst.num_machines, inst.TrivialLowerBound());
  fmt::print("{} start: makespan {}\n", DispatchRuleName(rule), start.makespan);
  if (!a.no_tabu) {
    TabuOptions o = a.tabu.Options();
    o.lower_bound = a.lower_bound;
    o.neighbourhood = ParseTabuNeighbourhood(a.neighbourhood, "--neighbourhood");
    const TabuResult r = TabuSearch(inst, start, o);
    ValidateJsspSchedule(inst, r.best);
    best = r.best;
    fmt::print(
        "tabu search: makespan {} after {} iterations ({} restarts) in {:.2f} s wall, {:.2f} s cpu; stopped "
        "by {}\n",
        r.best.makespan, r.iterations, r.restarts, r.seconds, r.cpu_seconds, r.stopped_by);
  }
  if (!a.output.empty()) {
    std::string csv = "job,operation,machine,start,finish\n";
    for (int o = 0; o < inst.num_ops(); ++o) {
      csv += fmt::format("{},{},{},{},{}\n", inst.JobOf(o), inst.IndexInJob(o), inst.machine[o],
                         best.start[o], best.start[o] + inst.proc[o]);
    }
    WriteText(csv, a.output);
  }
  if (!a.gantt.empty()) {
    WriteGanttSvg(JsspGantt(inst, best, fmt::format("{}: makespan {}", inst.name, best.makespan)), a.gantt);
  }
}

struct JsspBenchArgs {
  std::string family, data, rules = "all", output;
  TabuArgs tabu;
};

void RunJsspBenchCmd(const JsspBenchArgs& a) {
  JsspBenchOptions o;
  o.data_dir = JsspDataDir(a.data);
  o.family = a.family;
  o.rules = ParseRuleList(a.rules, "--rules");
  const double limit = a.tabu.time_limit;
  if (limit < 0 || (limit == 0 && a.tabu.iterations > 0)) {
    throw Error(fmt::format("--time-limit must be > 0 s, got {}", limit));
  }
  o.tabu = limit > 0;
  o.tabu_options = a.tabu.Options();
  o.tabu_options.time_limit_s = limit > 0 ? limit : 1;
  WriteText(FormatJsspBench(o, RunJsspBench(o)), a.output);
}

struct BlockingArgs {
  std::string target, data, rules = "all", probabilities = "0,0.05,0.1";
  int seeds = 5, max_down = 0;
};

void RunBlocking(const BlockingArgs& a) {
  if (a.seeds < 1) throw Error(fmt::format("--seeds must be >= 1, got {}", a.seeds));
  IsbjsspExperimentOptions o;
  o.rules = ParseRuleList(a.rules, "--rules");
  o.probabilities = ParseNumberList(a.probabilities, "--probabilities");
  o.seeds = a.seeds;
  o.max_down = a.max_down;
  // One instance file, or a family / class of the shared set (makespans then divided by the JSSP ub).
  std::vector<JsspBoundedInstance> instances;
  if (EndsWith(a.target, ".txt")) {
    instances.push_back({ReadJsspInstance(a.target), 0});
  } else {
    instances = ReadJsspFamily(JsspDataDir(a.data), a.target);
  }
  const IsbjsspExperimentResult r = RunIsbjsspExperiment(instances, o);
  fmt::print("ISBJSSP on {} ({} instances), {} seeds, d_max {}; mean makespan{}\n\n| rule |", a.target,
             instances.size(), a.seeds,
             a.max_down > 0 ? std::to_string(a.max_down) : "= largest processing time",
             r.ratio ? " / JSSP best upper bound" : "");
  for (double p : o.probabilities) fmt::print(" p = {:g} |", p);
  fmt::print("\n|---|");
  for (size_t i = 0; i < o.probabilities.size(); ++i) fmt::print("---|");
  fmt::print("\n");
  for (size_t i = 0; i < o.rules.size(); ++i) {
    fmt::print("| {} |", DispatchRuleName(o.rules[i]));
    for (double mean : r.mean[i]) {
      fmt::print("{}", r.ratio ? fmt::format(" {:.3f} |", mean) : fmt::format(" {:.1f} |", mean));
    }
    fmt::print("\n");
  }
}

struct JsspLearnArgs {
  std::string family, data;
  int iterations = 150, batch = 8, jobs = 10, machines = 10;
  double learning_rate = 0.1;
  std::uint64_t seed = 1;
};

void RunJsspLearn(const JsspLearnArgs& a) {
  JsspBenchOptions b;
  b.data_dir = JsspDataDir(a.data);
  b.family = a.family;
  b.rules = AllDispatchRules();
  JsspPolicyTrainOptions o;
  o.iterations = a.iterations;
  o.episodes_per_batch = a.batch;
  o.learning_rate = a.learning_rate;
  o.jobs = a.jobs;
  o.machines = a.machines;
  o.seed = a.seed;
  const JsspPolicyTrainResult r = TrainJsspPolicy(o);
  fmt::print(
      "trained on random {}x{} instances, {} iterations x {} episodes; sampled mean makespan {:.0f} -> "
      "{:.0f}\n",
      o.jobs, o.machines, o.iterations, o.episodes_per_batch, r.mean_makespan_per_iteration.front(),
      r.mean_makespan_per_iteration.back());
  fmt::print("weights:");
  const auto names = JsspPolicy::FeatureNames();
  for (int k = 0; k < JsspPolicy::kFeatures; ++k) fmt::print(" {}={:.3f}", names[k], r.policy.weights[k]);
  fmt::print(
      "\n\n| class | n | learned (greedy) | best rule per instance (Giffler-Thompson) | FDD/MWKR "
      "|\n|---|---|---|---|---|\n");
  for (const auto& c : CompareJsspPolicyByClass(b, RunJsspBench(b), r.policy)) {
    fmt::print("| {} | {} | {:.2f} % | {:.2f} % | {:.2f} % |\n", c.size_class, c.instances, c.learned,
               c.best_rule, c.last_rule);
  }
}

struct JsspExactArgs {
  std::string instance;
  double time_limit = 0;
  int64_t upper_bound = 0;
};

void RunJsspExact(const JsspExactArgs& a) {
  const JsspInstance inst = ReadJsspInstance(a.instance);
  int64_t ub = a.upper_bound;
  if (ub <= 0) {  // a horizon from a short tabu run
    TabuOptions o;
    o.max_iterations = 20000;
    o.time_limit_s = 10;
    ub = TabuSearch(inst, ScheduleByRule(inst, DispatchRule::kFddMwkr), o).best.makespan;
  }
  const JsspExactResult r = SolveJsspExact(inst, ub, a.time_limit);
  if (r.best.start.empty()) {
    fmt::print("{}: no schedule with makespan <= {} found in {:.2f} s ({} nodes){}\n", inst.name, ub,
               r.seconds, r.nodes, r.proven ? "; none exists" : "");
    return;
  }
  ValidateJsspSchedule(inst, r.best);
  fmt::print("{}: makespan {} ({}) in {:.2f} s, {} nodes, horizon {}\n", inst.name, r.best.makespan,
             r.proven ? "proven optimal" : "time limit, not proven", r.seconds, r.nodes, ub);
}

}  // namespace

void AddJsspCommands(CLI::App& app) {
  auto* jssp = app.add_subcommand("jssp", "Job shop (J||Cmax): dispatching rules and tabu search");
  jssp->require_subcommand(1);
  auto sa = std::make_shared<JsspSolveArgs>();
  auto* solve = jssp->add_subcommand(
      "solve", "Solve one instance: a rule start, then tabu search (N7, path relinking)");
  solve->add_option("INSTANCE", sa->instance, "instance file (standard format)")->required();
  solve->add_option("--time-limit", sa->tabu.time_limit, "tabu search time limit in seconds (> 0)")
      ->required();
  solve->add_option("--iterations", sa->tabu.iterations, "iteration limit (deterministic for a seed)");
  solve->add_option("--rule", sa->rule, "start rule: spt, lpt, mwkr, lwkr, mor, lor, fifo, fdd/mwkr")
      ->capture_default_str();
  AddSeedOption(solve, sa->tabu);
  solve->add_option("--lower-bound", sa->lower_bound, "stop when the makespan reaches this bound");
  AddStallOption(solve, sa->tabu);
  solve->add_option("--neighbourhood", sa->neighbourhood, "n5 or n7")->capture_default_str();
  AddClockOption(solve, sa->tabu);
  AddTabuOptions(solve, sa->tabu);
  solve->add_flag("--rule-only", sa->no_tabu, "only the dispatching rule, no tabu search");
  solve->add_option("--output,-o", sa->output, "write the schedule as CSV");
  solve->add_option("--gantt", sa->gantt, "write an SVG Gantt chart");
  solve->callback([sa] {
    const double limit = sa->tabu.time_limit;
    if (!(limit > 0)) throw Error(fmt::format("--time-limit must be > 0 s, got {}", limit));
    RunJsspSolve(*sa);
  });

  auto ba = std::make_shared<JsspBenchArgs>();
  auto* bench =
      jssp->add_subcommand("bench", "Gap table of the rules (and tabu with --time-limit) on a family");
  bench->add_option("FAMILY", ba->family, "ta, dmu, la, ft, abz, orb, swv, yn, or a class such as ta01-10")
      ->required();
  bench->add_option("--data", ba->data, kDataHelp);
  bench->add_option("--rules", ba->rules, "comma-separated rules, all or none")->capture_default_str();
  bench->add_option("--time-limit", ba->tabu.time_limit,
                    "also run tabu search with this limit per instance (s)");
  bench->add_option("--iterations", ba->tabu.iterations, "tabu iteration limit per instance");
  AddSeedOption(bench, ba->tabu);
  AddClockOption(bench, ba->tabu);
  AddStallOption(bench, ba->tabu);
  AddTabuOptions(bench, ba->tabu);
  bench->add_option("--output,-o", ba->output, "write the table here instead of stdout");
  bench->callback([ba] { RunJsspBenchCmd(*ba); });

  auto bl = std::make_shared<BlockingArgs>();
  auto* blocking =
      jssp->add_subcommand("blocking", "ISBJSSP: blocking, swaps, random machine shutdowns, rules");
  blocking
      ->add_option("TARGET", bl->target,
                   "an instance file (.txt), or a shared family/class (ft, la, ta01-10...)")
      ->required();
  blocking->add_option("--data", bl->data, kDataHelp);
  blocking->add_option("--rules", bl->rules, "comma-separated rules or all")->capture_default_str();
  blocking->add_option("--probabilities", bl->probabilities, "shutdown probabilities")->capture_default_str();
  blocking->add_option("--seeds", bl->seeds, "seeds averaged per instance")->capture_default_str();
  blocking->add_option("--max-down", bl->max_down, "d_max (0: the largest processing time)");
  blocking->callback([bl] { RunBlocking(*bl); });

  auto ex = std::make_shared<JsspExactArgs>();
  auto* exact =
      jssp->add_subcommand("exact", "Exact branch and bound with Gecode (when built with libgecode-dev)");
  exact->add_option("INSTANCE", ex->instance, "instance file")->required();
  exact->add_option("--time-limit", ex->time_limit, "seconds (> 0)")->required();
  exact->add_option("--upper-bound", ex->upper_bound, "horizon (default: a 20,000-move tabu search)");
  exact->callback([ex] { RunJsspExact(*ex); });

  auto le = std::make_shared<JsspLearnArgs>();
  auto* learn =
      jssp->add_subcommand("learn", "Train a linear dispatcher by REINFORCE; gaps on a family vs the rules");
  learn->add_option("FAMILY", le->family, "shared family or class to evaluate on (ta, ta01-10, dmu, ...)")
      ->required();
  learn->add_option("--data", le->data, kDataHelp);
  learn->add_option("--iterations", le->iterations, "gradient steps")->capture_default_str();
  learn->add_option("--batch", le->batch, "episodes per step (same random instance)")->capture_default_str();
  learn->add_option("--learning-rate", le->learning_rate, "step size")->capture_default_str();
  learn->add_option("--train-jobs", le->jobs, "jobs of the random training instances")->capture_default_str();
  learn->add_option("--train-machines", le->machines, "machines of the random training instances")
      ->capture_default_str();
  learn->add_option("--seed", le->seed, "training seed")->capture_default_str();
  learn->callback([le] { RunJsspLearn(*le); });
}

}  // namespace schedkit::cli
