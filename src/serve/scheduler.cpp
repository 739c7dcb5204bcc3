#include "schedkit/serve/scheduler.h"

#include <fmt/core.h>

#include <algorithm>
#include <cassert>
#include <climits>
#include <cmath>
#include <cstdint>

#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

int64_t WatermarkBlocks(const SchedulerConfig& c) {
  if (!(c.watermark_fraction >= 0.0 && c.watermark_fraction < 1.0)) {
    throw Error(fmt::format("scheduler: watermark fraction must be in [0, 1), got {}", c.watermark_fraction));
  }
  return static_cast<int64_t>(c.watermark_fraction * static_cast<double>(c.num_kv_blocks));
}

bool PrefixCachingOn(const SchedulerConfig& c, const BatchingRules& rules) {
  if (c.prefix_caching != SchedulerConfig::PrefixCaching::kPolicyDefault) {
    return c.prefix_caching == SchedulerConfig::PrefixCaching::kOn;
  }
  return rules.reservation == BatchingRules::Reservation::kIncremental;
}

}  // namespace

Scheduler::Scheduler(const SchedulerConfig& config, std::unique_ptr<SchedulingPolicy> policy)
    : config_(config),
      policy_(std::move(policy)),
      rules_(policy_->rules()),
      kv_(config.num_kv_blocks, config.block_size, WatermarkBlocks(config), config.num_cpu_blocks,
          PrefixCachingOn(config, rules_)) {
  if (config.max_num_seqs < 1) {
    throw Error(fmt::format("scheduler: batch cap must be at least 1, got {}", config.max_num_seqs));
  }
  if (config.token_budget < 0) {
    throw Error(fmt::format("scheduler: token budget must be positive, got {}", config.token_budget));
  }
  if (config.max_model_len < 0) {
    throw Error(fmt::format("scheduler: max_model_len must be positive, got {}", config.max_model_len));
  }
  if (rules_.reservation == BatchingRules::Reservation::kMaxModelLen && config.max_model_len == 0) {
    throw Error(fmt::format("scheduler: policy {} reserves max_model_len per request: set max_model_len",
                            policy_->name()));
  }
  const int32_t budget = config.token_budget > 0 ? config.token_budget : rules_.default_token_budget;
  configured_budget_ = budget > 0 ? budget : INT32_MAX;
  budget_ = configured_budget_;
}

Scheduler::~Scheduler() = default;

EngineView Scheduler::View(double now) const {
  EngineView v;
  v.now = now;
  v.iteration = iteration_;
  v.free_blocks = kv_.num_free_blocks();
  v.total_blocks = kv_.num_blocks();
  v.block_size = kv_.block_size();
  v.num_running = static_cast<int32_t>(running_.size());
  v.max_num_seqs = config_.max_num_seqs;
  return v;
}

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

int32_t Scheduler::ReservationTokens(const Request& r) const {
  switch (rules_.reservation) {
    case BatchingRules::Reservation::kIncremental:
      return 0;
    case BatchingRules::Reservation::kWholePrompt:
      return r.num_tokens();
    case BatchingRules::Reservation::kMaxModelLen:
      return config_.max_model_len;
  }
  return 0;
}

bool Scheduler::NeverFits(const RequestSpec& spec) const {
  const int64_t total = static_cast<int64_t>(spec.prompt_tokens) + spec.output_tokens;
  if (config_.max_model_len > 0 && total > config_.max_model_len) return true;
  const int64_t usable = kv_.num_blocks() - (rules_.respect_watermark ? kv_.watermark_blocks() : 0);
  const int64_t tokens =
      rules_.reservation == BatchingRules::Reservation::kMaxModelLen ? config_.max_model_len : total;
  if (kv_.BlocksForTokens(tokens) > usable) return true;
  // A policy that runs whole prompts under a budget can never run a longer prompt.
  return !rules_.chunked_prefill && spec.prompt_tokens > configured_budget_;
}

