#include "schedkit/sim/simulator.h"

#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <optional>

#include "schedkit/serve/router.h"
#include "schedkit/sim/event_loop.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace internal {

// The run's own metrics, as the first observer.
class MetricsObserver : public SimulationObserver {
 public:
  explicit MetricsObserver(const SimulationConfig& config)
      : peak_flops_(config.costs.peak_flops),
        metrics_(config.slo, config.scheduler.num_kv_blocks, config.keep_records, config.keep_timeline) {}
  void OnIterationDone(const IterationReport& it) override {
    metrics_.OnIteration(it.start, it.end, *it.output, it.used_blocks, it.num_waiting, it.flops, peak_flops_);
    metrics_.OnTokens(*it.outcome, it.end);
  }
  void OnRequestDone(int32_t replica, const serve::Request& r) override {
    if (r.state == serve::RequestState::kRejected) {
      metrics_.OnRejected(r, replica);
    } else {
      metrics_.OnFinished(r, replica);
    }
  }
  MetricsCollector& metrics() { return metrics_; }

 private:
  double peak_flops_;
  MetricsCollector metrics_;
};

}  // namespace internal

class Simulator::Impl {
 public:
  Impl(const SimulationConfig& config, RequestSource& source, const ExecutionTimeModel& model)
      : config_(config), source_(source), model_(model), metrics_(config) {
    if (config.num_replicas < 1) {
      throw Error(fmt::format("replicas must be at least 1, got {}", config.num_replicas));
    }
    observers_.push_back(&metrics_);
    for (int32_t i = 0; i < config.num_replicas; ++i) {
      replicas_.push_back(std::make_unique<Replica>(i, *this));
      schedulers_.push_back(&replicas_.back()->scheduler());
    }
    router_ = serve::MakeRouter(config.router, config.seed);
    touched_.assign(replicas_.size(), 0);
  }

  void AddObserver(SimulationObserver* observer) {
    observers_.push_back(observer);
    if (observer->wants_decisions()) {
      for (auto& r : replicas_) r->WatchDecisions();
    }
  }

  SimulationResult Run();

 private:
  // One replica: its scheduler, and the iteration in flight (one batch at a time: no pipeline parallelism).
  class Replica : public serve::DecisionObserver {
   public:
    Replica(int32_t index, Impl& sim)
        : index_(index),
          sim_(sim),
          scheduler_(sim.config_.scheduler,
                     serve::MakePolicy(sim.config_.policy, sim.config_.policy_options)) {}

    const serve::Scheduler& scheduler() const { return scheduler_; }
    void WatchDecisions() { scheduler_.set_decision_observer(this); }

    void Add(const serve::RequestSpec& spec) {
      const serve::Request& r = scheduler_.AddRequest(spec, sim_.loop_.Now());
      if (r.state == serve::RequestState::kRejected) sim_.RequestDone(index_, r);
    }

    // Starts an iteration if the replica is idle and has work.
    void Kick();

    void OnDecision(const serve::Decision& decision) override {
      for (SimulationObserver* o : sim_.observers_) {
        if (o->wants_decisions()) o->OnDecision(index_, decision);
      }
    }

   private:
    void Complete();

    int32_t index_;
    Impl& sim_;
    serve::Scheduler scheduler_;
    BatchShape shape_;
    IterationReport report_;  // of the iteration in flight
    bool busy_ = false;
  };

  // Hands every request that has arrived by now to its replica. Called before any replica schedules, so a
  // request arriving at the instant an iteration ends is seen by the next schedule() (as in a real engine).
  void DeliverDue();
  // Delivers due arrivals, starts the replicas they went to, and books the next arrival event.
  void DeliverAndKick();
  // A reactive source can hand out a request earlier than the pending arrival event: the event is then
  // replaced (the old one, identified by its token, does nothing when it fires).
  void ScheduleArrival();
  void RequestDone(int32_t replica, const serve::Request& r) {
    for (SimulationObserver* o : observers_) o->OnRequestDone(replica, r);
    if (source_.reactive()) {
      source_.OnRequestDone(r, loop_.Now());
      source_changed_ = true;
    }
  }

  const SimulationConfig config_;  // a copy: callers may pass a temporary
  RequestSource& source_;
  const ExecutionTimeModel& model_;
  EventLoop loop_;
  internal::MetricsObserver metrics_;
  std::vector<SimulationObserver*> observers_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::vector<const serve::Scheduler*> schedulers_;
  std::unique_ptr<serve::Router> router_;
  std::vector<char> touched_;  // replicas given a request since they were last kicked
  std::optional<serve::RequestSpec> next_;
  int64_t known_ = 0;
  bool arrival_event_pending_ = false;
  double pending_at_ = 0;
  uint64_t arrival_token_ = 0;
  bool source_changed_ = false;
  std::chrono::steady_clock::time_point last_report_;
  bool ran_ = false;
};

