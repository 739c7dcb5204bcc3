#include "schedkit/graph/list_scheduling.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <queue>

#include "schedkit/graph/processor_timeline.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::graph {

namespace {

// Priorities are sums of averages; treat values within rounding noise as equal so that the tie rule
// (lower task id) decides, as in the paper's hand computations.
bool Greater(double a, double b) { return a > b + 1e-9 * std::max(1.0, std::fabs(b)); }
bool NearlyEqual(double a, double b) { return !Greater(a, b) && !Greater(b, a); }

// Ready list ordered by priority (higher first), then lower task id.
class ReadyList {
 public:
  explicit ReadyList(const std::vector<double>& priority)
      : priority_(priority), cmp_{&priority_}, heap_(cmp_) {}
  void Push(int t) { heap_.push(t); }
  bool Empty() const { return heap_.empty(); }
  int Pop() {
    const int t = heap_.top();
    heap_.pop();
    return t;
  }

 private:
  struct Cmp {
    const std::vector<double>* prio;
    bool operator()(int a, int b) const {  // true when a comes after b
      const double pa = (*prio)[a], pb = (*prio)[b];
      if (Greater(pa, pb)) return false;
      if (Greater(pb, pa)) return true;
      return a > b;
    }
  };
  std::vector<double> priority_;
  Cmp cmp_;
  std::priority_queue<int, std::vector<int>, Cmp> heap_;
};

// Drives "pick the highest-priority ready task, place it" loops; `place` decides processor and start.
template <typename PlaceFn>
DagSchedule RunPriorityList(const Problem& p, const std::vector<double>& priority, const char* name,
                            PlaceFn place) {
  p.Check();
  const int n = p.num_tasks();
  DagSchedule s;
  s.algorithm = name;
  s.tasks.assign(n, Placement{});
  ProcessorTimelines timelines(p.num_procs());
  std::vector<int> missing(n);
  ReadyList ready(priority);
  for (int t = 0; t < n; ++t) {
    missing[t] = static_cast<int>(p.graph.preds[t].size());
    if (missing[t] == 0) ready.Push(t);
  }
  while (!ready.Empty()) {
    const int t = ready.Pop();
    const auto [proc, start] = place(t, s, timelines);
    const double finish = start + p.Cost(t, proc);
    s.tasks[t] = Placement{proc, start, finish};
    timelines.Place(proc, start, finish);
    s.makespan = std::max(s.makespan, finish);
    for (const Arc& a : p.graph.succs[t]) {
      if (--missing[a.task] == 0) ready.Push(a.task);
    }
  }
  return s;
}

struct Choice {
  int proc = -1;
  double start = 0.0;
  double score = kCannotRun;
};

// Insertion-based EFT on every capable processor; returns the one minimising EFT + extra(proc).
template <typename ExtraFn>
Choice BestEft(const Problem& p, const DagSchedule& s, const ProcessorTimelines& tl, int t, ExtraFn extra) {
  Choice best;
  for (int q = 0; q < p.num_procs(); ++q) {
    if (!p.CanRun(t, q)) continue;
    const double w = p.Cost(t, q);
    const double start = tl.InsertionStart(q, DataReadyTime(p, s, t, q), w);
    const double score = start + w + extra(q);
    if (best.proc < 0 || score < best.score) best = Choice{q, start, score};
  }
  return best;
}

}  // namespace

namespace {
constexpr util::NamedValue<DagAlgorithm> kAlgorithmNames[] = {{"heft", DagAlgorithm::kHeft},
                                                              {"cpop", DagAlgorithm::kCpop},
                                                              {"peft", DagAlgorithm::kPeft},
                                                              {"met", DagAlgorithm::kMet},
                                                              {"etf", DagAlgorithm::kEtf}};
}  // namespace

DagAlgorithm ParseDagAlgorithm(const std::string& name, std::string_view what) {
  return util::ParseEnum<DagAlgorithm>(name, what, kAlgorithmNames);
}

const char* DagAlgorithmName(DagAlgorithm a) {
  return util::EnumName<DagAlgorithm>(a, kAlgorithmNames).data();  // the table holds string literals
}

std::vector<double> MeanCosts(const Problem& p) {
  std::vector<double> mean(p.num_tasks(), 0.0);
  for (int t = 0; t < p.num_tasks(); ++t) {
    double sum = 0.0;
    int k = 0;
    for (int q = 0; q < p.num_procs(); ++q) {
      if (p.CanRun(t, q)) {
        sum += p.Cost(t, q);
        ++k;
      }
    }
    mean[t] = k > 0 ? sum / k : 0.0;
  }
  return mean;
}

