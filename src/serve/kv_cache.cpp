#include "schedkit/serve/kv_cache.h"

#include <fmt/core.h>

#include <algorithm>

#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

// splitmix64 finaliser: spreads (hash id, block position) over 64 bits.
uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

KvCacheManager::KvCacheManager(int64_t num_blocks, int32_t block_size, int64_t watermark_blocks,
                               int64_t num_cpu_blocks, bool prefix_caching)
    : num_blocks_(num_blocks),
      block_size_(block_size),
      watermark_blocks_(watermark_blocks),
      num_cpu_blocks_(num_cpu_blocks),
      prefix_caching_(prefix_caching) {
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
  if (prefix_caching_) blocks_.resize(static_cast<size_t>(num_blocks));
}

int32_t KvCacheManager::TakeBlock() {
  int32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {  // only with prefix caching: evict the least recently freed cached block
    id = lru_head_;
    Unlink(id);
    cached_.erase(blocks_[id].key);
    blocks_[id].cached = false;
  }
  return id;  // an uncached block has its one holder implicitly: no per-block write on this path
}

void KvCacheManager::Release(int32_t block) {
  if (!prefix_caching_) {
    free_ids_.push_back(block);
    return;
  }
  BlockState& b = blocks_[block];
  if (!b.cached) {
    free_ids_.push_back(block);
  } else if (--b.refs == 0) {  // else still shared
    LinkTail(block);
  }
}

void KvCacheManager::Allocate(Request& request, int32_t blocks) {
  if (static_cast<size_t>(blocks) > free_ids_.size()) {  // only with prefix caching: evictions needed
    AllocateEvicting(request, blocks);
    return;
  }
  if (blocks == 1) {  // the common case (a decode crossing a block boundary)
    request.block_ids.push_back(free_ids_.back());
    free_ids_.pop_back();
    return;
  }
  // The top of the free stack, most recent first (the order of successive pops).
  request.block_ids.insert(request.block_ids.end(), free_ids_.rbegin(), free_ids_.rbegin() + blocks);
  free_ids_.resize(free_ids_.size() - static_cast<size_t>(blocks));
}

void KvCacheManager::AllocateEvicting(Request& request, int32_t blocks) {
  for (int32_t i = 0; i < blocks; ++i) request.block_ids.push_back(TakeBlock());  // plain free ones first
}

bool KvCacheManager::Grow(Request& request, int64_t tokens) {
  const int32_t missing = BlocksForTokens(tokens) - request.num_kv_blocks();
  if (missing <= 0) return true;
  if (num_free_blocks() < missing) return false;
  Allocate(request, missing);
  return true;
}

void KvCacheManager::Free(Request& request) {
  // Last block first: with prefix caching the tail of a sequence (least likely shared) is evicted first.
  // Blocks past num_registered_blocks were never registered (uncached, one holder): straight back to the
  // free stack without touching their state.
  const size_t registered = prefix_caching_ ? static_cast<size_t>(request.num_registered_blocks) : 0;
  free_ids_.insert(free_ids_.end(), request.block_ids.rbegin(),
                   request.block_ids.rend() - static_cast<std::ptrdiff_t>(registered));
  for (size_t i = registered; i-- > 0;) Release(request.block_ids[i]);
  request.block_ids.clear();
  request.num_registered_blocks = 0;
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

bool KvCacheManager::BlockKey(const Request& request, int32_t index, uint64_t* key) const {
  const RequestSpec& s = request.spec;
  if (s.prefix_hash_block_tokens <= 0) return false;
  const int64_t end = static_cast<int64_t>(index + 1) * block_size_;  // tokens up to the block's end
  const int64_t k = (end - 1) / s.prefix_hash_block_tokens;           // hash block holding its last token
  if (k >= static_cast<int64_t>(s.prefix_hashes.size())) return false;
  // The id covers every token before the block's end, so (id, position) names the block's content.
  *key = Mix(s.prefix_hashes[static_cast<size_t>(k)] ^ Mix(static_cast<uint64_t>(index)));
  return true;
}

KvCacheManager::PrefixMatch KvCacheManager::MatchPrefix(const Request& request, int64_t max_tokens) const {
  PrefixMatch m;
  if (!prefix_caching_) return m;
  uint64_t key;
  for (int32_t j = 0; static_cast<int64_t>(j + 1) * block_size_ <= max_tokens && BlockKey(request, j, &key);
       ++j) {
    auto it = cached_.find(key);
    if (it == cached_.end()) break;
    ++m.blocks;
    if (blocks_[it->second].refs == 0) ++m.evictable;
  }
  return m;
}

void KvCacheManager::AcquirePrefix(Request& request, int32_t blocks) {
  uint64_t key = 0;
  for (int32_t j = 0; j < blocks; ++j) {
    BlockKey(request, j, &key);
    const int32_t id = cached_.at(key);
    BlockState& b = blocks_[id];
    if (b.refs++ == 0) Unlink(id);
    request.block_ids.push_back(id);
  }
  request.num_registered_blocks = blocks;
}

void KvCacheManager::Register(Request& request) {
  const int32_t full = std::min<int32_t>(request.num_computed_tokens / block_size_, request.num_kv_blocks());
  uint64_t key;
  int32_t j = request.num_registered_blocks;
  for (; j < full && BlockKey(request, j, &key); ++j) {
    const int32_t id = request.block_ids[static_cast<size_t>(j)];
    // Same content already cached in another block (computed concurrently): keep the first, as vLLM does.
    if (cached_.try_emplace(key, id).second) {
      blocks_[id].cached = true;
      blocks_[id].key = key;
      blocks_[id].refs = 1;  // its holder
    }
  }
  request.num_registered_blocks = j;
}

void KvCacheManager::LinkTail(int32_t block) {
  BlockState& b = blocks_[block];
  b.prev = lru_tail_;
  b.next = kNone;
  if (lru_tail_ != kNone) {
    blocks_[lru_tail_].next = block;
  } else {
    lru_head_ = block;
  }
  lru_tail_ = block;
  ++num_evictable_;
}

void KvCacheManager::Unlink(int32_t block) {
  BlockState& b = blocks_[block];
  if (b.prev != kNone) {
    blocks_[b.prev].next = b.next;
  } else {
    lru_head_ = b.next;
  }
  if (b.next != kNone) {
    blocks_[b.next].prev = b.prev;
  } else {
    lru_tail_ = b.prev;
  }
  b.prev = b.next = kNone;
  --num_evictable_;
}

std::vector<int32_t> KvCacheManager::EvictionOrder() const {
  std::vector<int32_t> order;
  for (int32_t b = lru_head_; b != kNone; b = blocks_[b].next) order.push_back(b);
  return order;
}

}  // namespace schedkit::serve
