// Paged KV-cache block manager: fixed-size blocks on the GPU (and optionally CPU swap space), a block table
// per request, and the admission watermark of vLLM v0 / Sarathi / Vidur.
#pragma once

#include <cstdint>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

class KvCacheManager {
 public:
  // Throws schedkit::Error for num_blocks <= 0, block_size <= 0 or a watermark outside [0, num_blocks).
  KvCacheManager(int64_t num_blocks, int32_t block_size, int64_t watermark_blocks,
                 int64_t num_cpu_blocks = 0);

  int32_t block_size() const { return block_size_; }
  int64_t num_blocks() const { return num_blocks_; }
  int64_t num_free_blocks() const { return static_cast<int64_t>(free_ids_.size()); }
  int64_t num_used_blocks() const { return num_blocks_ - num_free_blocks(); }
  int64_t watermark_blocks() const { return watermark_blocks_; }
  int64_t num_cpu_blocks() const { return num_cpu_blocks_; }
  int64_t num_free_cpu_blocks() const { return num_cpu_blocks_ - used_cpu_blocks_; }

  int32_t BlocksForTokens(int64_t tokens) const {
    return static_cast<int32_t>((tokens + block_size_ - 1) / block_size_);
  }
  // Admission check: leaves at least the watermark free when `respect_watermark` (growth ignores it, as in
  // vLLM).
  bool CanAllocate(int64_t blocks, bool respect_watermark) const {
    return num_free_blocks() - blocks >= (respect_watermark ? watermark_blocks_ : 0);
  }
  // Appends `blocks` block ids to the request's table. The caller checked CanAllocate.
  void Allocate(Request& request, int32_t blocks);
  // Grows the table so that it covers `tokens` tokens; returns false (and allocates nothing) when short of
  // blocks.
  // Inline fast path: most calls (decodes inside a block) need no new block.
  bool EnsureCapacity(Request& request, int64_t tokens) {
    if (static_cast<int64_t>(request.block_ids.size()) * block_size_ >= tokens) return true;
    return Grow(request, tokens);
  }
  void Free(Request& request);

  // Swap preemption: the request's blocks move to CPU memory (false when the CPU space is short).
  bool SwapOut(Request& request);
  // Swap back in (the caller checked CanAllocate for num_swapped_blocks).
  void SwapIn(Request& request);

 private:
  bool Grow(Request& request, int64_t tokens);

  int64_t num_blocks_;
  int32_t block_size_;
  int64_t watermark_blocks_;
  int64_t num_cpu_blocks_;
  int64_t used_cpu_blocks_ = 0;
  std::vector<int32_t> free_ids_;  // stack: the most recently freed block is reused first
};

}  // namespace schedkit::serve