const Request& Scheduler::AddRequest(const RequestSpec& spec, double now) {
  if (spec.prompt_tokens <= 0 || spec.output_tokens <= 0) {
    throw Error(fmt::format("request {}: prompt ({}) and output ({}) lengths must be positive", spec.id,
                            spec.prompt_tokens, spec.output_tokens));
  }
  Request* r = Acquire();
  r->spec = spec;
  r->arrival_seq = next_seq_++;
  r->arrival_iteration = iteration_;
  if (NeverFits(spec) || !policy_->Accept(*r, View(now))) {
    r->state = RequestState::kRejected;
    r->finish_time = now;
    retired_.push_back(r);
    return *r;
  }
  policy_->Enqueue(r, View(now));
  return *r;
}

void Scheduler::InsertRunning(Request* r) {
  if (!rules_.running_sorted_by_arrival) {
    running_.push_back(r);
    return;
  }
  // Usually the newest arrival: search from the back.
  auto pos = running_.end();
  while (pos != running_.begin()) {
    const Request* prev = *(pos - 1);
    if (prev->spec.arrival_time < r->spec.arrival_time ||
        (prev->spec.arrival_time == r->spec.arrival_time && prev->arrival_seq < r->arrival_seq)) {
      break;
    }
    --pos;
  }
  running_.insert(pos, r);
}

inline void Scheduler::AddToBatch(Request* r, int32_t num_tokens, bool admitted) {
  r->scheduled_tokens = num_tokens;
  out_.scheduled.push_back(
      ScheduledRequest{r, num_tokens, r->num_computed_tokens, r->is_decoding(), admitted});
}

bool Scheduler::Fits(const Request& r, int32_t num_tokens) const {
  if (static_cast<int32_t>(running_.size()) >= config_.max_num_seqs) return false;
  const int64_t target_tokens =
      std::max<int64_t>(ReservationTokens(r), static_cast<int64_t>(r.num_computed_tokens) + num_tokens);
  int64_t blocks = r.state == RequestState::kSwapped ? r.num_swapped_blocks : 0;
  blocks = std::max<int64_t>(blocks, kv_.BlocksForTokens(target_tokens));
  if (TakesPrefixHit(r)) {  // shared hit blocks need no new block, but evictable ones leave the free pool
    const KvCacheManager::PrefixMatch m = kv_.MatchPrefix(r, r.num_tokens() - 1);
    blocks -= m.blocks - m.evictable;
  }
  return kv_.CanAllocate(blocks, rules_.respect_watermark);
}

void Scheduler::SetTentativeHit(Request* r) {
  r->num_computed_tokens = kv_.MatchPrefix(*r, r->num_tokens() - 1).blocks * kv_.block_size();
}

bool Scheduler::TryAdmit(Request* r, int32_t num_tokens, double now) {
  const bool prefix_hit = TakesPrefixHit(*r);
  if (prefix_hit) {
    // Blocks allocated since PeekWaiting may have evicted part of the hit: look again next iteration.
    const int32_t hit = kv_.MatchPrefix(*r, r->num_tokens() - 1).blocks * kv_.block_size();
    if (hit != r->num_computed_tokens) {
      r->num_computed_tokens = hit;
      return false;
    }
  }
  if (!Fits(*r, num_tokens)) return false;
  const bool swapped = r->state == RequestState::kSwapped;
  const int64_t target_tokens =
      std::max<int64_t>(ReservationTokens(*r), static_cast<int64_t>(r->num_computed_tokens) + num_tokens);
  if (!policy_->Admit(*r, View(now))) return false;
  policy_->PopWaiting();
  if (swapped) {
    out_.swapped_in_blocks += r->num_swapped_blocks;
    kv_.SwapIn(*r);
  }
  if (prefix_hit) {
    kv_.AcquirePrefix(*r, r->num_computed_tokens / kv_.block_size());
    if (std::isnan(r->first_scheduled_time)) {
      r->num_cached_prompt_tokens = std::min(r->num_computed_tokens, r->spec.prompt_tokens);
    }
  }
  kv_.EnsureCapacity(*r, target_tokens);
  if (std::isnan(r->first_scheduled_time)) r->first_scheduled_time = now;
  r->state = RequestState::kRunning;
  InsertRunning(r);
  AddToBatch(r, num_tokens, /*admitted=*/true);
  return true;
}

