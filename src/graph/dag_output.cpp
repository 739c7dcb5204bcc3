#include "schedkit/graph/dag_output.h"

#include <fmt/core.h>

#include <nlohmann/json.hpp>

namespace schedkit::graph {

std::string DagScheduleCsv(const Problem& p, const DagSchedule& s) {
  std::string out = "task_id,task,processor,start,finish\n";
  for (int t = 0; t < p.num_tasks(); ++t) {
    const Placement& pl = s.tasks[t];
    out += fmt::format("{},{},{},{:g},{:g}\n", t, p.graph.task_names[t],
                       pl.proc >= 0 ? p.proc_names[pl.proc] : "", pl.start, pl.finish);
  }
  return out;
}

std::string DagScheduleJson(const Problem& p, const DagSchedule& s) {
  nlohmann::json j;
  j["graph"] = p.graph.name;
  j["algorithm"] = s.algorithm;
  j["makespan"] = s.makespan;
  j["processors"] = p.proc_names;
  auto& tasks = j["tasks"] = nlohmann::json::array();
  for (int t = 0; t < p.num_tasks(); ++t) {
    const Placement& pl = s.tasks[t];
    tasks.push_back({{"id", t},
                     {"name", p.graph.task_names[t]},
                     {"processor", pl.proc >= 0 ? p.proc_names[pl.proc] : ""},
                     {"start", pl.start},
                     {"finish", pl.finish}});
  }
  return j.dump(2) + "\n";
}

GanttChart DagGantt(const Problem& p, const DagSchedule& s) {
  GanttChart c;
  c.title = fmt::format("{}: {} schedule, makespan {:g}", p.graph.name, s.algorithm, s.makespan);
  c.rows = p.proc_names;
  for (int t = 0; t < p.num_tasks(); ++t) {
    const Placement& pl = s.tasks[t];
    if (pl.proc < 0) continue;
    c.bars.push_back(GanttBar{pl.proc, pl.start, pl.finish, p.graph.task_names[t], t});
  }
  return c;
}

}  // namespace schedkit::graph
