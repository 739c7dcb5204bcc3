// The event loop behind SimulateSoc, exposed so that a reset/step environment can take the scheduling
// decisions itself (SocScheduler::kExternal).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "schedkit/graph/soc_sim.h"

namespace schedkit::graph {

class SocSimulator {
 public:
  SocSimulator(const Ds3Soc& soc, const SocSimConfig& config);

  void Reset(std::uint64_t seed);
  // Advances time until some task is ready and the scheduler is external (returns true), or until every
  // job has finished (returns false). Built-in schedulers are applied internally on the way.
  bool RunUntilDecision();
  bool done() const { return done_; }
  int64_t now() const { return now_; }

  // External scheduling: the ready tasks (task keys) and the assignment of one of them to a PE.
  const std::vector<int>& ready() const { return ready_; }
  void Assign(int ready_index, int pe);  // throws schedkit::Error if the PE cannot run the task

  // Read-only views for observations.
  int num_pes() const { return num_pes_; }
  int TaskApp(int key) const { return jobs_[key / max_tasks_].app; }
  int TaskLocal(int key) const { return key % max_tasks_; }
  double ExpectedExec(int key, int pe) const {
    return apps_[TaskApp(key)].exec[TaskLocal(key) * num_pes_ + pe];
  }
  int64_t DataReady(int key, int pe) const;
  int64_t PeAvailable(int pe) const { return pe_avail_[pe]; }
  bool PeIdle(int pe) const { return pe_running_[pe] < 0; }
  double UpwardRank(int key) const { return apps_[TaskApp(key)].rank_u[TaskLocal(key)]; }
  int64_t JobInjection(int key) const { return jobs_[key / max_tasks_].inject_time; }
  int JobTasksLeft(int key) const { return jobs_[key / max_tasks_].tasks_left; }
  int64_t completed_jobs() const { return completed_; }
  double cumulative_job_time() const { return cumulative_time_; }

  SocSimResult Result() const;
  const std::vector<std::string>& pe_names() const { return pe_names_; }

 private:
  struct App {
    int n = 0;
    std::vector<std::vector<Arc>> preds, succs;  // succs sorted by id
    std::vector<double> exec;                    // n x num_pes, kCannotRun where not capable
    std::vector<double> rank_u;
    std::vector<int> table_pe;    // table scheduler: PE of each task
    std::vector<int> table_prev;  // table scheduler: the task before it on its PE (-1: first)
  };
  struct Job {
    int app = -1;
    int64_t seq = 0;
    int64_t inject_time = 0;
    int tasks_left = 0;
  };

  void Inject();
  void Complete(int pe);
  void ScheduleBuiltIn();
  void MoveToExecutable(int key, int pe);
  void StartTasks();
  int64_t CommTime(double volume, int from, int to) const;
  // Table scheduler: the task waits for the task before it on its PE in the table (DS3's dynamic dependency).
  bool TableBlocked(int key) const;
  int PredKey(int key, int pred_local) const { return (key / max_tasks_) * max_tasks_ + pred_local; }

  SocSimConfig config_;
  std::vector<App> apps_;
  std::vector<std::string> pe_names_;
  std::vector<double> bandwidth_;
  int num_pes_ = 0;
  int max_tasks_ = 0;

  std::mt19937_64 rng_;
  std::discrete_distribution<int> pick_app_;
  int64_t now_ = 0, next_inject_ = 0, injected_ = 0, job_seq_ = 0;
  int jobs_in_system_ = 0;
  bool done_ = false;
  bool scheduled_this_tick_ = false;

  std::vector<Job> jobs_;  // one slot per job in the system
  std::vector<int> free_slots_;
  std::vector<int> preds_left_;  // per task key
  std::vector<int> task_pe_;
  std::vector<int64_t> task_finish_, task_ready_at_;
  std::vector<int64_t> task_seq_;  // job sequence number of the task's job (executable order)
  std::vector<char> task_done_;
  std::vector<int> ready_;
  std::vector<std::vector<int>> executable_;  // per PE, ordered by job sequence then arrival
  std::vector<int> pe_running_;
  std::vector<int64_t> pe_busy_until_, pe_avail_;
  std::vector<int64_t> pe_busy_time_;
  int64_t completed_ = 0, tasks_run_ = 0;
  double cumulative_time_ = 0;
  std::vector<int64_t> etf_comm_;  // scratch for the ETF scheduler
  std::vector<char> etf_alive_;
};

}  // namespace schedkit::graph
