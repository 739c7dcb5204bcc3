#include "schedkit/graph/soc_table.h"

#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>
#include <utility>

#include "schedkit/graph/list_scheduling.h"
#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {

constexpr long long kNoRun = -1;
constexpr long long kHuge = std::numeric_limits<long long>::max() / 4;

// Integer durations and per-edge transfer times, flattened for fast evaluation.
struct TableModel {
  int n = 0, q = 0;
  std::vector<long long> dur;  // n x q, kNoRun where the PE cannot run the task
  std::vector<std::vector<int>> capable;
  std::vector<int> pred_begin;       // n + 1 offsets into pred_task / pred_comm
  std::vector<int> pred_task;        // predecessor of each in-arc
  std::vector<long long> pred_comm;  // per in-arc, q x q transfer times
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
        const long long d = static_cast<long long>(p.Cost(t, r));
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
            pred_comm.push_back(a.volume == 0 ? 0 : static_cast<long long>(a.volume / bw));
          }
        }
        succs[a.task].push_back(t);
      }
    }
    pred_begin[n] = static_cast<int>(pred_task.size());
    topo = TopologicalOrder(p.graph);
  }
  long long Dur(int t, int r) const { return dur[static_cast<size_t>(t) * q + r]; }
  long long Comm(int arc, int from, int to) const {
    return pred_comm[(static_cast<size_t>(arc) * q + from) * q + to];
  }
  // Earliest start of t on PE r given its predecessors' PEs and finishes (ready and data rules).
  long long PredReady(int t, int r, const std::vector<int>& pe, const std::vector<long long>& fin) const {
    long long s = 0;
    for (int a = pred_begin[t]; a < pred_begin[t + 1]; ++a) {
      const int u = pred_task[a];
      const long long zero_tick = Dur(u, pe[u]) == 0 ? 1 : 0;
      s = std::max(s, fin[u] + std::max(zero_tick, Comm(a, pe[u], r)));
    }
    return s;
  }
  // Cheapest possible delay on arc a between finish of its source and start of its target.
  long long ArcLowerBound(int a, int t) const {
    const int u = pred_task[a];
    long long best = kHuge;
    for (int x : capable[u]) {
      for (int y : capable[t]) best = std::min(best, Comm(a, x, y));
    }
    return std::max(best, static_cast<long long>(all_zero[u]));
  }
  long long MinDur(int t) const {
    long long best = kHuge;
    for (int r : capable[t]) best = std::min(best, Dur(t, r));
    return best;
  }
};

// Replay in list order: `list` is a topological order and each PE runs its tasks in list order.
long long EvaluateList(const TableModel& m, const std::vector<int>& list, const std::vector<int>& pe,
                       std::vector<long long>& fin, std::vector<long long>& pe_free) {
  std::fill(pe_free.begin(), pe_free.end(), 0);
  long long makespan = 0;
  for (int t : list) {
    const int r = pe[t];
    const long long s = std::max(m.PredReady(t, r, pe, fin), pe_free[r]);
    fin[t] = s + m.Dur(t, r);
    pe_free[r] = fin[t];
    makespan = std::max(makespan, fin[t]);
  }
  return makespan;
}

// Builds the table (per-PE positions) of a list schedule.
SocTable TableFromList(const TableModel& m, const std::vector<int>& list, const std::vector<int>& pe) {
  SocTable t;
  t.pe = pe;
  t.order.assign(m.n, 0);
  std::vector<int> count(m.q, 0);
  for (int task : list) t.order[task] = count[pe[task]]++;
  return t;
}

// PE symmetry: sym[r] = the lowest PE s such that swapping r and s maps the problem onto itself.
std::vector<int> PeSymmetryClasses(const Problem& p) {
  const int q = p.num_procs(), n = p.num_tasks();
  auto bw = [&](int x, int y) { return p.bandwidth[static_cast<size_t>(x) * q + y]; };
  std::vector<int> sym(q);
  for (int r = 0; r < q; ++r) {
    sym[r] = r;
    for (int s = 0; s < r; ++s) {
      bool same = bw(r, r) == bw(s, s) && bw(r, s) == bw(s, r);
      for (int t = 0; t < n && same; ++t)
        same = p.cost[static_cast<size_t>(t) * q + r] == p.cost[static_cast<size_t>(t) * q + s];
      for (int x = 0; x < q && same; ++x) {
        if (x != r && x != s) same = bw(r, x) == bw(s, x) && bw(x, r) == bw(x, s);
      }
      if (same) {
        sym[r] = sym[s];
        break;
      }
    }
  }
  return sym;
}

}  // namespace

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
  std::vector<long long> pe_free(q, 0);
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

