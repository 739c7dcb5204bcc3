#include "ranked_policy.h"

#include <fmt/core.h>

#include <algorithm>
#include <cassert>

#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

// A lambda over the rank table, not a function pointer, so that std::sort and the binary searches inline
// the comparison.
auto RankOrder(const RankSlot* ranks) {
  return [ranks](const Request* a, const Request* b) { return RanksBefore(ranks[a->slot], ranks[b->slot]); };
}

}  // namespace

BatchingRules RankedRules(BatchingRules::Preemption preemption) {
  BatchingRules rules;
  rules.order = BatchingRules::Order::kRanked;
  rules.reservation = BatchingRules::Reservation::kIncremental;
  rules.preemption = preemption;
  rules.chunked_prefill = true;
  rules.respect_watermark = false;
  rules.admit_after_preemption = true;
  rules.running_sorted_by_arrival = false;
  rules.default_token_budget = 2048;
  rules.evict_lower_ranked = true;
  return rules;
}

std::vector<PolicyOptionInfo> OverloadOptionInfos(const OverloadRules& d) {
  const auto text = [](double v) { return fmt::format("{}", v); };
  return {
      {"preempt_gain", text(d.preempt_gain),
       "evict only if gain x (work left of the waiting one + eviction cost) <= victim's work left (0: off)"},
      {"prefill_weight", text(d.prefill_weight), "work of one prefill token, in decode tokens"},
      {"swap_weight", text(d.swap_weight), "eviction cost of one context token under swap, in decode tokens"},
      {"min_run", text(d.min_run), "iterations after admission in which a request is not evicted for rank"},
      {"decodes_first", d.decodes_first ? "true" : "false",
       "running decodes get their token before any prefill is ranked in"},
  };
}

OverloadRules ReadOverloadRules(OptionReader& options) {
  OverloadRules o;
  o.preempt_gain = options.Double("preempt_gain");
  o.prefill_weight = options.Double("prefill_weight");
  o.swap_weight = options.Double("swap_weight");
  const int64_t min_run = options.Int("min_run");
  o.decodes_first = options.Bool("decodes_first");
  if (!(o.preempt_gain >= 0.0)) {
    throw Error(
        fmt::format("policy {}: option preempt_gain={} must be >= 0", options.policy(), o.preempt_gain));
  }
  if (!(o.prefill_weight >= 0.0) || !(o.swap_weight >= 0.0)) {
    throw Error(
        fmt::format("policy {}: options prefill_weight and swap_weight must be >= 0", options.policy()));
  }
  if (min_run < 0 || min_run > 1'000'000'000) {
    throw Error(fmt::format("policy {}: option min_run={} must be in [0, 1e9]", options.policy(), min_run));
  }
  o.min_run = static_cast<int32_t>(min_run);
  return o;
}

bool RankedPolicy::MayEvictFor(const Request& waiting, const Request& victim, const EvictionCost& cost) {
  if (overload_.min_run > 0 && iteration_ - admitted_at_[victim] < overload_.min_run) return false;
  if (!Evictable(victim)) return false;
  if (overload_.preempt_gain <= 0.0) return true;
  const double w_left = PredictedOutputLeft(waiting);
  const double v_left = PredictedOutputLeft(victim);
  if (w_left < 0.0 || v_left < 0.0) return true;
  const double pw = overload_.prefill_weight;
  const double work_w = w_left + pw * waiting.num_uncomputed_tokens();
  const double work_v = v_left + pw * victim.num_uncomputed_tokens();
  const double evict = (cost.swap ? overload_.swap_weight : pw) * cost.context_tokens;
  return overload_.preempt_gain * (work_w + evict) <= work_v;
}

void RankedPolicy::OnScheduled(ScheduledBatch batch) {
  if (overload_.min_run <= 0) return;
  for (const ScheduledView s : batch) {
    if (s.admitted) admitted_at_[*s.request] = iteration_;
  }
}

void RankedPolicy::Push(Request* r) {
  RankSlot& rank = ranks_[*r];
  rank.queue_stamp =
      ++next_stamp_;  // unique across slot reuse, so a recycled request never matches an old entry
  heap_.push_back(Entry{r, rank.queue_stamp, rank.rank_class, rank.rank_key, rank.arrival_seq});
  std::push_heap(heap_.begin(), heap_.end(), After);
}