std::vector<std::vector<double>> MeanCommCosts(const Problem& p) {
  const int n = p.num_tasks(), q = p.num_procs();
  std::vector<std::vector<double>> out(n);
  for (int i = 0; i < n; ++i) {
    for (const Arc& a : p.graph.succs[i]) {
      double sum = 0.0, same = 0.0;
      int64_t count = 0;
      if (a.volume > 0) {
        for (int x = 0; x < q; ++x) {
          if (!p.CanRun(i, x)) continue;
          for (int y = 0; y < q; ++y) {
            if (!p.CanRun(a.task, y)) continue;
            if (x == y) {
              same = p.CommTime(a.volume, x, x);
            } else {
              sum += p.CommTime(a.volume, x, y);
              ++count;
            }
          }
        }
      }
      out[i].push_back(count > 0 ? sum / count : same);
    }
  }
  return out;
}

std::vector<double> UpwardRanks(const Problem& p) {
  const auto order = TopologicalOrder(p.graph);
  const auto w = MeanCosts(p);
  const auto c = MeanCommCosts(p);
  std::vector<double> rank(p.num_tasks(), 0.0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int i = *it;
    double best = 0.0;
    const auto& succ = p.graph.succs[i];
    for (size_t k = 0; k < succ.size(); ++k) best = std::max(best, c[i][k] + rank[succ[k].task]);
    rank[i] = w[i] + best;
  }
  return rank;
}

std::vector<double> DownwardRanks(const Problem& p) {
  const auto order = TopologicalOrder(p.graph);
  const auto w = MeanCosts(p);
  const auto c = MeanCommCosts(p);
  std::vector<double> rank(p.num_tasks(), 0.0);
  for (int i : order) {
    const auto& succ = p.graph.succs[i];
    for (size_t k = 0; k < succ.size(); ++k) {
      const int j = succ[k].task;
      rank[j] = std::max(rank[j], rank[i] + w[i] + c[i][k]);
    }
  }
  return rank;
}

std::vector<double> OptimisticCostTable(const Problem& p) {
  const auto order = TopologicalOrder(p.graph);
  const auto c = MeanCommCosts(p);
  const int q = p.num_procs();
  std::vector<double> oct(static_cast<size_t>(p.num_tasks()) * q, 0.0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const int i = *it;
    const auto& succ = p.graph.succs[i];
    for (int x = 0; x < q; ++x) {
      double worst = 0.0;
      for (size_t k = 0; k < succ.size(); ++k) {
        const int j = succ[k].task;
        double best = kCannotRun;
        for (int y = 0; y < q; ++y) {
          if (!p.CanRun(j, y)) continue;
          best =
              std::min(best, oct[static_cast<size_t>(j) * q + y] + p.Cost(j, y) + (y == x ? 0.0 : c[i][k]));
        }
        worst = std::max(worst, best);
      }
      oct[static_cast<size_t>(i) * q + x] = worst;
    }
  }
  return oct;
}

std::vector<double> OctRanks(const Problem& p) {
  const auto oct = OptimisticCostTable(p);
  const int q = p.num_procs();
  std::vector<double> rank(p.num_tasks(), 0.0);
  for (int i = 0; i < p.num_tasks(); ++i) {
    double sum = 0.0;
    int k = 0;
    for (int x = 0; x < q; ++x) {
      if (p.CanRun(i, x)) {
        sum += oct[static_cast<size_t>(i) * q + x];
        ++k;
      }
    }
    rank[i] = k > 0 ? sum / k : 0.0;
  }
  return rank;
}

CpopInfo CriticalPath(const Problem& p) {
  p.Check();
  const auto up = UpwardRanks(p);
  const auto down = DownwardRanks(p);
  const int n = p.num_tasks();
  std::vector<double> prio(n);
  for (int i = 0; i < n; ++i) prio[i] = up[i] + down[i];
  CpopInfo info;
  int k = -1;
  for (int i = 0; i < n; ++i) {  // the entry task with the largest priority, lower id on ties
    if (p.graph.preds[i].empty() && (k < 0 || Greater(prio[i], prio[k]))) k = i;
  }
  info.length = prio[k];
  info.critical_path.push_back(k);
  while (!p.graph.succs[k].empty()) {
    int next = -1;
    for (const Arc& a : p.graph.succs[k]) {  // the successor on the critical path: priority == |CP|
      if (NearlyEqual(prio[a.task], info.length) && (next < 0 || a.task < next)) next = a.task;
    }
    if (next < 0) break;  // cannot happen with exact arithmetic; keep the path found so far
    info.critical_path.push_back(next);
    k = next;
  }
  double best = kCannotRun;
  for (int q = 0; q < p.num_procs(); ++q) {
    double sum = 0.0;
    for (int t : info.critical_path) sum += p.Cost(t, q);  // kCannotRun propagates
    if (sum < best) {
      best = sum;
      info.proc = q;
    }
  }
  return info;
}

