#include "schedkit/sim/simulator.h"

#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <optional>

#include "schedkit/serve/router.h"
#include "schedkit/sim/event_loop.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

// One replica: its scheduler, and the iteration in flight (one batch at a time: no pipeline parallelism).
class Replica {
 public:
  Replica(int32_t index, const SimulationConfig& config, const ExecutionTimeModel& model, EventLoop& loop,
          MetricsCollector& metrics)
      : index_(index),
        config_(config),
        model_(model),
        loop_(loop),
        metrics_(metrics),
        scheduler_(config.scheduler, serve::MakePolicy(config.policy, config.policy_options)) {}

  const serve::Scheduler& scheduler() const { return scheduler_; }
  // Called with every finished or rejected request (reactive sources).
  void set_on_done(std::function<void(const serve::Request&)> f) { on_done_ = std::move(f); }

  void Add(const serve::RequestSpec& spec) {
    const serve::Request& r = scheduler_.AddRequest(spec, loop_.Now());
    if (r.state == serve::RequestState::kRejected) metrics_.OnRejected(r, index_);
    if (r.state == serve::RequestState::kRejected && on_done_) on_done_(r);
  }

  // Starts an iteration if the replica is idle and has work.
  void Kick() {
    if (busy_ || !scheduler_.has_unfinished()) return;
    const double now = loop_.Now();
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
    const CostFactors& c = config_.costs;
    double dt = model_.Seconds(shape_);
    if (c.pcie_bytes_per_s > 0) {
      dt += static_cast<double>(out.swapped_in_blocks + out.swapped_out_blocks) * c.kv_bytes_per_block /
            c.pcie_bytes_per_s;
    }
    if (!(dt > 0)) throw Error(fmt::format("execution model predicted a non-positive iteration time {}", dt));
    const double flops = c.linear_flops_per_token * static_cast<double>(shape_.num_tokens()) +
                         c.attention_flops_per_token_context * token_context;
    used_blocks_ = scheduler_.kv_cache().num_used_blocks();
    in_flight_ = &out;
    start_ = now;
    flops_ = flops;
    loop_.At(now + dt, [this] { Complete(); });  // a one-pointer capture: no allocation per event
  }

  // Runs before the replica builds its next iteration (the simulator delivers due arrivals there).
  void set_before_schedule(std::function<void()> f) { before_schedule_ = std::move(f); }

 private:
  void Complete() {
    const double now = loop_.Now();
    const double start = start_, flops = flops_;
    const serve::IterationOutcome& outcome = scheduler_.UpdateFromOutput(now);
    // The output of the last Schedule() stays valid until the next Schedule() call, made by Kick() below.
    metrics_.OnIteration(start, now, *in_flight_, used_blocks_, scheduler_.num_waiting(), flops,
                         config_.costs.peak_flops);
    metrics_.OnTokens(outcome, now);
    for (const serve::Request* r : outcome.finished) metrics_.OnFinished(*r, index_);
    if (on_done_) {
      for (const serve::Request* r : outcome.finished) on_done_(*r);
    }
    busy_ = false;
    if (before_schedule_) before_schedule_();
    Kick();
  }

  int32_t index_;
  const SimulationConfig& config_;
  const ExecutionTimeModel& model_;
  EventLoop& loop_;
  MetricsCollector& metrics_;
  serve::Scheduler scheduler_;
  BatchShape shape_;
  const serve::SchedulerOutput* in_flight_ = nullptr;
  int64_t used_blocks_ = 0;
  double start_ = 0, flops_ = 0;  // of the iteration in flight
  bool busy_ = false;
  std::function<void()> before_schedule_;
  std::function<void(const serve::Request&)> on_done_;
};

}  // namespace

