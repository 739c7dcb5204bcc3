// Reset/step environment for the job shop (the L2D MDP): at each step the agent picks a job whose next
// operation is then scheduled at its earliest start after the job's previous operation and the machine's
// last operation (append, no insertion). The reward is minus the growth of the partial makespan, so an
// episode's return is minus the final makespan.
#pragma once

#include <cstdint>
#include <vector>

#include "schedkit/graph/jssp_instance.h"

namespace schedkit::graph {

struct JsspObservation {
  std::vector<int> schedulable_jobs;   // jobs with an operation left, ascending
  std::vector<int> next_op;            // per job: index of the next operation (num_machines when done)
  std::vector<int64_t> job_ready;      // per job: end of its last scheduled operation
  std::vector<int64_t> machine_ready;  // per machine: end of its last scheduled operation
  std::vector<int64_t> work_left;      // per job: processing time of its unscheduled operations
  int64_t partial_makespan = 0;
};

struct JsspStep {
  JsspObservation observation;
  double reward = 0;
  bool done = false;
};

class JsspEnv {
 public:
  explicit JsspEnv(JsspInstance instance);
  JsspObservation Reset();
  // Throws schedkit::Error if `job` is out of range or has no operation left, or after the episode ended.
  JsspStep Step(int job);
  const JsspSchedule& schedule() const { return schedule_; }  // complete once done
  const JsspInstance& instance() const { return inst_; }

 private:
  JsspObservation Observe() const;
  JsspInstance inst_;
  std::vector<int> next_;
  std::vector<int64_t> job_ready_, machine_ready_, work_left_;
  JsspSchedule schedule_;
  int scheduled_ = 0;
};

// Taillard-style random instance (uniform times in [1, 99], random machine permutations), for training.
JsspInstance RandomJsspInstance(int jobs, int machines, std::uint64_t seed);

}  // namespace schedkit::graph
