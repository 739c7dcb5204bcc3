// Tabu search for the job shop over machine orders: critical blocks of one critical path, the N7
// neighbourhood (Zhang et al. 2007; N5 of Nowicki & Smutnicki on request), moves ranked by the
// Balas-Vazacopoulos estimate, a random tabu tenure, aspiration by the best makespan, heads and tails updated
// incrementally (jssp_disjunctive_graph.h). Two drivers: one trajectory that returns to its best plus a
// random kick when it stalls, or (population >= 2) tabu search with path relinking in the manner of TS/PR
// (Peng, Lu & Cheng 2015): an elite pool of tabu-improved solutions; each round relinks two of them, improves
// the intermediate solution by tabu search and updates the pool by quality and distance. Deterministic for a
// seed when stopped by the iteration limit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/graph/jssp_instance.h"

namespace schedkit::graph {

enum class TabuNeighbourhood { kN5, kN7 };
// What a move makes tabu. A move takes an operation u past the operations x1..xk of its machine and so
// reverses the k pairs (u, xi). kArc: only the pair that was adjacent before the move (u and the first
// operation it jumps; the single arc of TSAB's tabu list), so the move that puts u back next to it is
// forbidden. kPairs: all k pairs, which also forbids every move restoring any of them. A candidate move is
// tabu when it would restore a forbidden pair.
enum class TabuAttribute { kArc, kPairs };
// Which clock the time limit reads: wall (steady) time, or the CPU time of the calling thread
// (CLOCK_THREAD_CPUTIME_ID), which makes "60 s on one core" measurable on a loaded machine.
enum class TabuClock { kWall, kCpu };

struct TabuOptions {
  TabuNeighbourhood neighbourhood = TabuNeighbourhood::kN7;
  double time_limit_s = 10.0;  // > 0
  TabuClock clock = TabuClock::kWall;
  int64_t max_iterations = -1;  // moves; -1 = no limit
  std::uint64_t seed = 1;
  int64_t lower_bound = 0;  // stop as soon as the makespan reaches it (0: the trivial bound)
  // A tabu walk ends after this many moves without improving its own best (0: auto, see jssp_tabu.cpp).
  int stall_iterations = 0;
  // 0 or 1: one trajectory, restarted from the best after each stalled walk; >= 2: TS/PR with an elite pool
  // of this size.
  int population = 0;
  TabuAttribute attribute = TabuAttribute::kArc;
  // Tabu tenure: drawn per move uniformly from [min_factor x L, max_factor x L], L = 10 + n/m (Zhang et al.
  // 2007's base length), each bound rounded down; the defaults are measured on ta01-20 (docs/graph.md).
  // 0 < min <= max.
  double tenure_min_factor = 0.6;
  double tenure_max_factor = 1.0;
};

struct TabuResult {
  JsspSchedule best;
  int64_t initial_makespan = 0;
  int64_t iterations = 0;
  int64_t restarts = 0;      // walks after the first
  double seconds = 0.0;      // wall time
  double cpu_seconds = 0.0;  // CPU time of the calling thread
  // "wall time limit", "cpu time limit", "iteration limit", "lower bound reached", "no move (optimal)"
  std::string stopped_by;
};

// Names and parsers; a parser throws schedkit::Error naming `what` (a flag) and listing the valid names.
std::string TabuClockName(TabuClock c);  // "wall", "cpu"
TabuClock ParseTabuClock(const std::string& name, std::string_view what = "clock");
std::string TabuAttributeName(TabuAttribute a);  // "arc", "pairs"
TabuAttribute ParseTabuAttribute(const std::string& name, std::string_view what = "tabu attribute");
TabuNeighbourhood ParseTabuNeighbourhood(const std::string& name,  // "n5", "n7"
                                         std::string_view what = "neighbourhood");

// Improves `initial` (any valid schedule; its machine orders are the start point). Throws schedkit::Error
// when time_limit_s <= 0, the iteration limit, population or tenure factors are out of range, or the initial
// schedule is invalid.
TabuResult TabuSearch(const JsspInstance& inst, const JsspSchedule& initial, const TabuOptions& options);

// Semi-active schedule (every operation as early as possible) of the given machine orders. Throws
// schedkit::Error if the orders contain a cycle with the job orders or do not cover every operation.
JsspSchedule ScheduleFromOrders(const JsspInstance& inst, const std::vector<std::vector<int>>& orders);

}  // namespace schedkit::graph
