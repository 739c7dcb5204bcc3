// kRunningListOrder (vLLM v1): running requests in list order, each with as many tokens as it needs up to the
// budget, then waiting ones chunked to what is left.
#include <algorithm>

#include "compose.h"

namespace schedkit::serve {

void ComposeRunningListOrder(BatchBuilder& b) {
  const std::vector<Request*>& running = b.running();
  const int32_t budget = b.budget();
  int32_t used = 0;
  size_t i = 0;
  while (i < running.size() && used < budget) {
    Request* r = running[i];
    const int32_t n = std::min(r->num_uncomputed_tokens(), budget - used);
    if (n == 0) {
      ++i;
      continue;
    }
    if (!b.GrowOrPreempt(&i, n)) break;  // r gave itself up: vLLM v1 stops the running loop
    b.AddToBatch(r, n);
    used += n;
    ++i;
  }
  AdmitChunked(b, used);
}

}  // namespace schedkit::serve
