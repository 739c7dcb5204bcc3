#include "schedkit/graph/dag_schedule.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {
// Times are sums of the input numbers; allow rounding noise relative to their size.
bool Before(double a, double b) { return a < b - 1e-9 * std::max(1.0, std::fabs(b)); }
}  // namespace

std::vector<std::string> FindViolations(const Problem& problem, const DagSchedule& s) {
  std::vector<std::string> out;
  const auto& g = problem.graph;
  const int n = problem.num_tasks();
  if (static_cast<int>(s.tasks.size()) != n) {
    out.push_back(fmt::format("the schedule has {} tasks, the graph {}", s.tasks.size(), n));
    return out;
  }
  bool placed_all = true;
  for (int t = 0; t < n; ++t) {
    const Placement& pl = s.tasks[t];
    if (pl.proc < 0 || pl.proc >= problem.num_procs()) {
      out.push_back(fmt::format("task {}({}) is not placed on a processor", g.task_names[t], t));
      placed_all = false;
      continue;
    }
    if (!problem.CanRun(t, pl.proc)) {
      out.push_back(fmt::format("task {}({}) is on {}, which cannot run it", g.task_names[t], t,
                                problem.proc_names[pl.proc]));
      continue;
    }
    const double dur = problem.Cost(t, pl.proc);
    if (pl.start < 0 || std::fabs(pl.finish - pl.start - dur) > 1e-9 * std::max(1.0, dur)) {
      out.push_back(fmt::format("task {}({}) runs [{}, {}) but costs {} on {}", g.task_names[t], t, pl.start,
                                pl.finish, dur, problem.proc_names[pl.proc]));
    }
  }
  if (!placed_all) return out;
  double makespan = 0.0;
  for (int t = 0; t < n; ++t) {
    makespan = std::max(makespan, s.tasks[t].finish);
    for (const Arc& a : g.preds[t]) {
      const Placement& pp = s.tasks[a.task];
      const double ready = pp.finish + problem.CommTime(a.volume, pp.proc, s.tasks[t].proc);
      if (Before(s.tasks[t].start, ready)) {
        out.push_back(fmt::format("task {}({}) starts at {} before the data of {}({}) arrives at {}",
                                  g.task_names[t], t, s.tasks[t].start, g.task_names[a.task], a.task, ready));
      }
    }
  }
  std::vector<std::vector<int>> on(problem.num_procs());
  for (int t = 0; t < n; ++t) on[s.tasks[t].proc].push_back(t);
  for (int p = 0; p < problem.num_procs(); ++p) {
    auto& v = on[p];
    std::sort(v.begin(), v.end(), [&](int a, int b) {
      return s.tasks[a].start != s.tasks[b].start ? s.tasks[a].start < s.tasks[b].start
                                                  : s.tasks[a].finish < s.tasks[b].finish;
    });
    for (size_t k = 1; k < v.size(); ++k) {
      if (Before(s.tasks[v[k]].start, s.tasks[v[k - 1]].finish)) {
        out.push_back(fmt::format("tasks {}({}) and {}({}) overlap on {}", g.task_names[v[k - 1]], v[k - 1],
                                  g.task_names[v[k]], v[k], problem.proc_names[p]));
      }
    }
  }
  if (std::fabs(makespan - s.makespan) > 1e-9 * std::max(1.0, makespan)) {
    out.push_back(fmt::format("the makespan is {} but the last task finishes at {}", s.makespan, makespan));
  }
  return out;
}

void ValidateSchedule(const Problem& problem, const DagSchedule& schedule) {
  const auto v = FindViolations(problem, schedule);
  if (v.empty()) return;
  std::string msg = fmt::format("invalid {} schedule of '{}' ({} violations):", schedule.algorithm,
                                problem.graph.name, v.size());
  for (size_t i = 0; i < v.size() && i < 5; ++i) msg += "\n  " + v[i];
  throw Error(msg);
}

std::vector<double> Utilisation(const Problem& problem, const DagSchedule& s) {
  std::vector<double> busy(problem.num_procs(), 0.0);
  for (const Placement& pl : s.tasks) {
    if (pl.proc >= 0) busy[pl.proc] += pl.finish - pl.start;
  }
  for (double& b : busy) b = s.makespan > 0 ? b / s.makespan : 0.0;
  return busy;
}

}  // namespace schedkit::graph
