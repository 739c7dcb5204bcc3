#include "schedkit/graph/soc_sim.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "schedkit/graph/list_scheduling.h"
#include "schedkit/graph/soc_simulator.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::graph {

namespace {
// Names first, synonyms after (EnumName returns the first).
constexpr util::NamedValue<SocScheduler> kSchedulerNames[] = {
    {"met", SocScheduler::kMet},          {"etf", SocScheduler::kEtf},  {"heft", SocScheduler::kHeftRt},
    {"table", SocScheduler::kTable},      {"cp", SocScheduler::kTable}, {"heft-rt", SocScheduler::kHeftRt},
    {"external", SocScheduler::kExternal}};
constexpr util::NamedValue<SocTableSource> kTableSourceNames[] = {{"opt", SocTableSource::kOptimised},
                                                                  {"heft", SocTableSource::kHeft},
                                                                  {"optimised", SocTableSource::kOptimised}};
}  // namespace

SocScheduler ParseSocScheduler(const std::string& name, std::string_view what) {
  return util::ParseEnum<SocScheduler>(name, what, kSchedulerNames);
}

SocTableSource ParseSocTableSource(const std::string& name, std::string_view what) {
  return util::ParseEnum<SocTableSource>(name, what, kTableSourceNames);
}

const char* SocSchedulerName(SocScheduler s) {
  return util::EnumName<SocScheduler>(s, kSchedulerNames).data();  // the table holds string literals
}

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
}

SocSimulator::SocSimulator(const Ds3Soc& soc, const SocSimConfig& config) : config_(config) {
  if (config.apps.empty()) throw Error("SoC simulation: no job (application) given");
  if (config.max_jobs_in_parallel < 1) {
    throw Error(fmt::format("max_jobs_in_parallel must be >= 1, got {}", config.max_jobs_in_parallel));
  }
  if (!(config.scale_us > 0))
    throw Error(fmt::format("the injection scale must be > 0 us, got {}", config.scale_us));
  if (config.max_jobs < 1)
    throw Error(fmt::format("the number of jobs must be >= 1, got {}", config.max_jobs));
  if (config.noise_sigma < 0) throw Error("the noise standard deviation must be >= 0");
  if (!config.probabilities.empty() && config.probabilities.size() != config.apps.size()) {
    throw Error(
        fmt::format("{} job probabilities for {} jobs", config.probabilities.size(), config.apps.size()));
  }
  double psum = 0;
  for (double p : config.probabilities) {
    if (!(p >= 0)) throw Error("job probabilities must be >= 0");
    psum += p;
  }
  if (!config.probabilities.empty() && !(psum > 0)) throw Error("job probabilities must not all be 0");
  for (const Ds3Job& job : config.apps) {
    const Problem p = MakeProblem(job, soc);  // throws for a task no PE can run
    if (apps_.empty()) {
      pe_names_ = p.proc_names;
      bandwidth_ = p.bandwidth;
      num_pes_ = p.num_procs();
    }
    App a;
    a.n = p.num_tasks();
    a.preds = p.graph.preds;
    a.succs = p.graph.succs;
    for (auto& s : a.succs)
      std::sort(s.begin(), s.end(), [](const Arc& x, const Arc& y) { return x.task < y.task; });
    a.exec = p.cost;
    a.rank_u = UpwardRanks(p);
    if (config.scheduler == SocScheduler::kTable) {
      SocTable table;
      if (config.table_source == SocTableSource::kGiven) {
        if (config.tables.size() != config.apps.size()) {
          throw Error(
              fmt::format("{} schedule tables given for {} jobs", config.tables.size(), config.apps.size()));
        }
        table = config.tables[apps_.size()];
        ReplaySocTable(p, table);  // throws on an invalid table
      } else if (config.table_source == SocTableSource::kHeft) {
        table = HeftSocTable(p);
      } else {
        table = OptimiseSocTable(p, config.table_search).table;
      }
      a.table_pe = table.pe;
      a.table_prev.assign(a.n, -1);
      for (int t = 0; t < a.n; ++t) {
        for (int u = 0; u < a.n; ++u) {
          if (table.pe[u] == table.pe[t] && table.order[u] + 1 == table.order[t]) a.table_prev[t] = u;
        }
      }
    }
    max_tasks_ = std::max(max_tasks_, a.n);
    apps_.push_back(std::move(a));
  }
  std::vector<double> w = config.probabilities;
  if (w.empty()) w.assign(apps_.size(), 1.0);
  pick_app_ = std::discrete_distribution<int>(w.begin(), w.end());
  Reset(config.seed);
}

