// Job-shop instances (J||Cmax) in the standard OR-Library / Taillard-converted text format, the bounds
// table of the shared data, and schedules with their validator.
#pragma once

#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <vector>

namespace schedkit::graph {

// Operation o = job * num_machines + k is the k-th operation of `job` (jobs have num_machines operations).
struct JsspInstance {
  std::string name;
  int num_jobs = 0;
  int num_machines = 0;
  std::vector<int> machine;  // per operation
  std::vector<int> proc;     // processing time per operation

  int num_ops() const { return num_jobs * num_machines; }
  int Op(int job, int k) const { return job * num_machines + k; }
  int JobOf(int op) const { return op / num_machines; }
  int IndexInJob(int op) const { return op % num_machines; }
  // max(longest job, most loaded machine): a trivial lower bound on the makespan.
  int64_t TrivialLowerBound() const;
};

// "<n_jobs> <n_machines>" then one line per job of n_machines "<machine> <time>" pairs, machines from 0.
// Throws schedkit::Error with "file:line" on a malformed line, a machine index out of range, a negative
// time or a missing/extra job line.
JsspInstance ParseJsspInstance(std::istream& in, const std::string& source);
JsspInstance ReadJsspInstance(const std::string& path);  // name = file stem

struct JsspBounds {
  std::string instance, family;
  int jobs = 0, machines = 0;
  int64_t lb = 0, ub = 0;
  bool optimal = false;
  int64_t cpsat600_lb = 0, cpsat600_ub = 0;  // 0 when absent
};
// Reads bounds.csv (columns by header name). Throws on a malformed row (file:line).
std::map<std::string, JsspBounds> ReadJsspBounds(const std::string& path);

// Start time of every operation; semi-active schedules come from machine orders (see jssp_tabu.h).
struct JsspSchedule {
  std::vector<int64_t> start;  // per operation
  int64_t makespan = 0;
};

// Every violated rule: job order (an operation before its predecessor finishes), machine overlap, a
// negative start, a wrong makespan. Empty when valid.
std::vector<std::string> FindJsspViolations(const JsspInstance& inst, const JsspSchedule& s);
void ValidateJsspSchedule(const JsspInstance& inst, const JsspSchedule& s);  // throws schedkit::Error

// Operations of each machine sorted by start time (ties by operation id).
std::vector<std::vector<int>> MachineOrders(const JsspInstance& inst, const JsspSchedule& s);

}  // namespace schedkit::graph
