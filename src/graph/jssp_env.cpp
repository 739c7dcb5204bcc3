#include "schedkit/graph/jssp_env.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::graph {

JsspEnv::JsspEnv(JsspInstance instance) : inst_(std::move(instance)) { Reset(); }

JsspObservation JsspEnv::Reset() {
  const int n = inst_.num_jobs, m = inst_.num_machines;
  next_.assign(n, 0);
  job_ready_.assign(n, 0);
  machine_ready_.assign(m, 0);
  work_left_.assign(n, 0);
  for (int j = 0; j < n; ++j) {
    for (int k = 0; k < m; ++k) work_left_[j] += inst_.proc[inst_.Op(j, k)];
  }
  schedule_ = JsspSchedule{};
  schedule_.start.assign(inst_.num_ops(), 0);
  scheduled_ = 0;
  return Observe();
}

JsspObservation JsspEnv::Observe() const {
  JsspObservation o;
  for (int j = 0; j < inst_.num_jobs; ++j) {
    if (next_[j] < inst_.num_machines) o.schedulable_jobs.push_back(j);
  }
  o.next_op = next_;
  o.job_ready = job_ready_;
  o.machine_ready = machine_ready_;
  o.work_left = work_left_;
  o.partial_makespan = schedule_.makespan;
  return o;
}

JsspStep JsspEnv::Step(int job) {
  if (scheduled_ == inst_.num_ops())
    throw Error("job-shop environment: step after the episode ended (call Reset)");
  if (job < 0 || job >= inst_.num_jobs) {
    throw Error(fmt::format("job-shop action: job {} out of range 0..{}", job, inst_.num_jobs - 1));
  }
  if (next_[job] == inst_.num_machines)
    throw Error(fmt::format("job-shop action: job {} has no operation left", job));
  const int o = inst_.Op(job, next_[job]);
  const int mach = inst_.machine[o];
  const int64_t start = std::max(job_ready_[job], machine_ready_[mach]);
  const int64_t end = start + inst_.proc[o];
  schedule_.start[o] = start;
  job_ready_[job] = machine_ready_[mach] = end;
  work_left_[job] -= inst_.proc[o];
  ++next_[job];
  ++scheduled_;
  JsspStep s;
  const int64_t before = schedule_.makespan;
  schedule_.makespan = std::max(schedule_.makespan, end);
  s.reward = -static_cast<double>(schedule_.makespan - before);
  s.done = scheduled_ == inst_.num_ops();
  s.observation = Observe();
  return s;
}

JsspInstance RandomJsspInstance(int jobs, int machines, std::uint64_t seed) {
  if (jobs < 1 || machines < 1) throw Error("random job shop: jobs and machines must be >= 1");
  std::mt19937_64 rng(seed);
  JsspInstance inst;
  inst.name = fmt::format("random-{}x{}-seed{}", jobs, machines, seed);
  inst.num_jobs = jobs;
  inst.num_machines = machines;
  std::vector<int> perm(machines);
  for (int j = 0; j < jobs; ++j) {
    std::iota(perm.begin(), perm.end(), 0);
    for (int k = machines - 1; k > 0; --k) std::swap(perm[k], perm[rng() % (k + 1)]);  // Fisher-Yates
    for (int k = 0; k < machines; ++k) {
      inst.machine.push_back(perm[k]);
      inst.proc.push_back(1 + static_cast<int>(rng() % 99));
    }
  }
  return inst;
}

}  // namespace schedkit::graph
