// What one iteration computes, as the execution-time model sees it.
#pragma once

#include <cstdint>
#include <vector>

namespace schedkit::sim {

struct PrefillChunk {
  int32_t num_tokens = 0;      // tokens computed in this iteration for this request
  int32_t context_tokens = 0;  // tokens already in this request's KV cache before the chunk
};

struct BatchShape {
  std::vector<PrefillChunk> prefills;  // prompt chunks (and recompute chunks after a restart)
  int32_t num_decodes = 0;             // requests computing exactly one new token
  int64_t decode_context_sum = 0;      // sum over decodes of their KV length before the step
  int32_t max_decode_context = 0;

  int64_t num_prefill_tokens() const {
    int64_t n = 0;
    for (const auto& p : prefills) n += p.num_tokens;
    return n;
  }
  int64_t num_tokens() const { return num_prefill_tokens() + num_decodes; }
  void clear() {
    prefills.clear();
    num_decodes = 0;
    decode_context_sum = 0;
    max_decode_context = 0;
  }
};

}  // namespace schedkit::sim