void Scheduler::Preempt(size_t index) {
  Request* victim = running_[index];
  running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(index));
  if (victim->scheduled_tokens > 0) {  // already in this iteration (a policy-chosen victim): take it back out
    auto it = std::find_if(out_.scheduled.begin(), out_.scheduled.end(),
                           [victim](const ScheduledRequest& s) { return s.request == victim; });
    if (it != out_.scheduled.end()) out_.scheduled.erase(it);
    victim->scheduled_tokens = 0;
  }
  victim->num_preemptions++;
  const int32_t blocks = victim->num_kv_blocks();
  if (rules_.preemption == BatchingRules::Preemption::kSwap && kv_.SwapOut(*victim)) {
    victim->state = RequestState::kSwapped;
    out_.swapped_out_blocks += blocks;
  } else {
    kv_.Free(*victim);
    victim->num_computed_tokens = 0;  // recompute prompt + generated tokens on re-admission
    victim->state = RequestState::kPreempted;
  }
  out_.preempted.push_back(victim);
  policy_->Requeue(victim);
}

inline bool Scheduler::GrowOrPreempt(size_t* index, int32_t num_tokens, bool* preempted_any) {
  Request* r = running_[*index];
  const int64_t target = static_cast<int64_t>(r->num_computed_tokens) + num_tokens;
  if (kv_.EnsureCapacity(*r, target)) return true;  // fast path: no new block, or one was free
  return PreemptUntilFits(index, target, preempted_any);
}

bool Scheduler::PreemptUntilFits(size_t* index, int64_t target, bool* preempted_any) {
  Request* r = running_[*index];
  while (!kv_.EnsureCapacity(*r, target)) {
    const size_t victim = policy_->PickVictim(running_);
    *preempted_any = true;
    const bool self = running_[victim] == r;
    Preempt(victim);
    if (self) return false;
    if (victim < *index) --*index;
  }
  return true;
}

void Scheduler::ScheduleAllDecodes() {
  bool preempted = false;
  size_t i = 0;
  while (i < running_.size()) {
    if (!GrowOrPreempt(&i, 1, &preempted)) continue;  // running_[i] is now the next request
    AddToBatch(running_[i], 1, false);
    ++i;
  }
}

int32_t Scheduler::AdmitChunked(int32_t used, double now) {
  while (Request* r = PeekWaiting()) {
    const int32_t left = budget_ - used;
    if (left <= 0) break;
    const int32_t n = std::min(r->num_uncomputed_tokens(), left);
    if (!TryAdmit(r, n, now)) break;
    used += n;
  }
  return used;
}

void Scheduler::BuildPrefillFirst(double now) {
  int32_t count = 0;
  int64_t longest = 0;
  int64_t sum = 0;
  while (Request* r = PeekWaiting()) {
    const int32_t n = r->num_uncomputed_tokens();
    const int64_t new_longest = std::max<int64_t>(longest, n);
    const int64_t cost = rules_.padded_prefill_budget ? (count + 1) * new_longest : sum + n;
    // A restarted request longer than the budget still runs, alone.
    if (cost > budget_ && count > 0) break;
    if (!TryAdmit(r, n, now)) break;
    ++count;
    longest = new_longest;
    sum += n;
  }
  if (count > 0) return;  // prefill-only iteration
  ScheduleAllDecodes();
}

void Scheduler::BuildDecodesThenChunks(double now) {
  bool preempted = false;
  int32_t used = 0;
  size_t i = 0;
  while (i < running_.size()) {  // 1. every decode, 1 token each (not checked against the budget)
    if (!running_[i]->is_decoding()) {
      ++i;
      continue;
    }
    if (!GrowOrPreempt(&i, 1, &preempted)) continue;
    AddToBatch(running_[i], 1, false);
    ++used;
    ++i;
  }
  for (i = 0; i < running_.size() && used < budget_; ++i) {  // 2. ongoing prefill chunks
    Request* r = running_[i];
    if (r->scheduled_tokens > 0) continue;
    const int32_t n = std::min(r->num_uncomputed_tokens(), budget_ - used);
    if (!kv_.EnsureCapacity(*r, static_cast<int64_t>(r->num_computed_tokens) + n)) break;
    AddToBatch(r, n, false);
    used += n;
  }
  if (preempted && !rules_.admit_after_preemption) return;
  AdmitChunked(used, now);  // 3. new prompts
}

