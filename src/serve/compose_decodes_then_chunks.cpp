// kDecodesThenChunks (Sarathi, stall-free batching): every decode, then ongoing prefill chunks, then new
// prompts chunked to the token budget.
#include <algorithm>

#include "compose.h"

namespace schedkit::serve {

void ComposeDecodesThenChunks(BatchBuilder& b) {
  const std::vector<Request*>& running = b.running();
  const int32_t budget = b.budget();
  int32_t used = 0;
  size_t i = 0;
  while (i < running.size()) {  // 1. every decode, 1 token each (not checked against the budget)
    if (!running[i]->is_decoding()) {
      ++i;
      continue;
    }
    if (!b.GrowOrPreempt(&i, 1)) continue;
    b.AddToBatch(running[i], 1);
    ++used;
    ++i;
  }
  for (i = 0; i < running.size() && used < budget; ++i) {  // 2. ongoing prefill chunks
    Request* r = running[i];
    if (r->scheduled_tokens > 0) continue;
    const int32_t n = std::min(r->num_uncomputed_tokens(), budget - used);
    if (!b.TryGrow(r, n)) break;
    b.AddToBatch(r, n);
    used += n;
  }
  AdmitChunked(b, used);  // 3. new prompts
}

}  // namespace schedkit::serve
