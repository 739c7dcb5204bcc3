// Exact job-shop cross-check with Gecode's unary-resource propagators (built only when libgecode-dev is
// found at configure time; otherwise SolveJsspExact throws).
#pragma once

#include <cstdint>

#include "schedkit/graph/jssp_instance.h"

namespace schedkit::graph {

struct JsspExactResult {
  JsspSchedule best;    // the best schedule found (empty start vector when none)
  bool proven = false;  // the search space was exhausted: best.makespan is optimal
  double seconds = 0;
  int64_t nodes = 0;
};

bool GecodeAvailable();

// Branch and bound on start times (smallest earliest start first) with one unary constraint per machine;
// `upper_bound` bounds the horizon (a known schedule's makespan, e.g. from the tabu search). Throws
// schedkit::Error when built without Gecode, the time limit is <= 0 or the bound is below the trivial one.
JsspExactResult SolveJsspExact(const JsspInstance& inst, int64_t upper_bound, double time_limit_s);

}  // namespace schedkit::graph
