// Paged KV-cache block manager: fixed-size blocks on the GPU (and optionally CPU swap space), a block table
// per request, the admission watermark of vLLM v0 / Sarathi / Vidur, and automatic prefix caching in the
// manner of vLLM v1 (docs/serving.md, "Prefix caching").
//
// Prefix caching (off unless enabled): a full block whose content the request's prefix_hashes identify
// registers under a key (the hash of the content up to its end, and its position). Blocks are ref-counted; a
// later request whose prefix matches a chain of registered blocks shares them instead of computing them. A
// freed registered block keeps its content and goes to the tail of an evictable LRU queue; allocation takes
// plain free blocks first and evicts the head of that queue (the least recently freed) only when none is
// left. Without prefix caching every block has one holder and the manager behaves as before.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::serve {

class KvCacheManager {
 public:
  // Throws schedkit::Error for num_blocks <= 0, block_size <= 0 or a watermark outside [0, num_blocks).
  KvCacheManager(int64_t num_blocks, int32_t block_size, int64_t watermark_blocks, int64_t num_cpu_blocks = 0,
                 bool prefix_caching = false);

  int32_t block_size() const { return block_size_; }
  int64_t num_blocks() const { return num_blocks_; }
  // Blocks an allocation can take: plain free ones plus evictable cached ones.
  int64_t num_free_blocks() const { return static_cast<int64_t>(free_ids_.size()) + num_evictable_; }
  int64_t num_used_blocks() const { return num_blocks_ - num_free_blocks(); }
  int64_t watermark_blocks() const { return watermark_blocks_; }
  int64_t num_cpu_blocks() const { return num_cpu_blocks_; }
  int64_t num_free_cpu_blocks() const { return num_cpu_blocks_ - used_cpu_blocks_; }
  bool prefix_caching() const { return prefix_caching_; }

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
  // Releases the CPU space of a swapped-out request that will never come back (aborted).
  void DropSwapped(Request& request) {
    used_cpu_blocks_ -= request.num_swapped_blocks;
    request.num_swapped_blocks = 0;
  }

  // --- Prefix caching (all no-ops or empty results when it is off).
  struct PrefixMatch {
    int32_t blocks = 0;     // leading blocks of the request found in the cache
    int32_t evictable = 0;  // of them, blocks nobody holds (sharing them takes them out of the free count)
  };
  // The longest chain of cached blocks that starts the request's token sequence and ends at or before
  // `max_tokens` tokens (the caller passes num_tokens - 1: at least one token is always computed).
  PrefixMatch MatchPrefix(const Request& request, int64_t max_tokens) const;
  // Shares the first `blocks` matched blocks (MatchPrefix's result, unchanged since) into the request's empty
  // table.
  void AcquirePrefix(Request& request, int32_t blocks);
  // Registers the request's blocks that are full (of computed tokens) and identified by its hashes.
  void RegisterFullBlocks(Request& request) {
    if (prefix_caching_ && !request.spec.prefix_hashes.empty()) Register(request);
  }

  // Introspection for tests and metrics.
  int64_t num_evictable_blocks() const { return num_evictable_; }
  int64_t num_cached_blocks() const { return static_cast<int64_t>(cached_.size()); }
  // Holders of a cached block (0 while evictable); -1 for an uncached block (one holder or none: only cached
  // blocks are shared, so the manager keeps no count for the others).
  int32_t ref_count(int32_t block) const {
    return blocks_.empty() || !blocks_[block].cached ? -1 : blocks_[block].refs;
  }
  bool is_cached(int32_t block) const { return !blocks_.empty() && blocks_[block].cached; }
  // Evictable blocks from the next to be evicted to the last.
  std::vector<int32_t> EvictionOrder() const;

 private:
  static constexpr int32_t kNone = -1;
  struct BlockState {
    int32_t refs = 0;     // holders, kept for cached blocks only
    bool cached = false;  // registered under `key` in cached_
    uint64_t key = 0;
    int32_t prev = kNone, next = kNone;  // evictable LRU list links
  };

  bool Grow(Request& request, int64_t tokens);
  int32_t TakeBlock();
  void AllocateEvicting(Request& request, int32_t blocks);
  void Release(int32_t block);
  void Register(Request& request);
  // Key of the request's block `index` (content up to its end), or false when its hashes do not cover it.
  bool BlockKey(const Request& request, int32_t index, uint64_t* key) const;
  void LinkTail(int32_t block);
  void Unlink(int32_t block);

  int64_t num_blocks_;
  int32_t block_size_;
  int64_t watermark_blocks_;
  int64_t num_cpu_blocks_;
  int64_t used_cpu_blocks_ = 0;
  bool prefix_caching_;
  std::vector<int32_t> free_ids_;  // stack: the most recently freed block is reused first
  // Prefix caching only (empty otherwise).
  std::vector<BlockState> blocks_;
  std::unordered_map<uint64_t, int32_t> cached_;  // content key -> block
  int32_t lru_head_ = kNone, lru_tail_ = kNone;
  int64_t num_evictable_ = 0;
};

}  // namespace schedkit::serve