DagSchedule ScheduleHeft(const Problem& p) {
  p.Check();
  const auto rank = UpwardRanks(p);
  return RunPriorityList(p, rank, "heft", [&](int t, const DagSchedule& s, const ProcessorTimelines& tl) {
    const Choice c = BestEft(p, s, tl, t, [](int) { return 0.0; });
    return std::pair{c.proc, c.start};
  });
}

DagSchedule ScheduleCpop(const Problem& p) {
  const CpopInfo cp = CriticalPath(p);
  const auto up = UpwardRanks(p);
  const auto down = DownwardRanks(p);
  std::vector<double> prio(p.num_tasks());
  for (int i = 0; i < p.num_tasks(); ++i) prio[i] = up[i] + down[i];
  std::vector<char> on_cp(p.num_tasks(), 0);
  for (int t : cp.critical_path) on_cp[t] = 1;
  return RunPriorityList(p, prio, "cpop", [&](int t, const DagSchedule& s, const ProcessorTimelines& tl) {
    if (on_cp[t] && cp.proc >= 0) {
      const double start = tl.InsertionStart(cp.proc, DataReadyTime(p, s, t, cp.proc), p.Cost(t, cp.proc));
      return std::pair{cp.proc, start};
    }
    const Choice c = BestEft(p, s, tl, t, [](int) { return 0.0; });
    return std::pair{c.proc, c.start};
  });
}

DagSchedule SchedulePeft(const Problem& p) {
  p.Check();
  const auto oct = OptimisticCostTable(p);
  const auto rank = OctRanks(p);
  const int q = p.num_procs();
  return RunPriorityList(p, rank, "peft", [&](int t, const DagSchedule& s, const ProcessorTimelines& tl) {
    const Choice c = BestEft(p, s, tl, t, [&](int x) { return oct[static_cast<size_t>(t) * q + x]; });
    return std::pair{c.proc, c.start};
  });
}

DagSchedule ScheduleMet(const Problem& p) {
  p.Check();
  // Tasks in ready order by lower id; each goes to its fastest processor, ties to the earlier finish
  // (insertion-based), then the lower index.
  std::vector<double> prio(p.num_tasks(), 0.0);
  return RunPriorityList(p, prio, "met", [&](int t, const DagSchedule& s, const ProcessorTimelines& tl) {
    double fastest = kCannotRun;
    for (int x = 0; x < p.num_procs(); ++x) fastest = std::min(fastest, p.Cost(t, x));
    const Choice c = BestEft(p, s, tl, t, [&](int x) { return p.Cost(t, x) == fastest ? 0.0 : kCannotRun; });
    return std::pair{c.proc, c.start};
  });
}

DagSchedule ScheduleEtf(const Problem& p) {
  p.Check();
  const int n = p.num_tasks(), q = p.num_procs();
  DagSchedule s;
  s.algorithm = "etf";
  s.tasks.assign(n, Placement{});
  ProcessorTimelines tl(q);
  std::vector<int> missing(n);
  std::vector<int> ready;
  for (int t = 0; t < n; ++t) {
    missing[t] = static_cast<int>(p.graph.preds[t].size());
    if (missing[t] == 0) ready.push_back(t);
  }
  // DS3's ETF: among all ready tasks x capable processors, the pair with the earliest finish time, each
  // processor taking tasks one after another (no insertion). Ties: lower task id, then lower index.
  while (!ready.empty()) {
    std::sort(ready.begin(), ready.end());
    size_t best_k = 0;
    Choice best;
    for (size_t k = 0; k < ready.size(); ++k) {
      const int t = ready[k];
      for (int x = 0; x < q; ++x) {
        if (!p.CanRun(t, x)) continue;
        const double start = tl.AppendStart(x, DataReadyTime(p, s, t, x));
        const double finish = start + p.Cost(t, x);
        if (best.proc < 0 || finish < best.score) {
          best = Choice{x, start, finish};
          best_k = k;
        }
      }
    }
    const int t = ready[best_k];
    ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(best_k));
    s.tasks[t] = Placement{best.proc, best.start, best.score};
    tl.Place(best.proc, best.start, best.score);
    s.makespan = std::max(s.makespan, best.score);
    for (const Arc& a : p.graph.succs[t]) {
      if (--missing[a.task] == 0) ready.push_back(a.task);
    }
  }
  return s;
}

DagSchedule ScheduleDag(const Problem& p, DagAlgorithm a) {
  switch (a) {
    case DagAlgorithm::kHeft:
      return ScheduleHeft(p);
    case DagAlgorithm::kCpop:
      return ScheduleCpop(p);
    case DagAlgorithm::kPeft:
      return SchedulePeft(p);
    case DagAlgorithm::kMet:
      return ScheduleMet(p);
    case DagAlgorithm::kEtf:
      return ScheduleEtf(p);
  }
  throw Error("unknown DAG algorithm");
}

}  // namespace schedkit::graph
