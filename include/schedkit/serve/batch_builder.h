// The batch builder: the admission, KV growth and preemption primitives that a composition order (one per
// BatchingRules::Order, src/serve/compose_*.cpp) assembles into one iteration. It owns the running list, the
// KV cache and the iteration being built; the Scheduler owns the request lifecycle around it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "schedkit/serve/batch.h"
#include "schedkit/serve/decision.h"
#include "schedkit/serve/kv_cache.h"
#include "schedkit/serve/policy.h"
#include "schedkit/serve/request.h"

namespace schedkit::serve {

struct SchedulerConfig;

class BatchBuilder {
 public:
  // `policy` must outlive the builder.
  BatchBuilder(const SchedulerConfig& config, SchedulingPolicy& policy, const BatchingRules& rules);

  // --- The iteration being built.
  // Starts iteration `iteration` at `now` with an empty output.
  void Begin(double now, int64_t iteration);
  void set_budget(int32_t budget) { budget_ = budget; }
  int32_t budget() const { return budget_; }
  double now() const { return now_; }
  int64_t iteration() const { return iteration_; }
  const BatchingRules& rules() const { return rules_; }
  SchedulingPolicy& policy() { return *policy_; }
  const SchedulerOutput& output() const { return out_; }
  size_t num_scheduled() const { return out_.scheduled.size(); }
  // Requests preempted so far in this iteration (each preemption requeues one).
  size_t num_preempted() const { return out_.preempted.size(); }
  bool WasPreempted(const Request* r) const {
    return std::find(out_.preempted.begin(), out_.preempted.end(), r) != out_.preempted.end();
  }
  EngineView View(double now) const;

  // --- Running list (requests holding KV), in the order the policy and the rules keep it.
  std::vector<Request*>& running() { return running_; }
  const std::vector<Request*>& running() const { return running_; }
  // Moves running()[from] to position `to` (to <= from), shifting the ones between back by one.
  void MoveRunning(size_t from, size_t to) {
    auto first = running_.begin() + static_cast<std::ptrdiff_t>(to);
    auto at = running_.begin() + static_cast<std::ptrdiff_t>(from);
    std::rotate(first, at, at + 1);
  }
  KvCacheManager& kv() { return kv_; }
  const KvCacheManager& kv() const { return kv_; }

  // --- Waiting queue.
  // The policy's next waiting request. Mutates it: with prefix caching its num_computed_tokens is set to its
  // cache hit (tentative until admission, which shares the hit blocks; the next peek recomputes it).
  Request* PeekWaitingWithCacheHit() {
    Request* r = policy_->PeekWaiting();
    if (r != nullptr && TakesPrefixHit(*r)) SetTentativeHit(r);
    return r;
  }
  // Why `r` could not be admitted with `num_tokens` now (kBatchCap, kKv, kWatermark), or kNone when it fits.
  DecisionReason WhyNotFits(const Request& r, int32_t num_tokens) const;
  bool Fits(const Request& r, int32_t num_tokens) const {
    return WhyNotFits(r, num_tokens) == DecisionReason::kNone;
  }
  // Admits `r`, the policy's next waiting request as last peeked, with `num_tokens` this iteration: pops it,
  // allocates (or swaps in) its KV, inserts it in the running list and adds it to the batch. False when it
  // does not fit, the policy's Admit() refuses it or its cache hit changed since the peek; the skip is
  // reported then, and admission should stop for this iteration.
  bool TryAdmit(Request* r, int32_t num_tokens);
  // Reports a skip of the waiting head (if any) for `why` when admission stops for a reason TryAdmit did not
  // see (budget used up, no admission after a preemption, strict order).
  void SkipWaitingHead(DecisionReason why) {
    if (observer_ != nullptr) [[unlikely]]
      ReportSkipOfHead(why);
  }

  // --- Running requests.
  // Makes room for `num_tokens` more tokens of running()[*index], preempting the policy's victims; false when
  // the request itself was preempted (running()[*index] is then the next request). *index follows the
  // request when victims before it leave the list.
  bool GrowOrPreempt(size_t* index, int32_t num_tokens) {
    Request* r = running_[*index];
    const int64_t target = static_cast<int64_t>(r->num_computed_tokens) + num_tokens;
    if (kv_.EnsureCapacity(*r, target)) return true;  // fast path: no new block, or one was free
    return PreemptUntilFits(index, target);
  }
  // Makes room for `num_tokens` more tokens of r without preempting anyone; false when KV is short.
  bool TryGrow(Request* r, int32_t num_tokens) {
    return kv_.EnsureCapacity(*r, static_cast<int64_t>(r->num_computed_tokens) + num_tokens);
  }
  // Preempts running()[index] (recompute, or swap when the rules say so and CPU space is left) and requeues
  // it; `why` and the `beneficiary` (nullptr when none) are reported.
  void Preempt(size_t index, DecisionReason why, const Request* beneficiary);
  // What preempting running request r now would cost: recompute, or swap when the rules say so and CPU
  // space is left for it.
  EvictionCost CostOfEvicting(const Request& r) const {
    return EvictionCost{r.num_computed_tokens, rules_.preemption == BatchingRules::Preemption::kSwap &&
                                                   kv_.num_free_cpu_blocks() >= r.num_kv_blocks()};
  }
  // Whether r entered the batch of this iteration by admission (new, resumed or swapped in).
  bool AdmittedNow(const Request* r) const {
    return std::any_of(out_.scheduled.begin(), out_.scheduled.end(),
                       [r](const ScheduledRequest& s) { return s.request == r && s.admitted; });
  }
  // Adds running request r with `num_tokens` to the batch.
  void AddToBatch(Request* r, int32_t num_tokens) { Append(r, num_tokens, /*admitted=*/false); }

  // --- Decisions.
  void set_observer(DecisionObserver* observer) { observer_ = observer; }
  bool observing() const { return observer_ != nullptr; }
  // Delivers d to the observer, stamped with this builder's iteration; call only when observing().
  void Report(Decision d) const {
    d.iteration = iteration_;
    observer_->OnDecision(d);
  }

 private:
  // Prefix caching: whether r holds no KV and may take a cache hit at admission (waiting or recomputing, with
  // content ids).
  bool TakesPrefixHit(const Request& r) const {
    return kv_.prefix_caching() && !r.spec.prefix_hashes.empty() && r.state != RequestState::kSwapped &&
           r.block_ids.empty();
  }
  void SetTentativeHit(Request* r);
  int32_t ReservationTokens(const Request& r) const;
  int64_t AdmissionBlocks(const Request& r, int32_t num_tokens) const;
  bool PreemptUntilFits(size_t* index, int64_t target);
  void InsertRunning(Request* r);
  void Append(Request* r, int32_t num_tokens, bool admitted) {
    r->scheduled_tokens = num_tokens;
    out_.scheduled.push_back(
        ScheduledRequest{r, num_tokens, r->num_computed_tokens, r->is_decoding(), admitted});
  }
  void ReportSkip(const Request& r, int32_t num_tokens, DecisionReason why) const;
  void ReportSkipOfHead(DecisionReason why);

  SchedulingPolicy* policy_;
  BatchingRules rules_;
  int32_t max_num_seqs_;
  int32_t max_model_len_;
  KvCacheManager kv_;
  std::vector<Request*> running_;
  SchedulerOutput out_;
  int32_t budget_ = 0;
  int64_t iteration_ = 0;
  double now_ = 0.0;
  DecisionObserver* observer_ = nullptr;
};

}  // namespace schedkit::serve