void Simulator::Impl::Replica::Kick() {
  if (busy_ || !scheduler_.has_unfinished()) return;
  const double now = sim_.loop_.Now();
  const serve::SchedulerOutput& out = scheduler_.Schedule(now);
  if (out.empty()) return;
  busy_ = true;
  shape_.clear();
  double token_context = 0;
  for (const auto& s : out.scheduled) {
    if (s.is_decode) {
      ++shape_.num_decodes;
      shape_.decode_context_sum += s.context_tokens;
      shape_.max_decode_context = std::max(shape_.max_decode_context, s.context_tokens);
    } else {
      shape_.prefills.push_back(PrefillChunk{s.num_tokens, s.context_tokens});
    }
    token_context += s.num_tokens * (s.context_tokens + (s.num_tokens + 1) / 2.0);
  }
  const CostFactors& c = sim_.config_.costs;
  double dt = sim_.model_.Seconds(shape_);
  if (c.pcie_bytes_per_s > 0) {
    dt += static_cast<double>(out.swapped_in_blocks + out.swapped_out_blocks) * c.kv_bytes_per_block /
          c.pcie_bytes_per_s;
  }
  if (!(dt > 0)) throw Error(fmt::format("execution model predicted a non-positive iteration time {}", dt));
  report_.replica = index_;
  report_.start = now;
  report_.output = &out;
  report_.used_blocks = scheduler_.kv_cache().num_used_blocks();
  report_.flops = c.linear_flops_per_token * static_cast<double>(shape_.num_tokens()) +
                  c.attention_flops_per_token_context * token_context;
  sim_.loop_.At(now + dt, [this] { Complete(); });  // a one-pointer capture: no allocation per event
}

void Simulator::Impl::Replica::Complete() {
  const double now = sim_.loop_.Now();
  const serve::IterationOutcome& outcome = scheduler_.UpdateFromOutput(now);
  // The output of the last Schedule() stays valid until the next Schedule() call, made by Kick() below.
  report_.end = now;
  report_.outcome = &outcome;
  report_.num_waiting = scheduler_.num_waiting();
  for (SimulationObserver* o : sim_.observers_) o->OnIterationDone(report_);
  for (const serve::Request* r : outcome.finished) sim_.RequestDone(index_, *r);
  busy_ = false;
  sim_.DeliverAndKick();
  Kick();
}

void Simulator::Impl::DeliverDue() {
  const double now = loop_.Now();
  while (next_ && next_->arrival_time <= now) {
    const size_t target = router_->Route(*next_, schedulers_);
    replicas_[target]->Add(*next_);
    touched_[target] = 1;
    ++known_;
    const double previous = next_->arrival_time;
    next_ = source_.Next();
    if (next_ && next_->arrival_time < previous) {
      throw Error(
          fmt::format("request {}: arrival time {} is earlier than the previous request's {}; requests must "
                      "come in arrival order",
                      next_->id, next_->arrival_time, previous));
    }
  }
  if (config_.progress) {
    const auto t = std::chrono::steady_clock::now();
    if (t - last_report_ > std::chrono::milliseconds(500)) {
      last_report_ = t;
      config_.progress(metrics_.metrics().num_done(), known_);
    }
  }
}

void Simulator::Impl::ScheduleArrival() {
  if (next_ && (!arrival_event_pending_ || next_->arrival_time < pending_at_)) {
    arrival_event_pending_ = true;
    pending_at_ = next_->arrival_time;
    const uint64_t token = ++arrival_token_;
    loop_.At(next_->arrival_time, [this, token] {
      if (token != arrival_token_) return;
      arrival_event_pending_ = false;
      DeliverAndKick();
    });
  }
}

void Simulator::Impl::DeliverAndKick() {
  if (source_changed_) {  // a finished call may have released one that arrives before `next_`
    source_changed_ = false;
    if (next_) source_.PutBack(*next_);
    next_ = source_.Next();
  }
  DeliverDue();
  for (size_t i = 0; i < replicas_.size(); ++i) {
    if (touched_[i]) replicas_[i]->Kick();
    touched_[i] = 0;
  }
  ScheduleArrival();
}

SimulationResult Simulator::Impl::Run() {
  if (ran_) throw Error("a Simulator runs once: build a new one for another run");
  ran_ = true;
  const auto wall_start = std::chrono::steady_clock::now();
  last_report_ = wall_start;
  next_ = source_.Next();
  if (next_ && next_->arrival_time < 0) {
    throw Error(fmt::format("request {}: negative arrival time {}", next_->id, next_->arrival_time));
  }
  ScheduleArrival();
  loop_.Run();

  for (const auto& r : replicas_) {
    if (r->scheduler().has_unfinished()) {
      throw Error(fmt::format("scheduler stalled with {} running and {} waiting requests (policy {})",
                              r->scheduler().num_running(), r->scheduler().num_waiting(), config_.policy));
    }
  }
  MetricsCollector& metrics = metrics_.metrics();
  SimulationResult result;
  result.summary = metrics.Summarize(config_.policy);
  result.summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  result.timeline = metrics.timeline();
  result.records = metrics.TakeRecords();
  if (config_.progress) config_.progress(metrics.num_done(), known_);
  return result;
}

Simulator::Simulator(const SimulationConfig& config, RequestSource& source, const ExecutionTimeModel& model)
    : impl_(std::make_unique<Impl>(config, source, model)) {}
Simulator::~Simulator() = default;
void Simulator::AddObserver(SimulationObserver* observer) { impl_->AddObserver(observer); }
SimulationResult Simulator::Run() { return impl_->Run(); }

SimulationResult Simulate(const SimulationConfig& config, RequestSource& source,
                          const ExecutionTimeModel& model) {
  return Simulator(config, source, model).Run();
}

}  // namespace schedkit::sim