void SocSimulator::Reset(std::uint64_t seed) {
  rng_.seed(seed);
  pick_app_.reset();
  now_ = next_inject_ = injected_ = job_seq_ = 0;
  jobs_in_system_ = 0;
  done_ = false;
  scheduled_this_tick_ = false;
  const int slots = config_.max_jobs_in_parallel;
  jobs_.assign(slots, Job{});
  free_slots_.clear();
  for (int s = slots - 1; s >= 0; --s) free_slots_.push_back(s);
  const size_t keys = static_cast<size_t>(slots) * max_tasks_;
  preds_left_.assign(keys, 0);
  task_pe_.assign(keys, -1);
  task_finish_.assign(keys, 0);
  task_ready_at_.assign(keys, 0);
  task_seq_.assign(keys, 0);
  task_done_.assign(keys, 0);
  ready_.clear();
  executable_.assign(num_pes_, {});
  pe_running_.assign(num_pes_, -1);
  pe_busy_until_.assign(num_pes_, 0);
  pe_avail_.assign(num_pes_, 0);
  pe_busy_time_.assign(num_pes_, 0);
  completed_ = tasks_run_ = 0;
  cumulative_time_ = 0;
}

int64_t SocSimulator::CommTime(double volume, int from, int to) const {
  if (volume == 0) return 0;
  return static_cast<int64_t>(volume / bandwidth_[static_cast<size_t>(from) * num_pes_ + to]);  // DS3: int()
}

int64_t SocSimulator::DataReady(int key, int pe) const {
  const App& a = apps_[TaskApp(key)];
  const int local = TaskLocal(key);
  if (a.preds[local].empty()) return now_;
  int64_t ready = 0;
  for (const Arc& arc : a.preds[local]) {
    const int pk = PredKey(key, arc.task);
    ready = std::max(ready, task_finish_[pk] + CommTime(arc.volume, task_pe_[pk], pe));
  }
  return ready;
}

bool SocSimulator::TableBlocked(int key) const {
  if (config_.scheduler != SocScheduler::kTable) return false;
  const int prev = apps_[TaskApp(key)].table_prev[TaskLocal(key)];
  return prev >= 0 && !task_done_[PredKey(key, prev)];
}

void SocSimulator::Inject() {
  const int slot = free_slots_.back();
  free_slots_.pop_back();
  Job& job = jobs_[slot];
  job.app = config_.apps.size() == 1 ? 0 : pick_app_(rng_);
  job.seq = job_seq_++;
  job.inject_time = now_;
  const App& a = apps_[job.app];
  job.tasks_left = a.n;
  for (int t = 0; t < a.n; ++t) {
    const int key = slot * max_tasks_ + t;
    preds_left_[key] = static_cast<int>(a.preds[t].size());
    task_pe_[key] = -1;
    task_seq_[key] = job.seq;
    task_done_[key] = 0;
    if (preds_left_[key] == 0) ready_.push_back(key);
  }
  ++jobs_in_system_;
  ++injected_;
  int64_t wait = 0;
  if (config_.fixed_injection) {
    wait = static_cast<int64_t>(config_.scale_us);
  } else {
    wait = static_cast<int64_t>(std::exponential_distribution<double>(1.0 / config_.scale_us)(rng_));
  }
  next_inject_ = now_ + wait;
}

void SocSimulator::Complete(int pe) {
  const int key = pe_running_[pe];
  pe_running_[pe] = -1;
  task_done_[key] = 1;
  const int slot = key / max_tasks_;
  Job& job = jobs_[slot];
  const App& a = apps_[job.app];
  for (const Arc& arc : a.succs[TaskLocal(key)]) {
    const int sk = slot * max_tasks_ + arc.task;
    if (--preds_left_[sk] == 0) ready_.push_back(sk);
  }
  if (--job.tasks_left == 0) {
    if (now_ >= config_.warmup_us) {
      ++completed_;
      cumulative_time_ += static_cast<double>(now_ - job.inject_time);
    }
    --jobs_in_system_;
    free_slots_.push_back(slot);
  }
}

void SocSimulator::MoveToExecutable(int key, int pe) {
  task_pe_[key] = pe;
  task_ready_at_[key] = DataReady(key, pe);
  auto& q = executable_[pe];
  // DS3 keeps the executable list sorted by job id (stable): insert after every task of older or equal jobs.
  const int64_t seq = task_seq_[key];
  auto it = std::upper_bound(q.begin(), q.end(), seq, [&](int64_t s, int k) { return s < task_seq_[k]; });
  q.insert(it, key);
}

