// Reset/step environment over the SoC simulator, for learned schedulers (DeepSoCS-style): at each decision
// the agent sees the ready tasks and the PE states and assigns one ready task to one PE.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "schedkit/graph/soc_sim.h"

namespace schedkit::graph {

class SocSimulator;

struct SocReadyTask {
  int app = 0, task = 0;   // application index in the job mix, task id inside it
  double rank_u = 0;       // upward rank of the task in its application
  int64_t job_age_us = 0;  // now - injection of its job
  int job_tasks_left = 0;
  std::vector<double> exec_us;        // expected time per PE, kCannotRun where not capable
  std::vector<int64_t> data_wait_us;  // max(data arrival - now, 0) per PE
};

struct SocObservation {
  int64_t now_us = 0;
  std::vector<SocReadyTask> ready;
  std::vector<char> pe_idle;
  std::vector<int64_t> pe_wait_us;  // max(estimated availability - now, 0)
};

struct SocStep {
  SocObservation observation;
  double reward = 0;  // minus the latency (us) of the jobs that finished during the step
  bool done = false;
};

class SocEnv {
 public:
  // config.scheduler is ignored (the agent schedules). Throws like SimulateSoc on a bad configuration.
  SocEnv(const Ds3Soc& soc, SocSimConfig config);
  ~SocEnv();
  SocObservation Reset(std::uint64_t seed);
  // Assigns observation.ready[ready_index] to `pe`. Throws schedkit::Error on an index out of range, a PE
  // that cannot run the task, or a step after the episode ended.
  SocStep Step(int ready_index, int pe);
  int num_pes() const;
  SocSimResult Result() const;

 private:
  SocObservation Observe() const;
  std::unique_ptr<SocSimulator> sim_;
};

}  // namespace schedkit::graph