namespace {

// Resource-free heads and tails per (task, PE): head = earliest start of the task on that PE, tail = least
// time from its finish there to the end of the job, both with every other task free to pick its PE.
struct HeadsTails {
  std::vector<long long> head, tail;  // n x q, kHuge where the PE cannot run the task
};

HeadsTails ComputeHeadsTails(const TableModel& m) {
  const size_t q = static_cast<size_t>(m.q);
  HeadsTails h;
  h.head.assign(m.n * q, kHuge);
  h.tail.assign(m.n * q, kHuge);
  // Delay between the finish of u on x and the start of its successor on y along arc a.
  auto delay = [&](int a, int u, int x, int y) {
    return std::max(m.Comm(a, x, y), m.Dur(u, x) == 0 ? 1LL : 0LL);
  };
  for (int t : m.topo) {
    for (int r : m.capable[t]) {
      long long s = 0;
      for (int a = m.pred_begin[t]; a < m.pred_begin[t + 1]; ++a) {
        const int u = m.pred_task[a];
        long long best = kHuge;
        for (int x : m.capable[u]) best = std::min(best, h.head[u * q + x] + m.Dur(u, x) + delay(a, u, x, r));
        s = std::max(s, best);
      }
      h.head[t * q + r] = s;
    }
  }
  for (int i = m.n - 1; i >= 0; --i) {
    const int t = m.topo[i];
    for (int x : m.capable[t]) {
      long long tl = 0;
      for (int sc : m.succs[t]) {
        for (int a = m.pred_begin[sc]; a < m.pred_begin[sc + 1]; ++a) {
          if (m.pred_task[a] != t) continue;
          long long best = kHuge;
          for (int y : m.capable[sc])
            best = std::min(best, delay(a, t, x, y) + m.Dur(sc, y) + h.tail[sc * q + y]);
          tl = std::max(tl, best);
        }
      }
      h.tail[t * q + x] = tl;
    }
  }
  return h;
}

// False when no table can finish within `target`: some PE class (PEs with identical times) with m PEs must
// take more than m tasks (their other PEs cannot meet the target), so two of them share a PE, and every
// pair that could share one ends too late.
bool PigeonholeFeasible(const TableModel& m, const HeadsTails& h,
                        const std::vector<std::vector<int>>& classes, long long target) {
  const size_t q = static_cast<size_t>(m.q);
  auto span = [&](int t, int r) { return h.head[t * q + r] + m.Dur(t, r) + h.tail[t * q + r]; };
  std::vector<int> in_class(m.q, -1);
  for (size_t k = 0; k < classes.size(); ++k)
    for (int r : classes[k]) in_class[r] = static_cast<int>(k);
  for (size_t k = 0; k < classes.size(); ++k) {
    struct Forced {
      long long head, dur, tail;
    };
    std::vector<Forced> forced;
    for (int t = 0; t < m.n; ++t) {
      bool inside = false, outside_ok = false;
      Forced f{kHuge, 0, kHuge};
      for (int r : m.capable[t]) {
        if (in_class[r] == static_cast<int>(k)) {
          inside = true;
          f.head = std::min(f.head, h.head[t * q + r]);
          f.dur = m.Dur(t, r);
          f.tail = std::min(f.tail, h.tail[t * q + r]);
        } else if (span(t, r) <= target) {
          outside_ok = true;
        }
      }
      if (inside && !outside_ok) forced.push_back(f);
    }
    const size_t need = classes[k].size() + 1;
    if (forced.size() < need) continue;
    // Two forced tasks conflict when sharing a PE (either order) ends after the target. Any m + 1 forced
    // tasks put two on one PE, so m + 1 pairwise conflicting tasks (a clique) make the target infeasible.
    const size_t f = forced.size();
    std::vector<char> conflict(f * f, 0);
    auto ends = [&](const Forced& a, const Forced& b) {
      return std::max(a.head + a.dur, b.head) + b.dur + b.tail;
    };
    for (size_t i = 0; i < f; ++i)
      for (size_t j = 0; j < f; ++j)
        if (i != j)
          conflict[i * f + j] = std::min(ends(forced[i], forced[j]), ends(forced[j], forced[i])) > target;
    std::vector<size_t> clique;
    long long steps = 0;
    constexpr long long kMaxSteps = 200000;  // give up (claim nothing) past this
    std::function<bool(size_t)> extend = [&](size_t from) {
      if (clique.size() == need) return true;
      for (size_t c = from; c < f && ++steps < kMaxSteps; ++c) {
        if (f - c < need - clique.size()) return false;
        bool ok = true;
        for (size_t x : clique) ok = ok && conflict[x * f + c];
        if (!ok) continue;
        clique.push_back(c);
        if (extend(c + 1)) return true;
        clique.pop_back();
      }
      return false;
    };
    if (extend(0)) return false;
  }
  return true;
}

}  // namespace

