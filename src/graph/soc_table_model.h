// Internal to the schedule-table sources (soc_table*.cpp): the problem flattened into integer durations and
// per-arc transfer times, and the list replay shared by the replay, the bound and the search.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "schedkit/graph/soc_table.h"

namespace schedkit::graph::soc_table_detail {

inline constexpr int64_t kNoRun = -1;
inline constexpr int64_t kHuge = std::numeric_limits<int64_t>::max() / 4;

// Integer durations and per-edge transfer times, flattened for fast evaluation.
struct TableModel {
  int n = 0, q = 0;
  std::vector<int64_t> dur;  // n x q, kNoRun where the PE cannot run the task
  std::vector<std::vector<int>> capable;
  std::vector<int> pred_begin;     // n + 1 offsets into pred_task / pred_comm
  std::vector<int> pred_task;      // predecessor of each in-arc
  std::vector<int64_t> pred_comm;  // per in-arc, q x q transfer times
  std::vector<std::vector<int>> succs;
  std::vector<int> topo;
  std::vector<char> all_zero;  // the task takes 0 us on every capable PE

  explicit TableModel(const Problem& p) : n(p.num_tasks()), q(p.num_procs()) {
    dur.assign(static_cast<size_t>(n) * q, kNoRun);
    capable.assign(n, {});
    all_zero.assign(n, 1);
    for (int t = 0; t < n; ++t) {
      for (int r = 0; r < q; ++r) {
        if (!p.CanRun(t, r)) continue;
        const int64_t d = static_cast<int64_t>(p.Cost(t, r));
        dur[static_cast<size_t>(t) * q + r] = d;
        capable[t].push_back(r);
        if (d != 0) all_zero[t] = 0;
      }
    }
    pred_begin.assign(n + 1, 0);
    succs.assign(n, {});
    for (int t = 0; t < n; ++t) {
      pred_begin[t] = static_cast<int>(pred_task.size());
      for (const Arc& a : p.graph.preds[t]) {
        pred_task.push_back(a.task);
        for (int x = 0; x < q; ++x) {
          for (int y = 0; y < q; ++y) {
            // The simulator's transfer time: int(volume / bandwidth), 0 for an empty edge.
            const double bw = p.bandwidth[static_cast<size_t>(x) * q + y];
            pred_comm.push_back(a.volume == 0 ? 0 : static_cast<int64_t>(a.volume / bw));
          }
        }
        succs[a.task].push_back(t);
      }
    }
    pred_begin[n] = static_cast<int>(pred_task.size());
    topo = TopologicalOrder(p.graph);
  }
  int64_t Dur(int t, int r) const { return dur[static_cast<size_t>(t) * q + r]; }
  int64_t Comm(int arc, int from, int to) const {
    return pred_comm[(static_cast<size_t>(arc) * q + from) * q + to];
  }
  // Earliest start of t on PE r given its predecessors' PEs and finishes (ready and data rules).
  int64_t PredReady(int t, int r, const std::vector<int>& pe, const std::vector<int64_t>& fin) const {
    int64_t s = 0;
    for (int a = pred_begin[t]; a < pred_begin[t + 1]; ++a) {
      const int u = pred_task[a];
      const int64_t zero_tick = Dur(u, pe[u]) == 0 ? 1 : 0;
      s = std::max(s, fin[u] + std::max(zero_tick, Comm(a, pe[u], r)));
    }
    return s;
  }
  // Cheapest possible delay on arc a between finish of its source and start of its target.
  int64_t ArcLowerBound(int a, int t) const {
    const int u = pred_task[a];
    int64_t best = kHuge;
    for (int x : capable[u]) {
      for (int y : capable[t]) best = std::min(best, Comm(a, x, y));
    }
    return std::max(best, static_cast<int64_t>(all_zero[u]));
  }
  int64_t MinDur(int t) const {
    int64_t best = kHuge;
    for (int r : capable[t]) best = std::min(best, Dur(t, r));
    return best;
  }
};

// Replay in list order: `list` is a topological order and each PE runs its tasks in list order.
inline int64_t EvaluateList(const TableModel& m, const std::vector<int>& list, const std::vector<int>& pe,
                            std::vector<int64_t>& fin, std::vector<int64_t>& pe_free) {
  std::fill(pe_free.begin(), pe_free.end(), 0);
  int64_t makespan = 0;
  for (int t : list) {
    const int r = pe[t];
    const int64_t s = std::max(m.PredReady(t, r, pe, fin), pe_free[r]);
    fin[t] = s + m.Dur(t, r);
    pe_free[r] = fin[t];
    makespan = std::max(makespan, fin[t]);
  }
  return makespan;
}

// Builds the table (per-PE positions) of a list schedule.
inline SocTable TableFromList(const TableModel& m, const std::vector<int>& list, const std::vector<int>& pe) {
  SocTable t;
  t.pe = pe;
  t.order.assign(m.n, 0);
  std::vector<int> count(m.q, 0);
  for (int task : list) t.order[task] = count[pe[task]]++;
  return t;
}

}  // namespace schedkit::graph::soc_table_detail
