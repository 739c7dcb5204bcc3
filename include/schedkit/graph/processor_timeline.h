// Busy intervals of each processor, for list schedulers (insertion-based and append-only placement).
#pragma once

#include <vector>

#include "schedkit/graph/dag_schedule.h"
#include "schedkit/graph/task_graph.h"

namespace schedkit::graph {

class ProcessorTimelines {
 public:
  explicit ProcessorTimelines(int num_procs) : busy_(num_procs) {}
  // Earliest t >= ready such that [t, t + duration) fits in an idle gap of proc (or after its last task).
  double InsertionStart(int proc, double ready, double duration) const;
  // max(ready, finish of the last task on proc): no insertion.
  double AppendStart(int proc, double ready) const;
  void Place(int proc, double start, double finish);

 private:
  struct Interval {
    double start, finish;
  };
  std::vector<std::vector<Interval>> busy_;  // sorted by start, disjoint
};

// Time at which all predecessor data of `task` is available on `proc` (0 for an entry task).
// Predecessors must be placed already.
double DataReadyTime(const Problem& p, const DagSchedule& s, int task, int proc);

}  // namespace schedkit::graph