void SocSimulator::Assign(int ready_index, int pe) {
  if (ready_index < 0 || ready_index >= static_cast<int>(ready_.size())) {
    throw Error(fmt::format("action: ready index {} out of range 0..{}", ready_index, ready_.size() - 1));
  }
  if (pe < 0 || pe >= num_pes_)
    throw Error(fmt::format("action: PE {} out of range 0..{}", pe, num_pes_ - 1));
  const int key = ready_[ready_index];
  const double w = ExpectedExec(key, pe);
  if (w == kCannotRun) throw Error(fmt::format("action: {} cannot run this task", pe_names_[pe]));
  pe_avail_[pe] = std::max({now_, pe_avail_[pe], DataReady(key, pe)}) + static_cast<int64_t>(w);
  ready_.erase(ready_.begin() + ready_index);
  MoveToExecutable(key, pe);
}

void SocSimulator::ScheduleBuiltIn() {
  const int q = num_pes_;
  switch (config_.scheduler) {
    case SocScheduler::kMet: {
      // DS3 MET: fastest PE; among equally fast PEs prefer idle ones, then the fewest tasks assigned in
      // this call, then the lower index.
      std::vector<int> assigned(q, 0);
      for (int key : ready_) {
        double best = kCannotRun;
        for (int p = 0; p < q; ++p) best = std::min(best, ExpectedExec(key, p));
        bool any_idle = false;
        for (int p = 0; p < q; ++p) any_idle = any_idle || (ExpectedExec(key, p) == best && PeIdle(p));
        int pick = -1;
        for (int p = 0; p < q; ++p) {
          if (ExpectedExec(key, p) != best || (any_idle && !PeIdle(p))) continue;
          if (pick < 0 || assigned[p] < assigned[pick]) pick = p;
        }
        ++assigned[pick];
        MoveToExecutable(key, pick);
      }
      ready_.clear();
      break;
    }
    case SocScheduler::kEtf: {
      // DS3 ETF: repeatedly the (task, PE) pair with the earliest estimated finish, where a PE's
      // estimated availability is updated on each assignment. Ties: first task in the ready list, lower PE.
      // Data-arrival delays do not change during the call, so they are computed once.
      const size_t r = ready_.size();
      etf_comm_.assign(r * q, -1);
      for (size_t i = 0; i < r; ++i) {
        for (int p = 0; p < q; ++p) {
          if (ExpectedExec(ready_[i], p) != kCannotRun) {
            etf_comm_[i * q + p] = std::max(DataReady(ready_[i], p) - now_, int64_t{0});
          }
        }
      }
      etf_alive_.assign(r, 1);
      for (size_t round = 0; round < r; ++round) {
        int64_t best = kNever;
        size_t best_i = 0;
        int best_p = -1;
        for (size_t i = 0; i < r; ++i) {
          if (!etf_alive_[i]) continue;
          const int key = ready_[i];
          for (int p = 0; p < q; ++p) {
            const int64_t comm = etf_comm_[i * q + p];
            if (comm < 0) continue;
            const int64_t wait = std::max(pe_avail_[p] - now_, int64_t{0});
            const int64_t finish = static_cast<int64_t>(ExpectedExec(key, p)) + std::max(comm, wait);
            if (finish < best) {
              best = finish;
              best_i = i;
              best_p = p;
            }
          }
        }
        pe_avail_[best_p] = now_ + best;
        etf_alive_[best_i] = 0;
        MoveToExecutable(ready_[best_i], best_p);
      }
      ready_.clear();
      break;
    }
    case SocScheduler::kHeftRt: {
      // Runtime HEFT: ready tasks by upward rank (job order, then id, on ties), each to the PE with the
      // earliest estimated finish.
      std::stable_sort(ready_.begin(), ready_.end(), [&](int x, int y) {
        const double rx = UpwardRank(x), ry = UpwardRank(y);
        if (rx != ry) return rx > ry;
        return task_seq_[x] != task_seq_[y] ? task_seq_[x] < task_seq_[y] : x < y;
      });
      for (int key : ready_) {
        int64_t best = kNever;
        int best_p = -1;
        for (int p = 0; p < q; ++p) {
          const double w = ExpectedExec(key, p);
          if (w == kCannotRun) continue;
          const int64_t finish = std::max({DataReady(key, p), pe_avail_[p], now_}) + static_cast<int64_t>(w);
          if (finish < best) {
            best = finish;
            best_p = p;
          }
        }
        pe_avail_[best_p] = best;
        MoveToExecutable(key, best_p);
      }
      ready_.clear();
      break;
    }
    case SocScheduler::kTable:
      for (int key : ready_) MoveToExecutable(key, apps_[TaskApp(key)].table_pe[TaskLocal(key)]);
      ready_.clear();
      break;
    case SocScheduler::kExternal:
      break;
  }
}

