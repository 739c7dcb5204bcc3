#include "schedkit/serve/scheduler.h"

#include <fmt/core.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

#include "compose.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {

Scheduler::Scheduler(const SchedulerConfig& config, std::unique_ptr<SchedulingPolicy> policy)
    : config_(config),
      policy_(std::move(policy)),
      builder_(config, *policy_, policy_->rules()),
      compose_(CompositionFor(builder_.rules().order).compose) {
  const BatchingRules& rules = builder_.rules();
  if (config.max_num_seqs < 1) {
    throw Error(fmt::format("scheduler: batch cap must be at least 1, got {}", config.max_num_seqs));
  }
  if (config.token_budget < 0) {
    throw Error(fmt::format("scheduler: token budget must be positive, got {}", config.token_budget));
  }
  if (config.max_model_len < 0) {
    throw Error(fmt::format("scheduler: max_model_len must be positive, got {}", config.max_model_len));
  }
  try {
    ValidateBatchingRules(rules);
  } catch (const Error& e) {
    throw Error(fmt::format("policy {}: {}", policy_->name(), e.what()));
  }
  if (rules.reservation == BatchingRules::Reservation::kMaxModelLen && config.max_model_len == 0) {
    throw Error(fmt::format("scheduler: policy {} reserves max_model_len per request: set max_model_len",
                            policy_->name()));
  }
  const int32_t budget = config.token_budget > 0 ? config.token_budget : rules.default_token_budget;
  configured_budget_ = budget > 0 ? budget : INT32_MAX;
  builder_.set_budget(configured_budget_);
}

Scheduler::~Scheduler() = default;

Request* Scheduler::Acquire() {
  if (free_slots_.empty()) {
    Request* r = &slab_.emplace_back();
    r->slot = static_cast<uint32_t>(slab_.size() - 1);
    return r;
  }
  Request* r = free_slots_.back();
  free_slots_.pop_back();
  std::vector<int32_t> blocks = std::move(r->block_ids);  // keep the capacity for reuse
  const uint32_t slot = r->slot;
  *r = Request{};
  r->slot = slot;
  blocks.clear();
  r->block_ids = std::move(blocks);
  return r;
}

void Scheduler::ReleaseRetired() {
  for (Request* r : retired_) free_slots_.push_back(r);
  retired_.clear();
}

DecisionReason Scheduler::WhyNeverFits(const RequestSpec& spec) const {
  const BatchingRules& rules = builder_.rules();
  const KvCacheManager& kv = builder_.kv();
  const int64_t total = static_cast<int64_t>(spec.prompt_tokens) + spec.output_tokens;
  if (config_.max_model_len > 0 && total > config_.max_model_len) return DecisionReason::kMaxModelLen;
  const int64_t usable = kv.num_blocks() - (rules.respect_watermark ? kv.watermark_blocks() : 0);
  const int64_t tokens =
      rules.reservation == BatchingRules::Reservation::kMaxModelLen ? config_.max_model_len : total;
  if (kv.BlocksForTokens(tokens) > usable) return DecisionReason::kTooLarge;
  // A policy that runs whole prompts under a budget can never run a longer prompt.
  if (!rules.chunked_prefill && spec.prompt_tokens > configured_budget_) return DecisionReason::kTooLarge;
  return DecisionReason::kNone;
}

void Scheduler::Retire(Request* r, RequestState state, FinishReason reason, double now) {
  r->state = state;
  r->finish_reason = reason;
  r->finish_time = now;
  retired_.push_back(r);
}

const Request& Scheduler::AddRequest(const RequestSpec& spec, double now) {
  if (spec.prompt_tokens <= 0 || spec.output_tokens <= 0) {
    throw Error(fmt::format("request {}: prompt ({}) and output ({}) lengths must be positive", spec.id,
                            spec.prompt_tokens, spec.output_tokens));
  }
  if (live_.contains(spec.id)) {
    throw Error(
        fmt::format("request {}: AddRequest with the id of a live request (ids must be unique among "
                    "waiting and running requests)",
                    spec.id));
  }
  Request* r = Acquire();
  r->spec = spec;
  r->arrival_seq = next_seq_++;
  r->arrival_iteration = builder_.iteration();
  DecisionReason why = WhyNeverFits(spec);
  if (why == DecisionReason::kNone && !policy_->Accept(*r, builder_.View(now)))
    why = DecisionReason::kRefused;
  if (why != DecisionReason::kNone) {
    Retire(r, RequestState::kRejected, FinishReason::kRejected, now);
    if (builder_.observing()) [[unlikely]] {
      builder_.Report(Decision{.kind = DecisionKind::kReject,
                               .reason = why,
                               .now = now,
                               .request = spec.id,
                               .finish_reason = FinishReason::kRejected});
    }
    return *r;
  }
  policy_->Enqueue(r, builder_.View(now));
  live_.emplace(spec.id, r);  // after Enqueue: a request the policy refused by throwing never becomes live
  return *r;
}