long long SocTableLowerBound(const Problem& p) {
  const TableModel m(p);
  const HeadsTails h = ComputeHeadsTails(m);
  const size_t q = static_cast<size_t>(m.q);
  // Critical path: every task needs head + time + tail on the best of its PEs.
  long long lb = 0;
  for (int t = 0; t < m.n; ++t) {
    long long best = kHuge;
    for (int r : m.capable[t]) best = std::min(best, h.head[t * q + r] + m.Dur(t, r) + h.tail[t * q + r]);
    lb = std::max(lb, best);
  }
  // PE classes: PEs with the same time for every task.
  std::vector<std::vector<int>> classes;
  for (int r = 0; r < m.q; ++r) {
    bool placed = false;
    for (auto& c : classes) {
      bool same = true;
      for (int t = 0; t < m.n && same; ++t) same = m.Dur(t, r) == m.Dur(t, c[0]);
      if (same) {
        c.push_back(r);
        placed = true;
        break;
      }
    }
    if (!placed) classes.push_back({r});
  }
  while (!PigeonholeFeasible(m, h, classes, lb)) ++lb;  // infeasibility is monotone in the target
  return lb;
}

namespace {

// Local search over (priority list, PE per task): move a task to another PE, or to another list position
// between its last predecessor and first successor. Sideways moves are accepted (plateau walk); after a
// stall the search restarts from the best table with a few random moves.
struct LocalSearch {
  const TableModel& m;
  std::mt19937_64 rng;
  std::vector<int> list, pos, pe;
  std::vector<long long> fin, pe_free;

  LocalSearch(const TableModel& model, std::uint64_t seed) : m(model), rng(seed) {
    fin.assign(m.n, 0);
    pe_free.assign(m.q, 0);
  }
  long long Eval() { return EvaluateList(m, list, pe, fin, pe_free); }
  void Move(int from, int to) {
    if (from < to) {
      std::rotate(list.begin() + from, list.begin() + from + 1, list.begin() + to + 1);
    } else {
      std::rotate(list.begin() + to, list.begin() + from, list.begin() + from + 1);
    }
    for (int i = std::min(from, to); i <= std::max(from, to); ++i) pos[list[i]] = i;
  }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  // Applies a random move; returns an undo closure's data: {kind, task, old value}.
  std::tuple<int, int, int> RandomMove() {
    const int t = Uniform(0, m.n - 1);
    const auto& cap = m.capable[t];
    if (cap.size() > 1 && Uniform(0, 1) == 0) {
      const int old = pe[t];
      int r = old;
      while (r == old) r = cap[Uniform(0, static_cast<int>(cap.size()) - 1)];
      pe[t] = r;
      return {0, t, old};
    }
    int lo = 0, hi = m.n - 1;
    for (int a = m.pred_begin[t]; a < m.pred_begin[t + 1]; ++a) lo = std::max(lo, pos[m.pred_task[a]] + 1);
    for (int s : m.succs[t]) hi = std::min(hi, pos[s] - 1);
    const int from = pos[t];
    const int to = Uniform(lo, hi);
    Move(from, to);
    return {1, t, from};
  }
  void Undo(const std::tuple<int, int, int>& mv) {
    const auto [kind, t, old] = mv;
    if (kind == 0) {
      pe[t] = old;
    } else {
      Move(pos[t], old);
    }
  }
};

// Depth-first branch and bound. Tables are generated by appending tasks in nondecreasing (start, finish,
// topological position) order, which reaches every table's replay once; the bound at a node is the
// critical path of the unscheduled tasks, each starting no earlier than the last appended start and the
// earliest free capable PE.
struct BranchAndBound {
  const TableModel& m;
  std::vector<int> sym;
  long long best;
  long long max_nodes, nodes = 0;
  bool aborted = false;
  std::vector<int> best_list, best_pe;