void SocSimulator::StartTasks() {
  for (int p = 0; p < num_pes_; ++p) {
    if (pe_running_[p] >= 0) continue;
    auto& q = executable_[p];
    size_t i = 0;
    while (i < q.size()) {
      const int key = q[i];
      if (task_ready_at_[key] > now_ || TableBlocked(key)) {
        ++i;
        continue;
      }
      q.erase(q.begin() + static_cast<std::ptrdiff_t>(i));
      double w = ExpectedExec(key, p);
      if (config_.noise_sigma > 0) {
        const double f = std::normal_distribution<double>(1.0, config_.noise_sigma)(rng_);
        w = std::round(w * std::max(0.1, f));
      }
      const int64_t dur = static_cast<int64_t>(w);
      pe_running_[p] = key;
      pe_busy_until_[p] = now_ + dur;
      task_finish_[key] = now_ + dur;
      const int64_t from = std::max(now_, config_.warmup_us);
      if (now_ + dur > from) pe_busy_time_[p] += now_ + dur - from;
      ++tasks_run_;
      if (dur > 0) break;
      // A zero-time task (DS3's dummy 'end') finishes at once; its successors are scheduled next tick. The
      // scan restarts because a task it blocked (table order) may sit earlier in the queue.
      Complete(p);
      i = 0;
    }
  }
}

bool SocSimulator::RunUntilDecision() {
  while (!done_) {
    if (!scheduled_this_tick_) {
      // 1. Tasks finishing now free their PE and release successors (DS3 handles them before the tick).
      for (int p = 0; p < num_pes_; ++p) {
        if (pe_running_[p] >= 0 && pe_busy_until_[p] <= now_) Complete(p);
      }
      // 2. Job injection (paused while max_jobs_in_parallel jobs are in the system).
      while (injected_ < config_.max_jobs && now_ >= next_inject_ &&
             jobs_in_system_ < config_.max_jobs_in_parallel) {
        Inject();
      }
      scheduled_this_tick_ = true;
    }
    // 3. Scheduling of the ready tasks.
    if (!ready_.empty()) {
      if (config_.scheduler == SocScheduler::kExternal) return true;
      ScheduleBuiltIn();
    }
    // 4. Start every idle PE's first executable task whose data has arrived.
    StartTasks();
    if (injected_ == config_.max_jobs && jobs_in_system_ == 0) {
      done_ = true;
      break;
    }
    // 5. Next time something can happen.
    int64_t next = ready_.empty() ? kNever : now_ + 1;
    for (int p = 0; p < num_pes_; ++p) {
      if (pe_running_[p] >= 0) {
        next = std::min(next, pe_busy_until_[p]);
      } else {
        // Tasks blocked by the table order wake up on a completion, which is an event of its own.
        for (int key : executable_[p]) {
          if (!TableBlocked(key)) next = std::min(next, task_ready_at_[key]);
        }
      }
    }
    if (injected_ < config_.max_jobs && jobs_in_system_ < config_.max_jobs_in_parallel)
      next = std::min(next, next_inject_);
    if (next == kNever) throw Error("SoC simulation stalled (no runnable task); this is a bug");
    now_ = std::max(next, now_ + 1);  // the DS3 clock ticks in 1 us steps
    scheduled_this_tick_ = false;
  }
  return false;
}

SocSimResult SocSimulator::Result() const {
  SocSimResult r;
  r.injected_jobs = injected_;
  r.completed_jobs = completed_;
  r.avg_job_time_us = completed_ > 0 ? cumulative_time_ / static_cast<double>(completed_) : 0.0;
  r.end_time_us = now_;
  const double window = static_cast<double>(std::max(int64_t{1}, now_ - config_.warmup_us));
  r.throughput_jobs_per_ms = 1000.0 * static_cast<double>(completed_) / window;
  r.injection_rate_jobs_per_ms = 1000.0 * static_cast<double>(injected_) / window;
  r.pe_names = pe_names_;
  for (int64_t b : pe_busy_time_) r.pe_utilisation.push_back(static_cast<double>(b) / window);
  r.tasks_run = tasks_run_;
  return r;
}

SocSimResult SimulateSoc(const Ds3Soc& soc, const SocSimConfig& config) {
  if (config.scheduler == SocScheduler::kExternal) {
    throw Error("the external scheduler needs the reset/step environment, not SimulateSoc");
  }
  SocSimulator sim(soc, config);
  sim.RunUntilDecision();
  return sim.Result();
}

}  // namespace schedkit::graph
