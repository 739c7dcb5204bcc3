// Random layered-free DAG instances for property tests and benchmarks (deterministic for a seed).
#pragma once

#include <cstdint>

#include "schedkit/graph/task_graph.h"

namespace schedkit::graph {

struct RandomDagOptions {
  int num_tasks = 100;
  int num_procs = 4;
  double edges_per_task = 3.0;  // mean out-degree; edges go from a lower to a higher id
  int max_span = 50;            // an edge i -> j has j - i <= max_span (keeps graphs deep)
  double min_cost = 1, max_cost = 100;
  double max_volume = 50;         // volumes uniform in [0, max_volume]
  double incapable_fraction = 0;  // chance that a (task, processor) pair cannot run (one stays capable)
  bool integer_times = true;      // round costs and volumes to integers
  std::uint64_t seed = 1;
};

// Bandwidth 1 between different processors and very large on the same processor (no same-PE cost).
Problem RandomDagProblem(const RandomDagOptions& options);

}  // namespace schedkit::graph
