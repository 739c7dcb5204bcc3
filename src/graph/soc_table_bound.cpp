// Lower bound on the makespan of every schedule table: PE-aware critical path plus a pigeonhole test per
// PE class.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "schedkit/graph/soc_table.h"
#include "soc_table_model.h"

namespace schedkit::graph {

using namespace soc_table_detail;

namespace {

// Resource-free heads and tails per (task, PE): head = earliest start of the task on that PE, tail = least
// time from its finish there to the end of the job, both with every other task free to pick its PE.
struct HeadsTails {
  std::vector<int64_t> head, tail;  // n x q, kHuge where the PE cannot run the task
};

HeadsTails ComputeHeadsTails(const TableModel& m) {
  const size_t q = static_cast<size_t>(m.q);
  HeadsTails h;
  h.head.assign(m.n * q, kHuge);
  h.tail.assign(m.n * q, kHuge);
  // Delay between the finish of u on x and the start of its successor on y along arc a.
  auto delay = [&](int a, int u, int x, int y) {
    return std::max(m.Comm(a, x, y), m.Dur(u, x) == 0 ? int64_t{1} : int64_t{0});
  };
  for (int t : m.topo) {
    for (int r : m.capable[t]) {
      int64_t s = 0;
      for (int a = m.pred_begin[t]; a < m.pred_begin[t + 1]; ++a) {
        const int u = m.pred_task[a];
        int64_t best = kHuge;
        for (int x : m.capable[u]) best = std::min(best, h.head[u * q + x] + m.Dur(u, x) + delay(a, u, x, r));
        s = std::max(s, best);
      }
      h.head[t * q + r] = s;
    }
  }
  for (int i = m.n - 1; i >= 0; --i) {
    const int t = m.topo[i];
    for (int x : m.capable[t]) {
      int64_t tl = 0;
      for (int sc : m.succs[t]) {
        for (int a = m.pred_begin[sc]; a < m.pred_begin[sc + 1]; ++a) {
          if (m.pred_task[a] != t) continue;
          int64_t best = kHuge;
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
                        const std::vector<std::vector<int>>& classes, int64_t target) {
  const size_t q = static_cast<size_t>(m.q);
  auto span = [&](int t, int r) { return h.head[t * q + r] + m.Dur(t, r) + h.tail[t * q + r]; };
  std::vector<int> in_class(m.q, -1);
  for (size_t k = 0; k < classes.size(); ++k)
    for (int r : classes[k]) in_class[r] = static_cast<int>(k);
  for (size_t k = 0; k < classes.size(); ++k) {
    struct Forced {
      int64_t head, dur, tail;
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
    int64_t steps = 0;
    constexpr int64_t kMaxSteps = 200000;  // give up (claim nothing) past this
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

int64_t SocTableLowerBound(const Problem& p) {
  const TableModel m(p);
  const HeadsTails h = ComputeHeadsTails(m);
  const size_t q = static_cast<size_t>(m.q);
  // Critical path: every task needs head + time + tail on the best of its PEs.
  int64_t lb = 0;
  for (int t = 0; t < m.n; ++t) {
    int64_t best = kHuge;
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

}  // namespace schedkit::graph
