#include "schedkit/graph/soc_table.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <tuple>

#include "schedkit/graph/list_scheduling.h"
#include "schedkit/util/error.h"
#include "soc_table_model.h"

namespace schedkit::graph {

using namespace soc_table_detail;

SocTableTiming ReplaySocTable(const Problem& p, const SocTable& table) {
  const int n = p.num_tasks(), q = p.num_procs();
  if (static_cast<int>(table.pe.size()) != n || static_cast<int>(table.order.size()) != n) {
    throw Error(fmt::format("schedule table for '{}': {} PEs and {} orders for {} tasks", p.graph.name,
                            table.pe.size(), table.order.size(), n));
  }
  std::vector<std::vector<int>> on_pe(q);
  for (int t = 0; t < n; ++t) {
    const int r = table.pe[t];
    if (r < 0 || r >= q)
      throw Error(fmt::format("schedule table: task {} on PE {} (valid 0..{})", t, r, q - 1));
    if (!p.CanRun(t, r)) {
      throw Error(fmt::format("schedule table: task {} ({}) cannot run on {}", t, p.graph.task_names[t],
                              p.proc_names[r]));
    }
    on_pe[r].push_back(t);
  }
  std::vector<int> next_on_pe(n, -1);
  std::vector<int> indeg(n, 0);
  for (int r = 0; r < q; ++r) {
    auto& v = on_pe[r];
    std::sort(v.begin(), v.end(), [&](int a, int b) { return table.order[a] < table.order[b]; });
    for (int i = 0; i < static_cast<int>(v.size()); ++i) {
      if (table.order[v[i]] != i) {
        throw Error(fmt::format("schedule table: the orders on {} are not 0..{} (task {} has {})",
                                p.proc_names[r], v.size() - 1, v[i], table.order[v[i]]));
      }
      if (i > 0) {
        next_on_pe[v[i - 1]] = v[i];
        ++indeg[v[i]];
      }
    }
  }
  for (int t = 0; t < n; ++t) indeg[t] += static_cast<int>(p.graph.preds[t].size());
  // Kahn over precedence + PE order arcs gives a processing order, or shows a deadlock.
  std::vector<int> list, stack;
  for (int t = n - 1; t >= 0; --t)
    if (indeg[t] == 0) stack.push_back(t);
  while (!stack.empty()) {
    const int t = stack.back();
    stack.pop_back();
    list.push_back(t);
    auto release = [&](int s) {
      if (--indeg[s] == 0) stack.push_back(s);
    };
    for (const Arc& a : p.graph.succs[t]) release(a.task);
    if (next_on_pe[t] >= 0) release(next_on_pe[t]);
  }
  if (static_cast<int>(list.size()) != n) {
    int stuck = 0;
    while (indeg[stuck] == 0) ++stuck;
    throw Error(fmt::format(
        "schedule table deadlocks: the PE orders contradict the precedence (task {} ({}) on {} never starts)",
        stuck, p.graph.task_names[stuck], p.proc_names[table.pe[stuck]]));
  }
  const TableModel m(p);
  SocTableTiming timing;
  timing.finish.assign(n, 0);
  std::vector<int64_t> pe_free(q, 0);
  timing.makespan = EvaluateList(m, list, table.pe, timing.finish, pe_free);
  timing.start.resize(n);
  for (int t = 0; t < n; ++t) timing.start[t] = timing.finish[t] - m.Dur(t, table.pe[t]);
  return timing;
}

SocTable HeftSocTable(const Problem& p) {
  const DagSchedule s = ScheduleHeft(p);
  const int n = p.num_tasks();
  std::vector<int> topo_pos(n);
  const std::vector<int> topo = TopologicalOrder(p.graph);
  for (int i = 0; i < n; ++i) topo_pos[topo[i]] = i;
  std::vector<int> list(n);
  std::iota(list.begin(), list.end(), 0);
  std::sort(list.begin(), list.end(), [&](int a, int b) {
    const Placement &x = s.tasks[a], &y = s.tasks[b];
    return std::tie(x.start, x.finish, topo_pos[a]) < std::tie(y.start, y.finish, topo_pos[b]);
  });
  SocTable t;
  t.pe.resize(n);
  t.order.resize(n);
  std::vector<int> count(p.num_procs(), 0);
  for (int task : list) {
    t.pe[task] = s.tasks[task].proc;
    t.order[task] = count[t.pe[task]]++;
  }
  return t;
}

}  // namespace schedkit::graph
