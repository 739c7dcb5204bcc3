#include "schedkit/graph/soc_env.h"

#include <algorithm>
#include <cstdint>

#include "schedkit/graph/soc_simulator.h"
#include "schedkit/util/error.h"

namespace schedkit::graph {

SocEnv::SocEnv(const Ds3Soc& soc, SocSimConfig config) {
  config.scheduler = SocScheduler::kExternal;
  sim_ = std::make_unique<SocSimulator>(soc, config);
}

SocEnv::~SocEnv() = default;

int SocEnv::num_pes() const { return sim_->num_pes(); }

SocSimResult SocEnv::Result() const { return sim_->Result(); }

SocObservation SocEnv::Observe() const {
  SocObservation o;
  o.now_us = sim_->now();
  const int q = sim_->num_pes();
  for (int p = 0; p < q; ++p) {
    o.pe_idle.push_back(sim_->PeIdle(p) ? 1 : 0);
    o.pe_wait_us.push_back(std::max(sim_->PeAvailable(p) - o.now_us, int64_t{0}));
  }
  for (int key : sim_->ready()) {
    SocReadyTask t;
    t.app = sim_->TaskApp(key);
    t.task = sim_->TaskLocal(key);
    t.rank_u = sim_->UpwardRank(key);
    t.job_age_us = o.now_us - sim_->JobInjection(key);
    t.job_tasks_left = sim_->JobTasksLeft(key);
    for (int p = 0; p < q; ++p) {
      const double w = sim_->ExpectedExec(key, p);
      t.exec_us.push_back(w);
      t.data_wait_us.push_back(w == kCannotRun ? 0
                                               : std::max(sim_->DataReady(key, p) - o.now_us, int64_t{0}));
    }
    o.ready.push_back(std::move(t));
  }
  return o;
}

SocObservation SocEnv::Reset(std::uint64_t seed) {
  sim_->Reset(seed);
  sim_->RunUntilDecision();
  return Observe();
}

SocStep SocEnv::Step(int ready_index, int pe) {
  if (sim_->done()) throw Error("SoC environment: step after the episode ended (call Reset)");
  const double before = sim_->cumulative_job_time();
  sim_->Assign(ready_index, pe);
  SocStep s;
  if (sim_->ready().empty()) sim_->RunUntilDecision();
  s.done = sim_->done();
  s.reward = -(sim_->cumulative_job_time() - before);
  s.observation = Observe();
  return s;
}

}  // namespace schedkit::graph
