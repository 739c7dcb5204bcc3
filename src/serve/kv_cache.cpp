#include "schedkit/serve/kv_cache.h"

#include <fmt/core.h>

#include "schedkit/util/error.h"

namespace schedkit::serve {

KvCacheManager::KvCacheManager(int64_t num_blocks, int32_t block_size, int64_t watermark_blocks,
                               int64_t num_cpu_blocks)
    : num_blocks_(num_blocks),
      block_size_(block_size),
      watermark_blocks_(watermark_blocks),
      num_cpu_blocks_(num_cpu_blocks) {
  if (num_blocks <= 0 || num_blocks > INT32_MAX) {
    throw Error(fmt::format("KV cache: number of blocks must be in [1, {}], got {}", INT32_MAX, num_blocks));
  }
  if (block_size <= 0) throw Error(fmt::format("KV cache: block size must be positive, got {}", block_size));
  if (watermark_blocks < 0 || watermark_blocks >= num_blocks) {
    throw Error(
        fmt::format("KV cache: watermark of {} blocks must be in [0, {})", watermark_blocks, num_blocks));
  }
  if (num_cpu_blocks < 0) throw Error(fmt::format("KV cache: negative CPU swap blocks {}", num_cpu_blocks));
  free_ids_.reserve(static_cast<size_t>(num_blocks));
  for (int64_t i = num_blocks - 1; i >= 0; --i) free_ids_.push_back(static_cast<int32_t>(i));
}

void KvCacheManager::Allocate(Request& request, int32_t blocks) {
  for (int32_t i = 0; i < blocks; ++i) {
    request.block_ids.push_back(free_ids_.back());
    free_ids_.pop_back();
  }
}

bool KvCacheManager::Grow(Request& request, int64_t tokens) {
  const int32_t missing = BlocksForTokens(tokens) - request.num_kv_blocks();
  if (missing <= 0) return true;
  if (num_free_blocks() < missing) return false;
  Allocate(request, missing);
  return true;
}

void KvCacheManager::Free(Request& request) {
  for (auto it = request.block_ids.rbegin(); it != request.block_ids.rend(); ++it) free_ids_.push_back(*it);
  request.block_ids.clear();
}

bool KvCacheManager::SwapOut(Request& request) {
  const int32_t n = request.num_kv_blocks();
  if (num_free_cpu_blocks() < n) return false;
  used_cpu_blocks_ += n;
  request.num_swapped_blocks = n;
  Free(request);
  return true;
}

void KvCacheManager::SwapIn(Request& request) {
  used_cpu_blocks_ -= request.num_swapped_blocks;
  Allocate(request, request.num_swapped_blocks);
  request.num_swapped_blocks = 0;
}

}  // namespace schedkit::serve
