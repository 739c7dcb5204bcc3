// CLI subcommands of the graph module: dag (static DAG scheduling), jssp (job shop), soc (SoC simulator).
#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "commands.h"
#include "schedkit/graph/dag_output.h"
#include "schedkit/graph/ds3_format.h"
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

}  // namespace

void AddGraphCommands(CLI::App& app) { AddDagCommands(app); }

}  // namespace schedkit::cli
