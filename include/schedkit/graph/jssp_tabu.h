// Tabu search for the job shop over machine orders: critical blocks of one critical path, the N7
// neighbourhood (Zhang et al. 2007; N5 of Nowicki & Smutnicki on request), moves ranked by the
// Balas-Vazacopoulos estimate, a random tabu tenure, aspiration by the best makespan, and a return to the
// best solution plus a random kick when the search stalls. Deterministic for a seed when stopped by the
// iteration limit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/graph/jssp_instance.h"

namespace schedkit::graph {

enum class TabuNeighbourhood { kN5, kN7 };

struct TabuOptions {
  TabuNeighbourhood neighbourhood = TabuNeighbourhood::kN7;
  double time_limit_s = 10.0;     // > 0
  long long max_iterations = -1;  // moves; -1 = no limit
  std::uint64_t seed = 1;
  long long lower_bound = 0;  // stop as soon as the makespan reaches it (0: the trivial bound)
  int stall_iterations = 0;   // restart from the best after this many moves without a new best (0: auto)
};

struct TabuResult {
  JsspSchedule best;
  long long initial_makespan = 0;
  long long iterations = 0;
  long long restarts = 0;
  double seconds = 0.0;
  std::string stopped_by;  // "time limit", "iteration limit", "lower bound reached", "no move (optimal)"
};

// Improves `initial` (any valid schedule; its machine orders are the start point). Throws schedkit::Error
// when time_limit_s <= 0 or the initial schedule is invalid.
TabuResult TabuSearch(const JsspInstance& inst, const JsspSchedule& initial, const TabuOptions& options);

// Semi-active schedule (every operation as early as possible) of the given machine orders. Throws
// schedkit::Error if the orders contain a cycle with the job orders or do not cover every operation.
JsspSchedule ScheduleFromOrders(const JsspInstance& inst, const std::vector<std::vector<int>>& orders);

}  // namespace schedkit::graph