  std::vector<int> topo_pos, pe, preds_left, list;
  std::vector<long long> fin, start, avail, tail, est_fin;
  std::vector<int> used;  // tasks appended per PE

  BranchAndBound(const TableModel& model, std::vector<int> symmetry, long long upper, long long node_limit)
      : m(model), sym(std::move(symmetry)), best(upper), max_nodes(node_limit) {
    topo_pos.assign(m.n, 0);
    for (int i = 0; i < m.n; ++i) topo_pos[m.topo[i]] = i;
    pe.assign(m.n, -1);
    fin.assign(m.n, -1);
    start.assign(m.n, 0);
    est_fin.assign(m.n, 0);
    avail.assign(m.q, 0);
    used.assign(m.q, 0);
    preds_left.assign(m.n, 0);
    for (int t = 0; t < m.n; ++t) preds_left[t] = m.pred_begin[t + 1] - m.pred_begin[t];
    tail.assign(m.n, 0);
    for (int i = m.n - 1; i >= 0; --i) {
      const int t = m.topo[i];
      for (int s : m.succs[t]) {
        for (int a = m.pred_begin[s]; a < m.pred_begin[s + 1]; ++a) {
          if (m.pred_task[a] == t) tail[t] = std::max(tail[t], m.ArcLowerBound(a, s) + m.MinDur(s) + tail[s]);
        }
      }
    }
  }

  long long Bound(long long s_last, long long makespan) {
    long long lb = makespan;
    for (int t : m.topo) {
      if (fin[t] >= 0) continue;
      long long f = kHuge;
      for (int r : m.capable[t]) {
        long long s = std::max(s_last, avail[r]);
        for (int a = m.pred_begin[t]; a < m.pred_begin[t + 1]; ++a) {
          const int u = m.pred_task[a];
          if (fin[u] >= 0) {
            const long long zero_tick = m.Dur(u, pe[u]) == 0 ? 1 : 0;
            s = std::max(s, fin[u] + std::max(zero_tick, m.Comm(a, pe[u], r)));
          } else {
            s = std::max(s, est_fin[u] + m.ArcLowerBound(a, t));
          }
        }
        f = std::min(f, s + m.Dur(t, r));
      }
      est_fin[t] = f;
      lb = std::max(lb, f + tail[t]);
    }
    return lb;
  }

  void Search(long long s_last, long long f_last, int k_last, long long makespan) {
    if (static_cast<int>(list.size()) == m.n) {
      if (makespan < best) {
        best = makespan;
        best_list = list;
        best_pe = pe;
      }
      return;
    }
    if (++nodes > max_nodes) {
      aborted = true;
      return;
    }
    if (Bound(s_last, makespan) >= best) return;
    struct Cand {
      long long s, f;
      int t, r;
    };
    std::vector<Cand> cands;
    for (int t = 0; t < m.n; ++t) {
      if (fin[t] >= 0 || preds_left[t] > 0) continue;
      for (int r : m.capable[t]) {
        // Of several interchangeable PEs that are still empty, only the first is tried.
        if (used[r] == 0 && sym[r] != r) {
          bool earlier_empty = false;
          for (int x = sym[r]; x < r && !earlier_empty; ++x) earlier_empty = sym[x] == sym[r] && used[x] == 0;
          if (earlier_empty) continue;
        }
        const long long s = std::max(m.PredReady(t, r, pe, fin), avail[r]);
        const long long f = s + m.Dur(t, r);
        if (std::tie(s, f, topo_pos[t]) < std::tie(s_last, f_last, k_last)) continue;
        if (f + tail[t] >= best) continue;
        cands.push_back({s, f, t, r});
      }
    }
    std::sort(cands.begin(), cands.end(), [&](const Cand& a, const Cand& b) {
      return std::tie(a.f, a.s, topo_pos[a.t], a.r) < std::tie(b.f, b.s, topo_pos[b.t], b.r);
    });
    for (const Cand& c : cands) {
      if (aborted) return;
      const long long old_avail = avail[c.r];
      pe[c.t] = c.r;
      fin[c.t] = c.f;
      start[c.t] = c.s;
      avail[c.r] = c.f;
      ++used[c.r];
      for (int s : m.succs[c.t]) --preds_left[s];
      list.push_back(c.t);
      Search(c.s, c.f, topo_pos[c.t], std::max(makespan, c.f));
      list.pop_back();
      for (int s : m.succs[c.t]) ++preds_left[s];
      --used[c.r];
      avail[c.r] = old_avail;
      fin[c.t] = -1;
      pe[c.t] = -1;
    }
  }
};

}  // namespace

