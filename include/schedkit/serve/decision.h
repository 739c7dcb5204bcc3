// Why the scheduler did what it did: one Decision per admission, skip, preemption, rejection, finish or
// abort, delivered to an optional observer (a decision trace, a debugger, a test). With no observer set the
// scheduler builds no Decision at all.
#pragma once

#include <cstdint>
#include <string_view>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

enum class DecisionKind : uint8_t {
  kAdmit,    // taken from the waiting queue into the batch (new, resumed after recompute, or swapped in)
  kSkip,     // the waiting head was not admitted this iteration (admission stops at it); see reason. At most
             // one per iteration; none while a static batch runs (admission is not attempted then)
  kPreempt,  // a running request lost its KV (recompute) or was swapped out; see reason (kKv, kOutranked)
  kReject,   // can never run here (or refused by the policy at arrival); final
  kFinish,   // finished (see FinishReason)
};

// Why a request was skipped, preempted or rejected.
enum class DecisionReason : uint8_t {
  kNone,
  kKv,             // not enough free KV blocks (or KV ran short in this iteration and the rules admit nobody
                   // after a preemption, as vLLM v1)
  kWatermark,      // would fit in KV, but not above the admission watermark
  kBudget,         // the iteration's token budget is used up (or the padded prefill cost exceeds it)
  kBatchCap,       // max_num_seqs requests already hold KV
  kPolicy,         // the policy's own admission test (e.g. VTC's reservation) or strict rank order said no
  kPrefixChanged,  // the cache hit seen at peek time was evicted meanwhile: re-examined next iteration
  kOutranked,      // preempt: a higher-ranked waiting request took its place (ranked policies)
  kMaxModelLen,    // reject: prompt + output exceed max_model_len
  kTooLarge,       // reject: larger than the KV cache (or than the budget of a non-chunking policy)
  kRefused,        // reject: the policy refused the arrival (rate limit)
};

std::string_view DecisionKindName(DecisionKind kind);
std::string_view DecisionReasonName(DecisionReason reason);
std::string_view FinishReasonName(FinishReason reason);

struct Decision {
  DecisionKind kind = DecisionKind::kAdmit;
  DecisionReason reason = DecisionReason::kNone;
  double now = 0.0;       // the `now` of the Schedule()/UpdateFromOutput()/AddRequest()/Abort() call
  int64_t iteration = 0;  // scheduler iteration being built (or just finished)
  RequestId request = 0;  // the request decided on
  // admit: tokens scheduled; skip: tokens it asked for; preempt: tokens in KV it loses (or swaps out);
  // finish: tokens generated; reject: 0.
  int32_t num_tokens = 0;
  // preempt: the request whose growth or admission needed the room (-1 when none); finish: unused.
  RequestId beneficiary = -1;
  FinishReason finish_reason = FinishReason::kNone;  // finish / reject
};

class DecisionObserver {
 public:
  virtual ~DecisionObserver() = default;
  virtual void OnDecision(const Decision& decision) = 0;
};

}  // namespace schedkit::serve