void Scheduler::BuildRunningListOrder(double now) {
  bool preempted = false;
  int32_t used = 0;
  size_t i = 0;
  while (i < running_.size() && used < budget_) {
    Request* r = running_[i];
    const int32_t n = std::min(r->num_uncomputed_tokens(), budget_ - used);
    if (n == 0) {
      ++i;
      continue;
    }
    if (!GrowOrPreempt(&i, n, &preempted)) break;  // r gave itself up: vLLM v1 stops the running loop
    AddToBatch(r, n, false);
    used += n;
    ++i;
  }
  if (preempted && !rules_.admit_after_preemption) return;
  AdmitChunked(used, now);
}

void Scheduler::BuildHybridWholePrompt(double now) {
  ScheduleAllDecodes();
  int64_t used = static_cast<int64_t>(out_.scheduled.size());
  while (Request* r = PeekWaiting()) {
    const int32_t n = r->num_uncomputed_tokens();
    if (used + n > budget_ && used > 0) break;
    if (!TryAdmit(r, n, now)) break;
    used += n;
  }
}

void Scheduler::BuildStaticBatch(double now) {
  if (!running_.empty()) {
    ScheduleAllDecodes();
    return;
  }
  int64_t used = 0;
  while (Request* r = PeekWaiting()) {
    const int32_t n = r->num_uncomputed_tokens();
    if (used + n > budget_ && used > 0) break;
    if (!TryAdmit(r, n, now)) break;
    used += n;
  }
}

size_t Scheduler::RankedRunEnd(size_t i, const Request& w) {
  // The first j > i with ShouldPreemptFor(w, running_[j]), or running_.size(): running_ is in rank order, so
  // the predicate is false then true along it (kRanked's contract). Galloping, then binary search: O(log d).
  size_t lo = i;  // predicate false at lo
  size_t step = 1;
  size_t hi = running_.size();
  while (lo + step < running_.size()) {
    if (policy_->ShouldPreemptFor(w, *running_[lo + step])) {
      hi = lo + step;
      break;
    }
    lo += step;
    step *= 2;
  }
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (policy_->ShouldPreemptFor(w, *running_[mid])) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
#ifndef NDEBUG
  for (size_t j = i; j < running_.size(); ++j) {  // the contract, checked in the sanitizer build
    assert(policy_->ShouldPreemptFor(w, *running_[j]) == (j >= hi));
  }
#endif
  return hi;
}

void Scheduler::BuildRanked(double now) {
  bool preempted = false;
  int32_t used = 0;
  size_t i = 0;                   // next running request in rank order; running_[0, i) are decided
  bool admission_closed = false;  // a waiting request did not fit: no admission past it (strict order)
  Request* w = nullptr;           // the waiting head, peeked again only when the queue may have changed
  size_t peeked_at = SIZE_MAX;    // out_.preempted.size() when w was peeked (a preemption requeues)
  while (used < budget_) {
    while (i < running_.size() && running_[i]->scheduled_tokens > 0) ++i;
    if (admission_closed) {
      w = nullptr;
    } else if (peeked_at != out_.preempted.size()) {
      w = PeekWaiting();
      peeked_at = out_.preempted.size();
    }
    Request* r = i < running_.size() ? running_[i] : nullptr;
    if (w == nullptr && r == nullptr) break;
    if (r != nullptr && (w == nullptr || !policy_->ShouldPreemptFor(*w, *r))) {
      // The running requests ranked before w form a run from i: schedule the run without comparing each one
      // with w. A preemption requeues a victim, which may change the head: back to the outer loop then.
      const size_t end = w == nullptr ? running_.size() : RankedRunEnd(i, *w);
      const size_t preempted_before = out_.preempted.size();
      bool self_preempted = false;
      while (i < end && used < budget_ && out_.preempted.size() == preempted_before) {
        r = running_[i];
        if (r->scheduled_tokens > 0) {
          ++i;
          continue;
        }
        const int32_t n = std::min(r->num_uncomputed_tokens(), budget_ - used);
        if (!GrowOrPreempt(&i, n, &preempted)) {
          self_preempted = true;
          break;
        }
        AddToBatch(r, n, false);
        used += n;
        ++i;
      }
      if (self_preempted) break;  // r itself was the victim: strict order stops here
      continue;
    }
    const int32_t left = budget_ - used;
    // The waiting request ranks next. One preempted in this iteration does not come straight back.
    if (std::find(out_.preempted.begin(), out_.preempted.end(), w) != out_.preempted.end()) {
      admission_closed = true;
      continue;
    }
    const int32_t n = std::min(w->num_uncomputed_tokens(), left);
    // Make room by evicting the lowest-ranked running requests it outranks (never one already in the batch).
    while (!Fits(*w, n) && rules_.evict_lower_ranked && running_.size() > i &&
           running_.back()->scheduled_tokens == 0 && policy_->ShouldPreemptFor(*w, *running_.back())) {
      Preempt(running_.size() - 1);
      preempted = true;
    }
    if (!TryAdmit(w, n, now)) {  // the running requests still run (else a blocked head could stall them all)
      admission_closed = true;
      continue;
    }
    peeked_at = SIZE_MAX;  // w left the queue
    // TryAdmit placed it by the running-list rule; move it to its rank position.
    auto it = std::find(running_.rbegin(), running_.rend(), w);
    const size_t at = static_cast<size_t>(running_.rend() - it) - 1;
    if (at > i) {
      std::rotate(running_.begin() + static_cast<std::ptrdiff_t>(i),
                  running_.begin() + static_cast<std::ptrdiff_t>(at),
                  running_.begin() + static_cast<std::ptrdiff_t>(at) + 1);
    }
    used += n;
    ++i;
  }
}