SocTableSearchResult OptimiseSocTable(const Problem& p, const SocTableSearchOptions& options) {
  if (options.max_evaluations < 0 || options.max_nodes < 0) {
    throw Error(fmt::format("table search: budgets must be >= 0 (evaluations {}, nodes {})",
                            options.max_evaluations, options.max_nodes));
  }
  const TableModel m(p);
  SocTableSearchResult res;
  res.lower_bound = SocTableLowerBound(p);

  // Start: the HEFT table as a list (Kahn order over precedence + its PE orders).
  const SocTable heft = HeftSocTable(p);
  const SocTableTiming heft_timing = ReplaySocTable(p, heft);
  res.heft_makespan = heft_timing.makespan;
  LocalSearch ls(m, options.seed);
  ls.pe = heft.pe;
  ls.list.resize(m.n);
  std::iota(ls.list.begin(), ls.list.end(), 0);
  {
    std::vector<int> topo_pos(m.n);
    for (int i = 0; i < m.n; ++i) topo_pos[m.topo[i]] = i;
    std::sort(ls.list.begin(), ls.list.end(), [&](int a, int b) {
      return std::tie(heft_timing.start[a], heft_timing.finish[a], topo_pos[a]) <
             std::tie(heft_timing.start[b], heft_timing.finish[b], topo_pos[b]);
    });
  }
  ls.pos.assign(m.n, 0);
  for (int i = 0; i < m.n; ++i) ls.pos[ls.list[i]] = i;
  // Cost: makespan, then (minimise_work) the total busy time, compared lexicographically.
  auto cost = [&]() {
    const long long makespan = ls.Eval();
    long long work = 0;
    if (options.minimise_work)
      for (int t = 0; t < m.n; ++t) work += m.Dur(t, ls.pe[t]);
    return std::pair<long long, long long>{makespan, work};
  };
  std::vector<int> best_list = ls.list, best_pe = ls.pe;
  std::pair<long long, long long> best = cost();
  const long long stall = 20L * m.n * std::max(1, m.q);
  auto local_search = [&]() {
    auto cur = best;
    long long since_best = 0, used = 0;
    while (used < options.max_evaluations && (options.minimise_work || best.first > res.lower_bound)) {
      const auto mv = ls.RandomMove();
      const auto v = cost();
      ++used;
      if (v <= cur) {
        cur = v;
      } else {
        ls.Undo(mv);
      }
      if (cur < best) {
        best = cur;
        best_list = ls.list;
        best_pe = ls.pe;
        since_best = 0;
      } else if (++since_best > stall) {  // restart from the best table with a few random moves
        ls.list = best_list;
        ls.pe = best_pe;
        for (int i = 0; i < m.n; ++i) ls.pos[ls.list[i]] = i;
        for (int k = 0; k < 3; ++k) ls.RandomMove();
        cur = cost();
        ++used;
        since_best = 0;
      }
    }
    res.evaluations += used;
  };
  local_search();

  if (best.first == res.lower_bound) {
    res.proven_optimal = true;
  } else if (options.max_nodes > 0) {
    BranchAndBound bb(m, PeSymmetryClasses(p), best.first, options.max_nodes);
    bb.Search(-1, -1, -1, 0);
    res.nodes = std::min(bb.nodes, options.max_nodes);
    if (!bb.best_list.empty()) {
      best_list = bb.best_list;
      best_pe = bb.best_pe;
      ls.list = best_list;
      ls.pe = best_pe;
      for (int i = 0; i < m.n; ++i) ls.pos[ls.list[i]] = i;
      best = cost();
      if (options.minimise_work) local_search();  // polish the busy time at the new makespan
    }
    if (!bb.aborted) {
      res.proven_optimal = true;
      res.lower_bound = best.first;
    }
  }
  res.table = TableFromList(m, best_list, best_pe);
  res.makespan = best.first;
  for (int t = 0; t < m.n; ++t) res.work += m.Dur(t, best_pe[t]);
  return res;
}

}  // namespace schedkit::graph
