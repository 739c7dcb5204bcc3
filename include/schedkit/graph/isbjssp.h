// ISBJSSP: the interrupting, swap-allowed, blocking job shop, simulated in integer time with online
// dispatching rules. Our specification (the paper's text was not available):
// - blocking: a job whose operation ends keeps (blocks) its machine until it enters the machine of its next
//   operation; its last operation frees the machine at once;
// - swap-allowed: a cycle of blocked jobs, each waiting for the machine held by the next, moves at once;
// - interrupting: at every integer time each machine that is processing shuts down with probability p for
//   a duration drawn uniformly from [1, d_max]; the operation resumes where it stopped;
// - at every time point, each free machine is given, by the dispatching rule, to one of the jobs whose next
//   operation needs it (jobs not started yet or blocked elsewhere); swaps are made when nothing else moves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/graph/jssp_instance.h"
#include "schedkit/graph/jssp_rules.h"

namespace schedkit::graph {

struct IsbjsspOptions {
  DispatchRule rule = DispatchRule::kMwkr;
  double shutdown_probability = 0.0;  // per processing machine and time unit, in [0, 1)
  int max_down = 0;                   // d_max; 0 = the instance's largest processing time
  std::uint64_t seed = 1;
};

// What happened to one operation: the job enters the machine at `enter`, processes in `runs` (possibly
// split by shutdowns) and leaves at `leave` (when it enters its next machine, or at completion for the
// last operation).
struct IsbjsspOpRecord {
  int64_t enter = -1, leave = -1;
  std::vector<std::pair<int64_t, int64_t>> runs;  // [start, end) processing intervals
};

struct IsbjsspResult {
  int64_t makespan = 0;
  std::vector<IsbjsspOpRecord> ops;  // per operation (job * machines + k)
  int64_t swaps = 0;                 // swap cycles performed
  int64_t shutdowns = 0;
  int64_t blocked_time = 0;  // sum over jobs of time spent holding a machine after finishing
};

// Throws schedkit::Error for a probability outside [0, 1) or a negative max_down.
IsbjsspResult SimulateIsbjssp(const JsspInstance& inst, const IsbjsspOptions& options);

// Every violated rule of the model, one message each (empty when valid): processing time, order of a
// job's operations, blocking (a job leaves a machine exactly when it enters the next), machine holding
// intervals overlapping, processing outside the holding interval, wrong makespan.
std::vector<std::string> FindIsbjsspViolations(const JsspInstance& inst, const IsbjsspResult& result);

}  // namespace schedkit::graph