const SchedulerOutput& Scheduler::Schedule(double now) {
  if (awaiting_update_ && !builder_.output().empty()) {
    throw Error(fmt::format("Schedule: iteration {} was not updated: call UpdateFromOutput() first",
                            builder_.iteration()));
  }
  ReleaseRetired();
  builder_.Begin(now, builder_.iteration() + 1);
  awaiting_update_ = true;
  schedule_time_ = now;
  policy_->OrderRunning(builder_.running(), builder_.View(now));
  const int32_t budget = policy_->IterationTokenBudget(configured_budget_, builder_.View(now));
  if (budget <= 0) {
    throw Error(fmt::format("policy {} returned a non-positive token budget {}", policy_->name(), budget));
  }
  builder_.set_budget(budget);
  compose_(builder_);
  const SchedulerOutput& out = builder_.output();
  if (!out.scheduled.empty()) policy_->OnScheduled(out.scheduled);
  return out;
}

void Scheduler::Finish(Request* r, FinishReason reason, double now) {
  builder_.kv().Free(*r);
  live_.erase(r->spec.id);
  Retire(r, RequestState::kFinished, reason, now);
  policy_->OnFinished(*r);
  if (builder_.observing()) [[unlikely]] {
    builder_.Report(Decision{.kind = DecisionKind::kFinish,
                             .now = now,
                             .request = r->spec.id,
                             .num_tokens = r->num_output_tokens,
                             .finish_reason = reason});
  }
}

// Every stopped id must name a request of the batch whose scheduled tokens produce a token.
void Scheduler::CheckStopped(std::span<const RequestId> stopped) const {
  for (const RequestId id : stopped) {
    const std::vector<ScheduledRequest>& batch = builder_.output().scheduled;
    auto it = std::find_if(batch.begin(), batch.end(),
                           [id](const ScheduledRequest& s) { return s.request->spec.id == id; });
    if (it == batch.end() || it->request->state == RequestState::kFinished) {
      throw Error(fmt::format("UpdateFromOutput: stopped request {} is not in iteration {}'s batch", id,
                              builder_.iteration()));
    }
    if (it->context_tokens + it->num_tokens < it->request->num_tokens()) {
      throw Error(
          fmt::format("UpdateFromOutput: stopped request {} produced no token in iteration {} (a "
                      "prefill chunk short of the prompt's end)",
                      id, builder_.iteration()));
    }
  }
}

const IterationOutcome& Scheduler::UpdateFromOutput(double now, std::span<const RequestId> stopped) {
  if (!awaiting_update_) {
    throw Error(fmt::format("UpdateFromOutput: no Schedule() since the update of iteration {}",
                            builder_.iteration()));
  }
  if (!stopped.empty()) CheckStopped(stopped);
  awaiting_update_ = false;
  outcome_.tokens.clear();
  outcome_.finished.clear();
  const double duration = now - schedule_time_;
  KvCacheManager& kv = builder_.kv();
  const int64_t iteration = builder_.iteration();
  for (const ScheduledRequest& s : builder_.output().scheduled) {
    Request* r = s.request;
    if (r->state == RequestState::kFinished) continue;  // aborted while the iteration ran
    r->scheduled_tokens = 0;
    r->execution_time += duration;
    r->last_scheduled_iteration = iteration;
    r->num_computed_tokens += s.num_tokens;
    kv.RegisterFullBlocks(*r);
    if (r->num_computed_tokens < r->num_tokens()) continue;  // a prefill chunk that did not finish the prompt
    outcome_.tokens.push_back(TokenEvent{r, r->last_token_time});
    r->num_output_tokens++;
    if (std::isnan(r->first_token_time)) {
      r->first_token_time = now;
    } else {
      r->max_token_gap = std::max(r->max_token_gap, now - r->last_token_time);
    }
    r->last_token_time = now;
    if (r->num_output_tokens >= r->spec.output_tokens) {
      Finish(r, FinishReason::kLength, now);
    } else if (!stopped.empty() && std::find(stopped.begin(), stopped.end(), r->spec.id) != stopped.end()) {
      Finish(r, FinishReason::kStop, now);
    } else {
      continue;
    }
    outcome_.finished.push_back(r);
  }
  if (!outcome_.finished.empty()) {
    std::erase_if(builder_.running(), [](const Request* r) { return r->state == RequestState::kFinished; });
  }
  policy_->OnIterationDone(builder_.View(now));
  return outcome_;
}

const Request& Scheduler::Abort(RequestId id, double now) {
  auto it = live_.find(id);
  if (it == live_.end()) {
    throw Error(fmt::format("Abort: request {} is not live (unknown, rejected or already finished)", id));
  }
  Request* r = it->second;
  if (r->state == RequestState::kRunning) {
    std::vector<Request*>& running = builder_.running();
    running.erase(std::find(running.begin(), running.end(), r));
    r->scheduled_tokens = 0;
  } else {
    policy_->RemoveWaiting(r);
    if (r->state == RequestState::kSwapped) builder_.kv().DropSwapped(*r);
  }
  Finish(r, FinishReason::kAborted, now);
  return *r;
}

}  // namespace schedkit::serve
