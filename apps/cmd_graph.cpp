// CLI subcommands of the graph module: dag (static DAG scheduling), jssp (job shop), soc (SoC simulator).
#include <fmt/core.h>

#include <chrono>
#include <fstream>
#include <memory>

#include "commands.h"
#include "schedkit/graph/dag_output.h"
#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/isbjssp.h"
#include "schedkit/graph/jssp_bench.h"
#include "schedkit/graph/jssp_exact.h"
#include "schedkit/graph/jssp_policy.h"
#include "schedkit/graph/list_scheduling.h"
#include "schedkit/graph/soc_policy.h"
#include "schedkit/graph/soc_sim.h"
#include "schedkit/graph/soc_table.h"
#include "schedkit/util/error.h"

namespace schedkit::cli {

namespace {

using namespace schedkit::graph;

void WriteText(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    fmt::print("{}", text);
    return;
  }
  std::ofstream out(path);
  if (!out) throw Error(fmt::format("cannot write '{}'", path));
  out << text;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  return out;
}

double ParseNumberFlag(const std::string& text, const char* flag) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("{}: '{}' is not a number", flag, text));
}

struct DagScheduleArgs {
  std::string job, soc, algo = "heft", format = "csv", output, gantt;
  int procs = 0;
};

void RunDagSchedule(const DagScheduleArgs& a) {
  Problem p;
  if (EndsWith(a.job, ".stg")) {
    if (a.procs < 1) throw Error("--procs N (>= 1) is required for an STG graph (identical processors)");
    p = ReadStg(a.job, a.procs);
  } else {
    if (a.soc.empty()) throw Error("--soc SOC is required for a DS3 job file");
    p = MakeProblem(ReadDs3Job(a.job), ReadDs3Soc(a.soc));
  }
  const DagSchedule s = ScheduleDag(p, ParseDagAlgorithm(a.algo));
  ValidateSchedule(p, s);  // never print a schedule that breaks a rule
  if (a.format == "csv") {
    WriteText(DagScheduleCsv(p, s), a.output);
  } else if (a.format == "json") {
    WriteText(DagScheduleJson(p, s), a.output);
  } else {
    throw Error(fmt::format("unknown --format '{}' (valid: csv, json)", a.format));
  }
  if (!a.gantt.empty()) WriteGanttSvg(DagGantt(p, s), a.gantt);
  fmt::print(stderr, "{}: {} makespan {:g} on {} processors\n", p.graph.name, s.algorithm, s.makespan,
             p.num_procs());
}

void AddDagCommands(CLI::App& app) {
  auto* dag = app.add_subcommand("dag", "Static scheduling of a task graph on heterogeneous processors");
  dag->require_subcommand(1);
  auto args = std::make_shared<DagScheduleArgs>();
  auto* sched = dag->add_subcommand("schedule", "Schedule a DS3 job (or an STG graph) with a list scheduler");
  sched->add_option("JOB", args->job, "DS3/gym_ds3 job file, or a .stg file")->required();
  sched->add_option("--soc", args->soc, "DS3/gym_ds3 SoC resource file");
  sched->add_option("--procs", args->procs, "number of identical processors (STG input)");
  sched->add_option("--algo", args->algo, "heft | cpop | peft | met | etf")->capture_default_str();
  sched->add_option("--format", args->format, "csv | json")->capture_default_str();
  sched->add_option("--output,-o", args->output, "write the schedule here instead of stdout");
  sched->add_option("--gantt", args->gantt, "write an SVG Gantt chart");
  sched->callback([args] { RunDagSchedule(*args); });
}

// TS/PR elite pool size used by the CLI unless --population says otherwise (0: one trajectory).
constexpr int kDefaultPopulation = 10;