const SchedulerOutput& Scheduler::Schedule(double now) {
  ReleaseRetired();
  out_.scheduled.clear();
  out_.preempted.clear();
  out_.swapped_in_blocks = 0;
  out_.swapped_out_blocks = 0;
  out_.iteration = ++iteration_;
  schedule_time_ = now;
  policy_->OrderRunning(running_, View(now));
  budget_ = policy_->IterationTokenBudget(configured_budget_, View(now));
  if (budget_ <= 0) {
    throw Error(fmt::format("policy {} returned a non-positive token budget {}", policy_->name(), budget_));
  }
  switch (rules_.order) {
    case BatchingRules::Order::kPrefillFirst:
      BuildPrefillFirst(now);
      break;
    case BatchingRules::Order::kDecodesThenChunks:
      BuildDecodesThenChunks(now);
      break;
    case BatchingRules::Order::kRunningListOrder:
      BuildRunningListOrder(now);
      break;
    case BatchingRules::Order::kHybridWholePrompt:
      BuildHybridWholePrompt(now);
      break;
    case BatchingRules::Order::kStaticBatch:
      BuildStaticBatch(now);
      break;
    case BatchingRules::Order::kRanked:
      BuildRanked(now);
      break;
  }
  if (!out_.scheduled.empty()) policy_->OnScheduled(out_.scheduled);
  return out_;
}

void Scheduler::Finish(Request* r, double now) {
  r->state = RequestState::kFinished;
  r->finish_time = now;
  kv_.Free(*r);
  policy_->OnFinished(*r);
  outcome_.finished.push_back(r);
  retired_.push_back(r);
}

const IterationOutcome& Scheduler::UpdateFromOutput(double now, std::span<const RequestId> stopped) {
  outcome_.tokens.clear();
  outcome_.finished.clear();
  const double duration = now - schedule_time_;
  for (const ScheduledRequest& s : out_.scheduled) {
    Request* r = s.request;
    r->scheduled_tokens = 0;
    r->execution_time += duration;
    r->last_scheduled_iteration = iteration_;
    r->num_computed_tokens += s.num_tokens;
    kv_.RegisterFullBlocks(*r);
    if (r->num_computed_tokens < r->num_tokens()) continue;  // a prefill chunk that did not finish the prompt
    outcome_.tokens.push_back(TokenEvent{r, r->last_token_time});
    r->num_output_tokens++;
    if (std::isnan(r->first_token_time)) {
      r->first_token_time = now;
    } else {
      r->max_token_gap = std::max(r->max_token_gap, now - r->last_token_time);
    }
    r->last_token_time = now;
    const bool stop = std::find(stopped.begin(), stopped.end(), r->spec.id) != stopped.end();
    if (r->num_output_tokens >= r->spec.output_tokens || stop) Finish(r, now);
  }
  if (!outcome_.finished.empty()) {
    std::erase_if(running_, [](const Request* r) { return r->state == RequestState::kFinished; });
  }
  policy_->OnIterationDone(View(now));
  return outcome_;
}

}  // namespace schedkit::serve
