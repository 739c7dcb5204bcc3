// kPrefillFirst (vLLM v0, Vidur's vllm): a prefill-only batch of whole prompts if any can be admitted, else
// every running request decodes.
#include <algorithm>

#include "compose.h"

namespace schedkit::serve {

void ComposePrefillFirst(BatchBuilder& b) {
  int32_t count = 0;
  int64_t longest = 0;
  int64_t sum = 0;
  while (Request* r = b.PeekWaitingWithCacheHit()) {
    const int32_t n = r->num_uncomputed_tokens();
    const int64_t new_longest = std::max<int64_t>(longest, n);
    const int64_t cost = b.rules().padded_prefill_budget ? (count + 1) * new_longest : sum + n;
    // A restarted request longer than the budget still runs, alone.
    if (cost > b.budget() && count > 0) {
      b.SkipWaitingHead(DecisionReason::kBudget);
      break;
    }
    if (!b.TryAdmit(r, n)) break;
    ++count;
    longest = new_longest;
    sum += n;
  }
  if (count > 0) return;  // prefill-only iteration
  ScheduleAllDecodes(b);
}

}  // namespace schedkit::serve
