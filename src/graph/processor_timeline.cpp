#include "schedkit/graph/processor_timeline.h"

#include <algorithm>

namespace schedkit::graph {

double ProcessorTimelines::InsertionStart(int proc, double ready, double duration) const {
  const auto& v = busy_[proc];
  // Intervals are disjoint and sorted, so finishes are sorted too: skip those that end by `ready`.
  auto it =
      std::upper_bound(v.begin(), v.end(), ready, [](double r, const Interval& iv) { return r < iv.finish; });
  double t = ready;
  for (; it != v.end(); ++it) {
    if (t + duration <= it->start) return t;
    t = std::max(t, it->finish);
  }
  return t;
}

double ProcessorTimelines::AppendStart(int proc, double ready) const {
  const auto& v = busy_[proc];
  return v.empty() ? ready : std::max(ready, v.back().finish);
}

void ProcessorTimelines::Place(int proc, double start, double finish) {
  auto& v = busy_[proc];
  auto it =
      std::upper_bound(v.begin(), v.end(), start, [](double s, const Interval& iv) { return s < iv.start; });
  v.insert(it, Interval{start, finish});
}

double DataReadyTime(const Problem& p, const DagSchedule& s, int task, int proc) {
  double ready = 0.0;
  for (const Arc& a : p.graph.preds[task]) {
    const Placement& pl = s.tasks[a.task];
    ready = std::max(ready, pl.finish + p.CommTime(a.volume, pl.proc, proc));
  }
  return ready;
}

}  // namespace schedkit::graph
