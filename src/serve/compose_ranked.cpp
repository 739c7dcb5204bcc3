// kRanked (LTR, SJF, SRPT, priority, Autellix, SLAI): the running list (in rank order after OrderRunning) and
// the waiting queue (best first) merged into one order under one token budget. A waiting request goes before
// a running one when the policy's ShouldPreemptFor(waiting, running); admission is strict (none past the
// first waiting request that does not fit), while running requests ranked below it still run. With
// decodes_first, every running decode is scheduled before the merge, which then orders the prefills only.
#include <algorithm>
#include <cassert>
#include <cstdint>

#include "compose.h"

namespace schedkit::serve {
namespace {

// The first j > i with ShouldPreemptFor(w, running[j]), or running.size(): the list is in rank order, so the
// predicate is false then true along it (kRanked's contract). Galloping, then binary search: O(log d).
size_t RankedRunEnd(BatchBuilder& b, size_t i, const Request& w) {
  const std::vector<Request*>& running = b.running();
  SchedulingPolicy& policy = b.policy();
  size_t lo = i;  // predicate false at lo
  size_t step = 1;
  size_t hi = running.size();
  while (lo + step < running.size()) {
    if (policy.ShouldPreemptFor(w, *running[lo + step])) {
      hi = lo + step;
      break;
    }
    lo += step;
    step *= 2;
  }
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (policy.ShouldPreemptFor(w, *running[mid])) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
#ifndef NDEBUG
  for (size_t j = i; j < running.size(); ++j) {  // the contract, checked in the sanitizer build
    assert(policy.ShouldPreemptFor(w, *running[j]) == (j >= hi));
  }
#endif
  return hi;
}

// decodes_first: each running decode in rank order gets its token (KV preemption as usual); returns the
// tokens used.
int32_t ScheduleDecodesFirst(BatchBuilder& b) {
  const std::vector<Request*>& running = b.running();
  const int32_t budget = b.budget();
  int32_t used = 0;
  for (size_t j = 0; j < running.size() && used < budget;) {
    Request* r = running[j];
    if (!r->is_decoding() || r->scheduled_tokens > 0) {
      ++j;
      continue;
    }
    if (!b.GrowOrPreempt(&j, 1)) continue;  // r itself was the victim: running[j] is the next one
    b.AddToBatch(r, 1);
    ++used;
    ++j;
  }
  return used;
}

// Whether the lowest-ranked running request may be evicted for w: not yet decided by the merge (index >= i
// and not in the batch), or a decode the decodes-first pass scheduled; and the policy agrees.
bool MayEvictLast(BatchBuilder& b, size_t i, const Request& w) {
  const std::vector<Request*>& running = b.running();
  if (running.empty()) return false;
  const Request& last = *running.back();
  const bool undecided = running.size() > i && last.scheduled_tokens == 0;
  const bool early_decode =
      b.rules().decodes_first && last.scheduled_tokens == 1 && last.is_decoding() && !b.AdmittedNow(&last);
  if (!undecided && !early_decode) return false;
  SchedulingPolicy& policy = b.policy();
  return policy.ShouldPreemptFor(w, last) && policy.MayEvictFor(w, last, b.CostOfEvicting(last));
}

}  // namespace

void ComposeRanked(BatchBuilder& b) {
  const std::vector<Request*>& running = b.running();
  SchedulingPolicy& policy = b.policy();
  const int32_t budget = b.budget();
  int32_t used = b.rules().decodes_first ? ScheduleDecodesFirst(b) : 0;
  size_t i = 0;                   // next running request in rank order; running[0, i) are decided
  bool admission_closed = false;  // a waiting request did not fit: no admission past it (strict order)
  Request* w = nullptr;           // the waiting head, peeked again only when the queue may have changed
  size_t peeked_at = SIZE_MAX;    // num_preempted() when w was peeked (a preemption requeues)
  while (used < budget) {
    while (i < running.size() && running[i]->scheduled_tokens > 0) ++i;
    if (admission_closed) {
      w = nullptr;
    } else if (peeked_at != b.num_preempted()) {
      w = b.PeekWaitingWithCacheHit();
      peeked_at = b.num_preempted();
    }
    Request* r = i < running.size() ? running[i] : nullptr;
    if (w == nullptr && r == nullptr) break;
    if (r != nullptr && (w == nullptr || !policy.ShouldPreemptFor(*w, *r))) {
      // The running requests ranked before w form a run from i: schedule the run without comparing each one
      // with w. A preemption requeues a victim, which may change the head: back to the outer loop then.
      const size_t end = w == nullptr ? running.size() : RankedRunEnd(b, i, *w);
      const size_t preempted_before = b.num_preempted();
      bool self_preempted = false;
      while (i < end && used < budget && b.num_preempted() == preempted_before) {
        r = running[i];
        if (r->scheduled_tokens > 0) {
          ++i;
          continue;
        }
        const int32_t n = std::min(r->num_uncomputed_tokens(), budget - used);
        if (!b.GrowOrPreempt(&i, n)) {
          self_preempted = true;
          break;
        }
        b.AddToBatch(r, n);
        used += n;
        ++i;
      }
      if (self_preempted) break;  // r itself was the victim: strict order stops here
      continue;
    }
    // The waiting request ranks next. One preempted in this iteration does not come straight back.
    if (b.WasPreempted(w)) {
      b.SkipWaitingHead(DecisionReason::kPolicy);
      admission_closed = true;
      continue;
    }
    const int32_t n = std::min(w->num_uncomputed_tokens(), budget - used);
    // Make room by evicting the lowest-ranked running requests it outranks (never one already in the batch).
    while (b.rules().evict_lower_ranked && !b.Fits(*w, n) && MayEvictLast(b, i, *w)) {
      const size_t last = running.size() - 1;
      used -= running[last]->scheduled_tokens;  // a decode of the decodes-first pass gives its token back
      b.Preempt(last, DecisionReason::kOutranked, w);
      if (last < i) i = last;
    }
    if (!b.TryAdmit(w, n)) {  // the running requests still run (else a blocked head could stall them all)
      admission_closed = true;
      continue;
    }
    peeked_at = SIZE_MAX;  // w left the queue
    // TryAdmit placed it by the running-list rule; move it to its rank position.
    auto it = std::find(running.rbegin(), running.rend(), w);
    const size_t at = static_cast<size_t>(running.rend() - it) - 1;
    if (at > i) b.MoveRunning(at, i);
    used += n;
    ++i;
  }
  if (!admission_closed && used >= budget) b.SkipWaitingHead(DecisionReason::kBudget);
}

}  // namespace schedkit::serve
