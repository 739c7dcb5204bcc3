#include "schedkit/serve/batch_builder.h"

#include <fmt/core.h>

#include <cmath>

#include "schedkit/serve/scheduler.h"
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

BatchBuilder::BatchBuilder(const SchedulerConfig& config, SchedulingPolicy& policy,
                           const BatchingRules& rules)
    : policy_(&policy),
      rules_(rules),
      max_num_seqs_(config.max_num_seqs),
      max_model_len_(config.max_model_len),
      kv_(config.num_kv_blocks, config.block_size, WatermarkBlocks(config), config.num_cpu_blocks,
          PrefixCachingOn(config, rules)) {}

void BatchBuilder::Begin(double now, int64_t iteration) {
  out_.scheduled.clear();
  out_.preempted.clear();
  out_.swapped_in_blocks = 0;
  out_.swapped_out_blocks = 0;
  out_.iteration = iteration;
  iteration_ = iteration;
  now_ = now;
}

EngineView BatchBuilder::View(double now) const {
  EngineView v;
  v.now = now;
  v.iteration = iteration_;
  v.free_blocks = kv_.num_free_blocks();
  v.total_blocks = kv_.num_blocks();
  v.block_size = kv_.block_size();
  v.num_running = static_cast<int32_t>(running_.size());
  v.max_num_seqs = max_num_seqs_;
  return v;
}

int32_t BatchBuilder::ReservationTokens(const Request& r) const {
  switch (rules_.reservation) {
    case BatchingRules::Reservation::kIncremental:
      return 0;
    case BatchingRules::Reservation::kWholePrompt:
      return r.num_tokens();
    case BatchingRules::Reservation::kMaxModelLen:
      return max_model_len_;
  }
  return 0;
}

// New blocks r needs to be admitted with num_tokens (its reservation, or what it holds in CPU memory).
int64_t BatchBuilder::AdmissionBlocks(const Request& r, int32_t num_tokens) const {
  const int64_t target_tokens =
      std::max<int64_t>(ReservationTokens(r), static_cast<int64_t>(r.num_computed_tokens) + num_tokens);
  int64_t blocks = r.state == RequestState::kSwapped ? r.num_swapped_blocks : 0;
  blocks = std::max<int64_t>(blocks, kv_.BlocksForTokens(target_tokens));
  if (TakesPrefixHit(r)) {  // shared hit blocks need no new block, but evictable ones leave the free pool
    const KvCacheManager::PrefixMatch m = kv_.MatchPrefix(r, r.num_tokens() - 1);
    blocks -= m.blocks - m.evictable;
  }
  return blocks;
}

DecisionReason BatchBuilder::WhyNotFits(const Request& r, int32_t num_tokens) const {
  if (static_cast<int32_t>(running_.size()) >= max_num_seqs_) return DecisionReason::kBatchCap;
  const int64_t blocks = AdmissionBlocks(r, num_tokens);
  if (kv_.CanAllocate(blocks, rules_.respect_watermark)) return DecisionReason::kNone;
  // Fits in KV without the watermark but not with it: the watermark said no.
  return kv_.CanAllocate(blocks, false) ? DecisionReason::kWatermark : DecisionReason::kKv;
}

void BatchBuilder::SetTentativeHit(Request* r) {
  r->num_computed_tokens = kv_.MatchPrefix(*r, r->num_tokens() - 1).blocks * kv_.block_size();
}

bool BatchBuilder::TryAdmit(Request* r, int32_t num_tokens) {
  const bool prefix_hit = TakesPrefixHit(*r);
  if (prefix_hit) {
    // Blocks allocated since the peek may have evicted part of the hit: look again next iteration.
    const int32_t hit = kv_.MatchPrefix(*r, r->num_tokens() - 1).blocks * kv_.block_size();
    if (hit != r->num_computed_tokens) {
      if (observer_ != nullptr) [[unlikely]]
        ReportSkip(*r, num_tokens, DecisionReason::kPrefixChanged);
      r->num_computed_tokens = hit;
      return false;
    }
  }
  const DecisionReason why = WhyNotFits(*r, num_tokens);
  if (why != DecisionReason::kNone) {
    if (observer_ != nullptr) [[unlikely]]
      ReportSkip(*r, num_tokens, why);
    return false;
  }
  const bool swapped = r->state == RequestState::kSwapped;
  const int64_t target_tokens =
      std::max<int64_t>(ReservationTokens(*r), static_cast<int64_t>(r->num_computed_tokens) + num_tokens);
  if (!policy_->Admit(*r, View(now_))) {
    if (observer_ != nullptr) [[unlikely]]
      ReportSkip(*r, num_tokens, DecisionReason::kPolicy);
    return false;
  }
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
  if (std::isnan(r->first_scheduled_time)) r->first_scheduled_time = now_;
  r->state = RequestState::kRunning;
  InsertRunning(r);
  Append(r, num_tokens, /*admitted=*/true);
  if (observer_ != nullptr) [[unlikely]]
    Report(
        Decision{.kind = DecisionKind::kAdmit, .now = now_, .request = r->spec.id, .num_tokens = num_tokens});
  return true;
}

void BatchBuilder::InsertRunning(Request* r) {
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

void BatchBuilder::Preempt(size_t index, DecisionReason why, const Request* beneficiary) {
  Request* victim = running_[index];
  running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(index));
  if (victim->scheduled_tokens > 0) {  // already in this iteration (a policy-chosen victim): take it back out
    auto it = std::find_if(out_.scheduled.begin(), out_.scheduled.end(),
                           [victim](const ScheduledRequest& s) { return s.request == victim; });
    if (it != out_.scheduled.end()) out_.scheduled.erase(it);
    victim->scheduled_tokens = 0;
  }
  if (observer_ != nullptr) [[unlikely]] {
    Report(Decision{.kind = DecisionKind::kPreempt,
                    .reason = why,
                    .now = now_,
                    .request = victim->spec.id,
                    .num_tokens = victim->num_computed_tokens,
                    .beneficiary = beneficiary == nullptr ? -1 : beneficiary->spec.id});
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

bool BatchBuilder::PreemptUntilFits(size_t* index, int64_t target) {
  Request* r = running_[*index];
  while (!kv_.EnsureCapacity(*r, target)) {
    const size_t victim = policy_->PickVictim(running_);
    const bool self = running_[victim] == r;
    Preempt(victim, DecisionReason::kKv, r);
    if (self) return false;
    if (victim < *index) --*index;
  }
  return true;
}

void BatchBuilder::ReportSkip(const Request& r, int32_t num_tokens, DecisionReason why) const {
  Report(Decision{.kind = DecisionKind::kSkip,
                  .reason = why,
                  .now = now_,
                  .request = r.spec.id,
                  .num_tokens = num_tokens});
}

void BatchBuilder::ReportSkipOfHead(DecisionReason why) {
  const Request* r = policy_->PeekWaiting();
  if (r != nullptr) ReportSkip(*r, r->num_uncomputed_tokens(), why);
}

}  // namespace schedkit::serve