SimulationResult Simulate(const SimulationConfig& config, RequestSource& source,
                          const ExecutionTimeModel& model) {
  if (config.num_replicas < 1) {
    throw Error(fmt::format("--replicas must be at least 1, got {}", config.num_replicas));
  }
  EventLoop loop;
  MetricsCollector metrics(config.slo, config.scheduler.num_kv_blocks, config.keep_records,
                           config.keep_timeline);
  std::vector<std::unique_ptr<Replica>> replicas;
  std::vector<const serve::Scheduler*> schedulers;
  for (int32_t i = 0; i < config.num_replicas; ++i) {
    replicas.push_back(std::make_unique<Replica>(i, config, model, loop, metrics));
    schedulers.push_back(&replicas.back()->scheduler());
  }
  auto router = serve::MakeRouter(config.router, config.seed);

  const auto wall_start = std::chrono::steady_clock::now();
  auto last_report = wall_start;
  int64_t known = 0;
  std::optional<serve::RequestSpec> next = source.Next();
  if (next && next->arrival_time < 0) {
    throw Error(fmt::format("request {}: negative arrival time {}", next->id, next->arrival_time));
  }
  bool arrival_event_pending = false;
  std::vector<char> touched(replicas.size(), 0);

  // Hands every request that has arrived by now to its replica. Called before any replica schedules, so a
  // request arriving at the instant an iteration ends is seen by the next schedule() (as in a real engine).
  auto deliver_due = [&] {
    const double now = loop.Now();
    while (next && next->arrival_time <= now) {
      const size_t target = router->Route(*next, schedulers);
      replicas[target]->Add(*next);
      touched[target] = 1;
      ++known;
      const double previous = next->arrival_time;
      next = source.Next();
      if (next && next->arrival_time < previous) {
        throw Error(
            fmt::format("request {}: arrival time {} is earlier than the previous request's {}; "
                        "requests must come in arrival order",
                        next->id, next->arrival_time, previous));
      }
    }
    if (config.progress) {
      const auto t = std::chrono::steady_clock::now();
      if (t - last_report > std::chrono::milliseconds(500)) {
        last_report = t;
        config.progress(metrics.num_done(), known);
      }
    }
  };
  std::function<void()> on_arrival;
  // A reactive source can hand out a request earlier than the pending arrival event: the event is then
  // replaced (the old one, identified by its token, does nothing when it fires).
  double pending_at = 0;
  uint64_t arrival_token = 0;
  auto schedule_arrival = [&] {
    if (next && (!arrival_event_pending || next->arrival_time < pending_at)) {
      arrival_event_pending = true;
      pending_at = next->arrival_time;
      const uint64_t token = ++arrival_token;
      loop.At(next->arrival_time, [&, token] {
        if (token == arrival_token) on_arrival();
      });
    }
  };
  bool source_changed = false;
  if (source.reactive()) {
    for (auto& r : replicas) {
      r->set_on_done([&](const serve::Request& done) {
        source.OnRequestDone(done, loop.Now());
        source_changed = true;
      });
    }
  }
  auto deliver_and_kick = [&] {
    if (source_changed) {  // a finished call may have released one that arrives before `next`
      source_changed = false;
      if (next) source.PutBack(*next);
      next = source.Next();
    }
    deliver_due();
    for (size_t i = 0; i < replicas.size(); ++i) {
      if (touched[i]) replicas[i]->Kick();
      touched[i] = 0;
    }
    schedule_arrival();
  };
  on_arrival = [&] {
    arrival_event_pending = false;
    deliver_and_kick();
  };
  for (auto& r : replicas) r->set_before_schedule(deliver_and_kick);
  schedule_arrival();
  loop.Run();

  for (const auto& r : replicas) {
    if (r->scheduler().has_unfinished()) {
      throw Error(fmt::format("scheduler stalled with {} running and {} waiting requests (policy {})",
                              r->scheduler().num_running(), r->scheduler().num_waiting(), config.policy));
    }
  }
  SimulationResult result;
  result.summary = metrics.Summarize(config.policy);
  result.summary.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  result.timeline = metrics.timeline();
  result.records = metrics.TakeRecords();
  if (config.progress) config.progress(metrics.num_done(), known);
  return result;
}

}  // namespace schedkit::sim
