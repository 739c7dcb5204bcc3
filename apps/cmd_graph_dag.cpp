// schedkit dag: static scheduling of a task graph (DS3 job or STG graph) with a list scheduler.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "cmd_graph_common.h"
#include "schedkit/graph/dag_output.h"
#include "schedkit/graph/ds3_format.h"
#include "schedkit/graph/list_scheduling.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::cli {

namespace {

using namespace schedkit::graph;

enum class DagFormat { kCsv, kJson };
constexpr util::NamedValue<DagFormat> kFormats[] = {{"csv", DagFormat::kCsv}, {"json", DagFormat::kJson}};

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
  const DagSchedule s = ScheduleDag(p, ParseDagAlgorithm(a.algo, "--algo"));
  ValidateSchedule(p, s);  // never print a schedule that breaks a rule
  const DagFormat format = util::ParseEnum<DagFormat>(a.format, "--format", kFormats);
  WriteText(format == DagFormat::kCsv ? DagScheduleCsv(p, s) : DagScheduleJson(p, s), a.output);
  if (!a.gantt.empty()) WriteGanttSvg(DagGantt(p, s), a.gantt);
  fmt::print(stderr, "{}: {} makespan {:g} on {} processors\n", p.graph.name, s.algorithm, s.makespan,
             p.num_procs());
}

}  // namespace

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

}  // namespace schedkit::cli
