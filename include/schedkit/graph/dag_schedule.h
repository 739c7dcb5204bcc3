// A static schedule of a task graph on processors, and its validator.
#pragma once

#include <string>
#include <vector>

#include "schedkit/graph/task_graph.h"

namespace schedkit::graph {

struct Placement {
  int proc = -1;
  double start = 0.0;
  double finish = 0.0;
};

struct DagSchedule {
  std::string algorithm;
  std::vector<Placement> tasks;  // indexed by task id
  double makespan = 0.0;         // max finish
};

// Every violated rule, one message each: a task not placed, placed on a processor that cannot run it, a
// duration different from its cost, a start before a predecessor's data arrives (finish + communication
// time), or two tasks overlapping on a processor. Empty when the schedule is valid.
std::vector<std::string> FindViolations(const Problem& problem, const DagSchedule& schedule);

// Throws schedkit::Error listing the first violations.
void ValidateSchedule(const Problem& problem, const DagSchedule& schedule);

// Sum of the durations placed on each processor divided by the makespan (0 for an empty schedule).
std::vector<double> Utilisation(const Problem& problem, const DagSchedule& schedule);

}  // namespace schedkit::graph
