#include "schedkit/graph/random_dag.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::graph {

Problem RandomDagProblem(const RandomDagOptions& o) {
  if (o.num_tasks < 1 || o.num_procs < 1 || o.max_span < 1) throw Error("random DAG: sizes must be >= 1");
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto value = [&](double lo, double hi) {
    const double v = lo + (hi - lo) * unit(rng);
    return o.integer_times ? std::round(v) : v;
  };
  Problem p;
  p.graph.name = fmt::format("random-{}-seed{}", o.num_tasks, o.seed);
  for (int t = 0; t < o.num_tasks; ++t) p.graph.AddTask(fmt::format("t{}", t));
  // Each task draws its out-degree around the mean; targets are distinct ids within max_span ahead.
  std::poisson_distribution<int> degree(o.edges_per_task);
  std::vector<int> targets;
  for (int i = 0; i + 1 < o.num_tasks; ++i) {
    const int room = std::min(o.max_span, o.num_tasks - 1 - i);
    const int d = std::min(degree(rng), room);
    targets.clear();
    while (static_cast<int>(targets.size()) < d) {
      const int j = i + 1 + static_cast<int>(unit(rng) * room) % room;
      if (std::find(targets.begin(), targets.end(), j) == targets.end()) targets.push_back(j);
    }
    std::sort(targets.begin(), targets.end());
    for (int j : targets) p.graph.AddEdge(i, j, value(0, o.max_volume));
  }
  for (int k = 0; k < o.num_procs; ++k) p.proc_names.push_back(fmt::format("P{}", k));
  p.cost.resize(static_cast<size_t>(o.num_tasks) * o.num_procs);
  for (int t = 0; t < o.num_tasks; ++t) {
    const int keep = static_cast<int>(unit(rng) * o.num_procs) % o.num_procs;
    for (int k = 0; k < o.num_procs; ++k) {
      const bool incapable = k != keep && unit(rng) < o.incapable_fraction;
      p.cost[static_cast<size_t>(t) * o.num_procs + k] =
          incapable ? kCannotRun : value(o.min_cost, o.max_cost);
    }
  }
  p.bandwidth.assign(static_cast<size_t>(o.num_procs) * o.num_procs, 1.0);
  for (int k = 0; k < o.num_procs; ++k) p.bandwidth[static_cast<size_t>(k) * o.num_procs + k] = 1e12;
  p.truncate_comm = o.integer_times;
  return p;
}

}  // namespace schedkit::graph
