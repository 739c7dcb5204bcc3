// Schedule tables for the SoC simulator's table scheduler (DS3's "CP" scheduler): for every task of one
// application, the PE that runs it and its position among the tasks of the same job on that PE. The table
// is computed offline for one job on an idle SoC and replayed at run time.
//
// Replay model (exactly the simulator's single-job timing, integer microseconds, job injected at 0):
//   start(t)  = max(ready(t), data(t), finish(previous task on the same PE in table order))
//   ready(t)  = max over predecessors u of finish(u), + 1 if u takes 0 us (a zero-time task completes after
//               the scheduler's tick, so its successors are seen at the next tick)
//   data(t)   = max over predecessors u of finish(u) + int(volume(u, t) / bandwidth(PE(u), PE(t)))
//   finish(t) = start(t) + int(cost(t, PE(t))); the job's time is the largest finish.
#pragma once

#include <cstdint>
#include <vector>

#include "schedkit/graph/task_graph.h"

namespace schedkit::graph {

struct SocTable {
  std::vector<int> pe;     // per task: the PE that runs it
  std::vector<int> order;  // per task: its position (0, 1, ...) among the tasks on that PE
};

struct SocTableTiming {
  std::vector<int64_t> start, finish;  // per task, us
  int64_t makespan = 0;
};

// Throws schedkit::Error on a table of the wrong size, a PE out of range or unable to run its task, orders
// on a PE that are not 0..k-1, or PE orders that contradict the precedence (a deadlock, named).
SocTableTiming ReplaySocTable(const Problem& p, const SocTable& table);

// The table of static HEFT (PE and per-PE order by HEFT start time).
SocTable HeftSocTable(const Problem& p);

// A lower bound on the makespan of every table: the longest path with each task at its fastest PE and each
// edge at its cheapest transfer between PEs able to run its ends.
int64_t SocTableLowerBound(const Problem& p);

struct SocTableSearchOptions {
  int64_t max_evaluations = 200000;  // local-search table evaluations
  int64_t max_nodes = 20000;         // branch-and-bound nodes (0: no exact search)
  // Among tables of equal makespan prefer the least total busy time (sum of the tasks' times on their PEs).
  // DS3's CP model minimises the makespan only; this tie-break is ours and off by default.
  bool minimise_work = false;
  std::uint64_t seed = 1;
};

struct SocTableSearchResult {
  SocTable table;
  int64_t makespan = 0;         // replay makespan of `table`
  int64_t heft_makespan = 0;    // replay makespan of the HEFT table (never better than `makespan`)
  int64_t work = 0;             // total busy time of `table` (sum of task times on their PEs)
  int64_t lower_bound = 0;      // proven: every table takes at least this long
  bool proven_optimal = false;  // the branch and bound finished within max_nodes
  int64_t evaluations = 0, nodes = 0;
};

// Offline optimiser: local search over (PE assignment, priority order) started from the HEFT table, then a
// depth-first branch and bound over tables generated in start-time order, pruned by a PE-aware critical
// path bound. Deterministic for a seed. Throws schedkit::Error on negative budgets.
SocTableSearchResult OptimiseSocTable(const Problem& p, const SocTableSearchOptions& options);

}  // namespace schedkit::graph
