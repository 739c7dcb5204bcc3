// Task graphs (DAGs) and the heterogeneous platforms they are scheduled on.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace schedkit::graph {

// Computation cost of a task on a processor that cannot run it.
inline constexpr double kCannotRun = std::numeric_limits<double>::infinity();

struct Arc {
  int task = 0;         // the other end of the edge
  double volume = 0.0;  // data carried on the edge (DS3 comm_vol)
};

// A directed graph of tasks with ids 0..n-1. Edges carry a data volume.
struct TaskGraph {
  std::string name;
  std::vector<std::string> task_names;  // functionality key of each task (looked up in the SoC file)
  std::vector<std::vector<Arc>> succs;  // out-edges, in insertion order
  std::vector<std::vector<Arc>> preds;  // in-edges, in insertion order

  int num_tasks() const { return static_cast<int>(task_names.size()); }
  int AddTask(std::string task_name);
  // Throws schedkit::Error on an id out of range, a self loop or a duplicate edge.
  void AddEdge(int src, int dst, double volume);
  int num_edges() const;
};

// Kahn order, ties to the lower id. Throws schedkit::Error naming one cycle ("a -> b -> a") if the graph
// is not acyclic.
std::vector<int> TopologicalOrder(const TaskGraph& graph);

// A static scheduling instance: a DAG, q processors, the cost matrix and the communication model.
// Communication time of an edge with volume v from processor p to r is v / bandwidth(p, r), truncated to
// an integer when truncate_comm is set (DS3: int(comm_vol / comm_band)).
struct Problem {
  TaskGraph graph;
  std::vector<std::string> proc_names;
  std::vector<double> cost;       // num_tasks x num_procs, row major; kCannotRun where not capable
  std::vector<double> bandwidth;  // num_procs x num_procs
  bool truncate_comm = true;

  int num_tasks() const { return graph.num_tasks(); }
  int num_procs() const { return static_cast<int>(proc_names.size()); }
  double Cost(int task, int proc) const { return cost[static_cast<size_t>(task) * proc_names.size() + proc]; }
  bool CanRun(int task, int proc) const { return Cost(task, proc) != kCannotRun; }
  double CommTime(double volume, int from, int to) const;

  // Throws schedkit::Error if sizes disagree, a cost is negative or NaN, a bandwidth is not positive,
  // a task has no capable processor (named), or the graph has a cycle.
  void Check() const;
};

}  // namespace schedkit::graph