struct JsspSolveArgs {
  std::string instance, rule = "fdd/mwkr", gantt, output;
  double time_limit = 0;
  long long iterations = -1;
  std::uint64_t seed = 1;
  long long lower_bound = 0;
  int stall = 0, population = kDefaultPopulation;
  double tenure_min = TabuOptions{}.tenure_min_factor, tenure_max = TabuOptions{}.tenure_max_factor;
  std::string neighbourhood = "n7", clock = "wall", tabu = "arc";
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
  const DispatchRule rule = ParseDispatchRule(a.rule);
  const JsspSchedule start = ScheduleByRule(inst, rule);
  ValidateJsspSchedule(inst, start);
  JsspSchedule best = start;
  fmt::print("instance {} ({} jobs x {} machines), trivial lower bound {}\n", inst.name, inst.num_jobs,
             inst.num_machines, inst.TrivialLowerBound());
  fmt::print("{} start: makespan {}\n", DispatchRuleName(rule), start.makespan);
  if (!a.no_tabu) {
    TabuOptions o;
    o.time_limit_s = a.time_limit;
    o.max_iterations = a.iterations;
    o.seed = a.seed;
    o.lower_bound = a.lower_bound;
    o.stall_iterations = a.stall;
    o.population = a.population;
    o.tenure_min_factor = a.tenure_min;
    o.tenure_max_factor = a.tenure_max;
    o.attribute = ParseTabuAttribute(a.tabu);
    o.clock = ParseTabuClock(a.clock);
    if (a.neighbourhood == "n5") {
      o.neighbourhood = TabuNeighbourhood::kN5;
    } else if (a.neighbourhood != "n7") {
      throw Error(fmt::format("unknown --neighbourhood '{}' (valid: n5, n7)", a.neighbourhood));
    }
    const TabuResult r = TabuSearch(inst, start, o);
    ValidateJsspSchedule(inst, r.best);
    best = r.best;
    fmt::print(
        "tabu search: makespan {} after {} iterations ({} restarts) in {:.2f} s wall, {:.2f} s cpu; stopped "
        "by "
        "{}\n",
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
  std::string family, data, rules = "all", output, clock = "wall";
  double time_limit = 0;
  long long iterations = -1;
  std::uint64_t seed = 1;
  int stall = 0, population = kDefaultPopulation;
  double tenure_min = TabuOptions{}.tenure_min_factor, tenure_max = TabuOptions{}.tenure_max_factor;
  std::string tabu = "arc";
};

void RunJsspBenchCmd(const JsspBenchArgs& a) {
  JsspBenchOptions o;
  o.data_dir = a.data.empty() ? std::string(SCHEDKIT_SOURCE_DIR) + "/../shared/data/jssp" : a.data;
  o.family = a.family;
  if (a.rules == "all") {
    o.rules = AllDispatchRules();
  } else if (a.rules != "none") {
    std::string name;
    for (size_t i = 0; i <= a.rules.size(); ++i) {
      if (i == a.rules.size() || a.rules[i] == ',') {
        o.rules.push_back(ParseDispatchRule(name));
        name.clear();
      } else {
        name += a.rules[i];
      }
    }
  }
  if (a.time_limit < 0 || (a.time_limit == 0 && a.iterations > 0)) {
    throw Error(fmt::format("--time-limit must be > 0 s, got {}", a.time_limit));
  }
  o.tabu = a.time_limit > 0;
  o.tabu_options.time_limit_s = a.time_limit > 0 ? a.time_limit : 1;
  o.tabu_options.max_iterations = a.iterations;
  o.tabu_options.seed = a.seed;
  o.tabu_options.clock = ParseTabuClock(a.clock);
  o.tabu_options.stall_iterations = a.stall;
  o.tabu_options.population = a.population;
  o.tabu_options.tenure_min_factor = a.tenure_min;
  o.tabu_options.tenure_max_factor = a.tenure_max;
  o.tabu_options.attribute = ParseTabuAttribute(a.tabu);
  const auto rows = RunJsspBench(o);
  const std::string table = FormatJsspBench(o, rows);
  WriteText(table, a.output);
}

struct BlockingArgs {
  std::string target, data, rules = "all", probabilities = "0,0.05,0.1";
  int seeds = 5, max_down = 0;
};

void RunBlocking(const BlockingArgs& a) {
  if (a.seeds < 1) throw Error(fmt::format("--seeds must be >= 1, got {}", a.seeds));
  std::vector<DispatchRule> rules;
  if (a.rules == "all") {
    rules = AllDispatchRules();
  } else {
    for (const auto& r : SplitCommas(a.rules)) rules.push_back(ParseDispatchRule(r));
  }
  std::vector<double> probs;
  for (const auto& p : SplitCommas(a.probabilities)) probs.push_back(ParseNumberFlag(p, "--probabilities"));
  // One instance file, or a family / class of the shared set (makespans then divided by the JSSP ub).
  std::vector<std::pair<JsspInstance, long long>> instances;
  if (EndsWith(a.target, ".txt")) {
    instances.push_back({ReadJsspInstance(a.target), 0});
  } else {
    const std::string dir =
        a.data.empty() ? std::string(SCHEDKIT_SOURCE_DIR) + "/../shared/data/jssp" : a.data;
    for (const auto& [name, b] : ReadJsspBounds(dir + "/bounds.csv")) {
      if (b.family == a.target || SizeClass(name, b.family) == a.target) {
        instances.push_back({ReadJsspInstance(dir + "/instances/" + name + ".txt"), b.ub});
      }
    }
    if (instances.empty()) throw Error(fmt::format("no shared instance in family or class '{}'", a.target));
  }
  const bool ratio = instances.front().second > 0;
  fmt::print("ISBJSSP on {} ({} instances), {} seeds, d_max {}; mean makespan{}\n\n| rule |", a.target,
             instances.size(), a.seeds,
             a.max_down > 0 ? std::to_string(a.max_down) : "= largest processing time",
             ratio ? " / JSSP best upper bound" : "");
  for (double p : probs) fmt::print(" p = {:g} |", p);
  fmt::print("\n|---|");
  for (size_t i = 0; i < probs.size(); ++i) fmt::print("---|");
  fmt::print("\n");
  for (DispatchRule r : rules) {
    fmt::print("| {} |", DispatchRuleName(r));
    for (double p : probs) {
      double sum = 0;
      for (const auto& [inst, ub] : instances) {
        for (int s = 1; s <= a.seeds; ++s) {
          IsbjsspOptions o;
          o.rule = r;
          o.shutdown_probability = p;
          o.max_down = a.max_down;
          o.seed = static_cast<std::uint64_t>(s);
          const IsbjsspResult res = SimulateIsbjssp(inst, o);
          const auto v = FindIsbjsspViolations(inst, res);
          if (!v.empty())
            throw Error(fmt::format("internal: invalid ISBJSSP schedule for {}: {}", inst.name, v[0]));
          sum += ratio ? static_cast<double>(res.makespan) / static_cast<double>(ub)
                       : static_cast<double>(res.makespan);
        }
      }
      const double mean = sum / static_cast<double>(instances.size() * a.seeds);
      fmt::print("{}", ratio ? fmt::format(" {:.3f} |", mean) : fmt::format(" {:.1f} |", mean));
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
  JsspBenchOptions b;
  b.data_dir = a.data.empty() ? std::string(SCHEDKIT_SOURCE_DIR) + "/../shared/data/jssp" : a.data;
  b.family = a.family;
  b.rules = AllDispatchRules();
  const auto rows = RunJsspBench(b);
  fmt::print(
      "\n\n| class | n | learned (greedy) | best rule per instance (Giffler-Thompson) | FDD/MWKR "
      "|\n|---|---|---|---|---|\n");
  std::vector<std::string> classes;
  for (const auto& row : rows) {
    if (std::find(classes.begin(), classes.end(), row.size_class) == classes.end())
      classes.push_back(row.size_class);
  }
  for (const auto& c : classes) {
    double learned = 0, best = 0, fdd = 0;
    int n = 0;
    for (const auto& row : rows) {
      if (row.size_class != c) continue;
      const JsspInstance inst = ReadJsspInstance(b.data_dir + "/instances/" + row.instance + ".txt");
      learned += GapPercent(EvaluateJsspPolicy(inst, r.policy), row.ub);
      best += GapPercent(*std::min_element(row.rule_makespan.begin(), row.rule_makespan.end()), row.ub);
      fdd += GapPercent(row.rule_makespan.back(), row.ub);
      ++n;
    }
    fmt::print("| {} | {} | {:.2f} % | {:.2f} % | {:.2f} % |\n", c, n, learned / n, best / n, fdd / n);
  }
}

struct JsspExactArgs {
  std::string instance;
  double time_limit = 0;
  long long upper_bound = 0;
};

void RunJsspExact(const JsspExactArgs& a) {
  const JsspInstance inst = ReadJsspInstance(a.instance);
  long long ub = a.upper_bound;
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

void AddJsspCommands(CLI::App& app) {
  auto* jssp = app.add_subcommand("jssp", "Job shop (J||Cmax): dispatching rules and tabu search");
  jssp->require_subcommand(1);
  auto sa = std::make_shared<JsspSolveArgs>();
  auto* solve = jssp->add_subcommand(
      "solve", "Solve one instance: a rule start, then tabu search (N7, path relinking)");
  solve->add_option("INSTANCE", sa->instance, "instance file (standard format)")->required();
  solve->add_option("--time-limit", sa->time_limit, "tabu search time limit in seconds (> 0)")->required();
  solve->add_option("--iterations", sa->iterations, "iteration limit (deterministic for a seed)");
  solve->add_option("--rule", sa->rule, "start rule: spt, lpt, mwkr, lwkr, mor, lor, fifo, fdd/mwkr")
      ->capture_default_str();
  solve->add_option("--seed", sa->seed, "random seed")->capture_default_str();
  solve->add_option("--lower-bound", sa->lower_bound, "stop when the makespan reaches this bound");
  solve->add_option("--stall", sa->stall, "moves without improvement that end a tabu walk (0: auto)");
  solve->add_option("--neighbourhood", sa->neighbourhood, "n5 or n7")->capture_default_str();
  solve->add_option("--clock", sa->clock, "clock of the time limit: wall, or cpu (this thread's CPU time)")
      ->capture_default_str();
  solve->add_option("--population", sa->population, "TS/PR elite pool size (0: one tabu trajectory)")
      ->capture_default_str();
  solve->add_option("--tenure-min", sa->tenure_min, "tabu tenure lower factor x (10 + n/m)")
      ->capture_default_str();
  solve->add_option("--tenure-max", sa->tenure_max, "tabu tenure upper factor x (10 + n/m)")
      ->capture_default_str();
  solve->add_option("--tabu", sa->tabu, "what a move makes tabu: arc (the adjacent pair) or pairs (all)")
      ->capture_default_str();
  solve->add_flag("--rule-only", sa->no_tabu, "only the dispatching rule, no tabu search");
  solve->add_option("--output,-o", sa->output, "write the schedule as CSV");
  solve->add_option("--gantt", sa->gantt, "write an SVG Gantt chart");
  solve->callback([sa] {
    if (!(sa->time_limit > 0)) throw Error(fmt::format("--time-limit must be > 0 s, got {}", sa->time_limit));
    RunJsspSolve(*sa);
  });

  auto ba = std::make_shared<JsspBenchArgs>();
  auto* bench =
      jssp->add_subcommand("bench", "Gap table of the rules (and tabu with --time-limit) on a family");
  bench->add_option("FAMILY", ba->family, "ta, dmu, la, ft, abz, orb, swv, yn, or a class such as ta01-10")
      ->required();
  bench->add_option("--data", ba->data,
                    "folder with instances/ and bounds.csv (default ../shared/data/jssp)");
  bench->add_option("--rules", ba->rules, "comma-separated rules, all or none")->capture_default_str();
  bench->add_option("--time-limit", ba->time_limit, "also run tabu search with this limit per instance (s)");
  bench->add_option("--iterations", ba->iterations, "tabu iteration limit per instance");
  bench->add_option("--seed", ba->seed, "random seed")->capture_default_str();
  bench->add_option("--clock", ba->clock, "clock of the time limit: wall, or cpu (this thread's CPU time)")
      ->capture_default_str();
  bench->add_option("--stall", ba->stall, "moves without improvement that end a tabu walk (0: auto)");
  bench->add_option("--population", ba->population, "TS/PR elite pool size (0: one tabu trajectory)")
      ->capture_default_str();
  bench->add_option("--tenure-min", ba->tenure_min, "tabu tenure lower factor x (10 + n/m)")
      ->capture_default_str();
  bench->add_option("--tenure-max", ba->tenure_max, "tabu tenure upper factor x (10 + n/m)")
      ->capture_default_str();
  bench->add_option("--tabu", ba->tabu, "what a move makes tabu: arc (the adjacent pair) or pairs (all)")
      ->capture_default_str();
  bench->add_option("--output,-o", ba->output, "write the table here instead of stdout");
  bench->callback([ba] { RunJsspBenchCmd(*ba); });

  auto bl = std::make_shared<BlockingArgs>();
  auto* blocking =
      jssp->add_subcommand("blocking", "ISBJSSP: blocking, swaps, random machine shutdowns, rules");
  blocking
      ->add_option("TARGET", bl->target,
                   "an instance file (.txt), or a shared family/class (ft, la, ta01-10...)")
      ->required();
  blocking->add_option("--data", bl->data,
                       "folder with instances/ and bounds.csv (default ../shared/data/jssp)");
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
  learn->add_option("--data", le->data,
                    "folder with instances/ and bounds.csv (default ../shared/data/jssp)");
  learn->add_option("--iterations", le->iterations, "gradient steps")->capture_default_str();
  learn->add_option("--batch", le->batch, "episodes per step (same random instance)")->capture_default_str();
  learn->add_option("--learning-rate", le->learning_rate, "step size")->capture_default_str();
  learn->add_option("--train-jobs", le->jobs, "jobs of the random training instances")->capture_default_str();
  learn->add_option("--train-machines", le->machines, "machines of the random training instances")
      ->capture_default_str();
  learn->add_option("--seed", le->seed, "training seed")->capture_default_str();
  learn->callback([le] { RunJsspLearn(*le); });
}

struct SocSimulateArgs {
  std::string soc, jobs, probabilities, scheduler = "etf", scales = "100", table = "opt";
  long long table_evaluations = SocTableSearchOptions{}.max_evaluations;
  long long table_nodes = SocTableSearchOptions{}.max_nodes;
  bool table_min_work = false;
  bool fixed = false;
  int max_parallel = 12;
  long long max_jobs = 100, warmup = 0;
  double noise = 0;
  std::uint64_t seed = 1;
};

void RunSocSimulate(const SocSimulateArgs& a) {
  const Ds3Soc soc = ReadDs3Soc(a.soc);
  SocSimConfig c;
  for (const auto& j : SplitCommas(a.jobs)) c.apps.push_back(ReadDs3Job(j));
  if (c.apps.empty()) throw Error("--jobs: give at least one job file");
  for (const auto& p : SplitCommas(a.probabilities))
    c.probabilities.push_back(ParseNumberFlag(p, "--probabilities"));
  c.fixed_injection = a.fixed;
  c.max_jobs_in_parallel = a.max_parallel;
  c.max_jobs = a.max_jobs;
  c.warmup_us = a.warmup;
  c.noise_sigma = a.noise;
  c.seed = a.seed;
  c.table_source = ParseSocTableSource(a.table);
  c.table_search.max_evaluations = a.table_evaluations;
  c.table_search.max_nodes = a.table_nodes;
  c.table_search.minimise_work = a.table_min_work;
  std::vector<SocScheduler> schedulers;
  for (const auto& s : SplitCommas(a.scheduler)) schedulers.push_back(ParseSocScheduler(s));
  if (schedulers.empty()) throw Error("--scheduler: give at least one scheduler");
  std::vector<double> scales;
  for (const auto& sc : SplitCommas(a.scales)) {
    scales.push_back(ParseNumberFlag(sc, "--scale"));
    if (!(scales.back() > 0)) throw Error(fmt::format("--scale must be > 0 us, got {}", sc));
  }
  fmt::print("soc {} ({} PEs), {} job type(s), {} jobs, max {} in parallel, noise sigma {:g}, seed {}\n",
             a.soc, soc.num_pes() - 1, c.apps.size(), c.max_jobs, c.max_jobs_in_parallel, c.noise_sigma,
             c.seed);
  fmt::print(
      "| scheduler | scale (us) | injection (jobs/ms) | avg job time (us) | throughput (jobs/ms) | mean PE "
      "utilisation |\n|---|---|---|---|---|---|\n");
  for (SocScheduler s : schedulers) {
    for (double scale : scales) {
      c.scheduler = s;
      c.scale_us = scale;
      const SocSimResult r = SimulateSoc(soc, c);
      double util = 0;
      for (double u : r.pe_utilisation) util += u;
      util /= static_cast<double>(std::max<size_t>(1, r.pe_utilisation.size()));
      fmt::print("| {} | {:g} | {:.3f} | {:.2f} | {:.3f} | {:.3f} |\n", SocSchedulerName(s), c.scale_us,
                 r.injection_rate_jobs_per_ms, r.avg_job_time_us, r.throughput_jobs_per_ms, util);
    }
  }
}

struct SocLearnArgs {
  SocSimulateArgs sim;
  int iterations = 100, batch = 4, eval_episodes = 10;
  double learning_rate = 0.2;
};

void RunSocLearn(const SocLearnArgs& a) {
  const Ds3Soc soc = ReadDs3Soc(a.sim.soc);
  SocSimConfig c;
  for (const auto& j : SplitCommas(a.sim.jobs)) c.apps.push_back(ReadDs3Job(j));
  if (c.apps.empty()) throw Error("--jobs: give at least one job file");
  for (const auto& p : SplitCommas(a.sim.probabilities)) {
    c.probabilities.push_back(ParseNumberFlag(p, "--probabilities"));
  }
  c.scale_us = ParseNumberFlag(a.sim.scales, "--scale");
  c.fixed_injection = a.sim.fixed;
  c.max_jobs_in_parallel = a.sim.max_parallel;
  c.max_jobs = a.sim.max_jobs;
  c.warmup_us = a.sim.warmup;
  c.noise_sigma = a.sim.noise;
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
  double learned = 0;
  std::vector<double> base(3, 0.0);
  const SocScheduler baselines[] = {SocScheduler::kEtf, SocScheduler::kHeftRt, SocScheduler::kMet};
  for (int e = 0; e < a.eval_episodes; ++e) {
    const std::uint64_t seed = 1000 + static_cast<std::uint64_t>(e);
    learned += EvaluateSocPolicy(soc, c, r.policy, seed) / a.eval_episodes;
    for (int b = 0; b < 3; ++b) {
      SocSimConfig cb = c;
      cb.seed = seed;
      cb.scheduler = baselines[b];
      base[b] += SimulateSoc(soc, cb).avg_job_time_us / a.eval_episodes;
    }
  }
  fmt::print("| learned (greedy) | {:.2f} |\n", learned);
  for (int b = 0; b < 3; ++b) fmt::print("| {} | {:.2f} |\n", SocSchedulerName(baselines[b]), base[b]);
}

struct SocTableArgs {
  std::string soc, jobs;
  long long evaluations = SocTableSearchOptions{}.max_evaluations, nodes = SocTableSearchOptions{}.max_nodes;
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
  for (const auto& file : SplitCommas(a.jobs)) {
    const Problem p = MakeProblem(ReadDs3Job(file), soc);
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

}  // namespace

void AddGraphCommands(CLI::App& app) {
  AddSocCommands(app);
  AddDagCommands(app);
  AddJsspCommands(app);
}

}  // namespace schedkit::cli