void RankedPolicy::Enqueue(Request* r, const EngineView& engine) {
  admitted_at_.Reset(*r) = -1'000'000'000;  // never admitted: no hysteresis
  RankSlot& rank = ranks_.Reset(*r);
  rank.arrival_seq = r->arrival_seq;
  RankArrival(*r, rank, engine);
  Push(r);
  ++num_waiting_;
  AfterQueued(r);
}

void RankedPolicy::Requeue(Request* r) {
  RankRequeued(*r, ranks_[*r]);
  Push(r);
  ++num_waiting_;
  AfterQueued(r);
}

Request* RankedPolicy::PeekWaiting() {
  while (!heap_.empty() && !IsWaiting(heap_.front().r, heap_.front().stamp)) {
    std::pop_heap(heap_.begin(), heap_.end(), After);
    heap_.pop_back();
  }
  return heap_.empty() ? nullptr : heap_.front().r;
}

void RankedPolicy::PopWaiting() {
  std::pop_heap(heap_.begin(), heap_.end(), After);
  heap_.pop_back();
  --num_waiting_;
}

void RankedPolicy::OrderRunning(std::vector<Request*>& running, const EngineView& engine) {
  iteration_ = engine.iteration;
  BeforeIteration(engine);
  reranked_.clear();
  RerankRunning(running, engine);
  const auto before = RankOrder(ranks_.data());
  // The list was sorted at the end of the last iteration and only a few requests change rank between
  // iterations (a promotion, a demotion, a level crossing): keep the longest run of the list that a greedy
  // pass finds in order -- forward (keeps the list when an element moved up) or backward (when one moved
  // down) -- sort the few displaced ones and insert them: O(n + k log n). Requests the policy noted as
  // re-ranked are displaced without a comparison (a demoted head would otherwise displace all it passed).
  kept_.clear();
  displaced_.clear();
  if (NotesEveryRerank()) {
    if (reranked_.empty()) return;
    size_t from = 0;
    for (size_t j : reranked_) {
      kept_.insert(kept_.end(), running.begin() + static_cast<std::ptrdiff_t>(from),
                   running.begin() + static_cast<std::ptrdiff_t>(j));
      displaced_.push_back(running[j]);
      from = j + 1;
    }
    kept_.insert(kept_.end(), running.begin() + static_cast<std::ptrdiff_t>(from), running.end());
    assert(std::is_sorted(kept_.begin(), kept_.end(), before));  // the policy's promise (checked in ASan)
    InsertDisplaced(running);
    return;
  }
  size_t next_noted = 0;
  const size_t num_noted = reranked_.size();
  const RankSlot* ranks = ranks_.data();  // locals: push_back may allocate, so members would be reloaded
  const RankSlot* last_kept = nullptr;    // the rank of kept_.back(), looked up once
  for (size_t j = 0; j < running.size(); ++j) {
    Request* r = running[j];
    const RankSlot& rank = ranks[r->slot];
    if (next_noted < num_noted && reranked_[next_noted] == j) {
      displaced_.push_back(r);
      ++next_noted;
    } else if (last_kept == nullptr || !RanksBefore(rank, *last_kept)) {
      kept_.push_back(r);
      last_kept = &rank;
    } else {
      displaced_.push_back(r);
    }
  }
  if (displaced_.empty()) return;  // already in order
  // The result is the unique sorted order either way; the backward pass only pays off when the forward one
  // displaced many (one request that moved down), not for a few dozen demotions.
  if (displaced_.size() > 64 && reranked_.empty()) {
    kept_back_.clear();
    displaced_back_.clear();
    for (auto it = running.rbegin(); it != running.rend(); ++it) {
      if (kept_back_.empty() || !before(kept_back_.back(), *it)) {
        kept_back_.push_back(*it);
      } else {
        displaced_back_.push_back(*it);
      }
    }
    if (displaced_back_.size() < displaced_.size()) {
      std::reverse(kept_back_.begin(), kept_back_.end());
      kept_.swap(kept_back_);
      displaced_.swap(displaced_back_);
    }
  }
  InsertDisplaced(running);
}

void RankedPolicy::InsertDisplaced(std::vector<Request*>& running) {
  const auto before = RankOrder(ranks_.data());
  std::sort(displaced_.begin(), displaced_.end(), before);
  // Binary search and block copies: k log n comparisons instead of a merge's n.
  auto out = running.begin();
  auto from = kept_.begin();
  for (Request* d : displaced_) {
    const auto at = std::upper_bound(from, kept_.end(), d, before);
    out = std::copy(from, at, out);
    *out++ = d;
    from = at;
  }
  std::copy(from, kept_.end(), out);
}

}  // namespace schedkit::serve
