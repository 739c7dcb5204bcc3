// CLI subcommands of the graph module: dag (static DAG scheduling), jssp (job shop), soc (SoC simulator).
#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "commands.h"
#include "schedkit/graph/dag_output.h"
#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/jssp_bench.h"
#include "schedkit/graph/list_scheduling.h"
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

struct JsspSolveArgs {
  std::string instance, rule = "fdd/mwkr", gantt, output;
  double time_limit = 0;
  long long iterations = -1;
  std::uint64_t seed = 1;
  long long lower_bound = 0;
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
    const TabuResult r = TabuSearch(inst, start, o);
    ValidateJsspSchedule(inst, r.best);
    best = r.best;
    fmt::print("tabu search: makespan {} after {} iterations ({} restarts) in {:.2f} s; stopped by {}\n",
               r.best.makespan, r.iterations, r.restarts, r.seconds, r.stopped_by);
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
  double time_limit = 0;
  long long iterations = -1;
  std::uint64_t seed = 1;
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
  const auto rows = RunJsspBench(o);
  const std::string table = FormatJsspBench(o, rows);
  WriteText(table, a.output);
}

void AddJsspCommands(CLI::App& app) {
  auto* jssp = app.add_subcommand("jssp", "Job shop (J||Cmax): dispatching rules and tabu search");
  jssp->require_subcommand(1);
  auto sa = std::make_shared<JsspSolveArgs>();
  auto* solve = jssp->add_subcommand("solve", "Solve one instance: a rule start, then tabu search (N5)");
  solve->add_option("INSTANCE", sa->instance, "instance file (standard format)")->required();
  solve->add_option("--time-limit", sa->time_limit, "tabu search time limit in seconds (> 0)")->required();
  solve->add_option("--iterations", sa->iterations, "iteration limit (deterministic for a seed)");
  solve->add_option("--rule", sa->rule, "start rule: spt, lpt, mwkr, lwkr, mor, lor, fifo, fdd/mwkr")
      ->capture_default_str();
  solve->add_option("--seed", sa->seed, "random seed")->capture_default_str();
  solve->add_option("--lower-bound", sa->lower_bound, "stop when the makespan reaches this bound");
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
  bench->add_option("--output,-o", ba->output, "write the table here instead of stdout");
  bench->callback([ba] { RunJsspBenchCmd(*ba); });
}

}  // namespace

void AddGraphCommands(CLI::App& app) {
  AddDagCommands(app);
  AddJsspCommands(app);
}

}  // namespace schedkit::cli
