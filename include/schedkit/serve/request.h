// A serving request in vLLM v1's vocabulary: num_computed_tokens catches up with prompt + output tokens;
// there is no separate prefill/decode phase flag.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace schedkit::serve {

using RequestId = int64_t;
using ClientId = int32_t;
using ProgramId = int64_t;
inline constexpr ClientId kNoClient = -1;
inline constexpr ProgramId kNoProgram = -1;

// What an arriving request carries. Times are seconds on the caller's clock (the scheduler never reads a
// clock).
struct RequestSpec {
  RequestId id = 0;
  double arrival_time = 0.0;
  int32_t prompt_tokens = 0;
  // Number of tokens the request generates before it stops. An engine sets this to max_new_tokens and may
  // stop earlier (EOS); a simulator sets it to the true output length from the trace.
  int32_t output_tokens = 0;
  ClientId client = kNoClient;     // tenant / user (VTC, RPM limits)
  ProgramId program = kNoProgram;  // agentic program the call belongs to (Autellix)
  std::vector<RequestId> parents;  // calls this one depends on inside its program (Autellix ATLAS)
  int32_t priority = 0;            // lower value = more important (vLLM v1 "priority" policy)
  std::optional<double> ttft_slo;  // seconds (SLAI, SLO attainment)
  std::optional<double> tbt_slo;   // seconds
  // Content ids of the request's token sequence (prompt, then the tokens it generates), Mooncake style:
  // prefix_hashes[k] stands for the content of tokens [0, (k+1) x prefix_hash_block_tokens), so two requests
  // whose first k ids are equal share that many hash blocks of prefix. The ids may run past the prompt into
  // the generated tokens (a child call that reuses its parent's history carries the ids of the parent's
  // prompt and output). A last id may cover a partial block (Mooncake's last hash_id). Prefix caching
  // (kv_cache.h) caches a KV block only when the ids cover it entirely; without ids nothing is cached.
  std::vector<uint64_t> prefix_hashes;
  int32_t prefix_hash_block_tokens = 0;  // tokens covered by one hash id (Mooncake: 512); 0 when no hashes
};

enum class RequestState : uint8_t {
  kWaiting,    // never admitted
  kRunning,    // holds KV on the GPU
  kPreempted,  // KV freed, will recompute prompt + generated tokens
  kSwapped,    // KV moved to CPU memory, keeps its progress
  kFinished,
  kRejected,  // can never fit (larger than the KV cache or max_model_len): reported, never retried
};

// Why a request left the scheduler (vLLM's finish reasons: length, stop, abort; plus rejection).
enum class FinishReason : uint8_t {
  kNone,      // not finished
  kLength,    // generated spec.output_tokens tokens
  kStop,      // the engine stopped it early (EOS / stop string), passed to UpdateFromOutput
  kAborted,   // Scheduler::Abort (client disconnected, cancelled)
  kRejected,  // could never run here, or refused at arrival
};

inline constexpr double kNever = std::numeric_limits<double>::quiet_NaN();

// Live state of a request inside the scheduler. Only the scheduler (and its KV cache manager) writes it;
// policies read it. A policy keeps its own per-request state (ranks, attained service, promotion counters) in
// its own side table indexed by `slot` (src/serve/slot_table.h); hooks that hand policies a mutable Request*
// do so only to queue and order it.
struct Request {
  RequestSpec spec;
  // Index of the request's storage slot inside its scheduler, stable while the request is live and reused
  // after it is released: policies key their per-request side tables by it (a dense vector, no hashing).
  uint32_t slot = 0;
  RequestState state = RequestState::kWaiting;
  FinishReason finish_reason = FinishReason::kNone;
  // Tokens whose KV is computed (and held, while running). With prefix caching, a waiting request that holds
  // no KV carries its tentative cache hit here (set when it is peeked, shared only when it is admitted).
  int32_t num_computed_tokens = 0;
  int32_t num_output_tokens = 0;  // tokens generated so far (kept across preemption)
  int32_t num_preemptions = 0;
  int64_t last_scheduled_iteration = -1;  // starvation counters (LTR) compare it with the current iteration
  int32_t scheduled_tokens = 0;           // tokens in the batch being built (0 = not in it)
  double first_scheduled_time = kNever;
  double first_token_time = kNever;  // end of the iteration that completed the (first) prefill
  double last_token_time = kNever;
  double finish_time = kNever;
  double execution_time = 0.0;     // summed duration of the iterations the request was part of
  double max_token_gap = 0.0;      // largest time between two consecutive output tokens (worst TBT)
  int64_t arrival_iteration = 0;   // scheduler iteration count when the request was added
  uint64_t arrival_seq = 0;        // order of AddRequest calls: FCFS tie-break among equal arrival times
  std::vector<int32_t> block_ids;  // the request's KV block table on the GPU (paged attention)
  int32_t num_swapped_blocks = 0;  // blocks held in CPU memory while swapped out
  // Prefix caching: leading blocks of block_ids already registered in the cache or found to be duplicates
  // (KvCacheManager); prompt tokens found in the cache at the first admission (the hit-rate numerator).
  int32_t num_registered_blocks = 0;
  int32_t num_cached_prompt_tokens = 0;

  // Tokens the request will have in KV when caught up: prompt + generated tokens.
  int32_t num_tokens() const { return spec.prompt_tokens + num_output_tokens; }
  int32_t num_uncomputed_tokens() const { return num_tokens() - num_computed_tokens; }
  // A decode step computes exactly the last sampled token.
  bool is_decoding() const { return num_output_tokens > 0 && num_uncomputed_tokens() == 1; }
  int32_t num_kv_blocks() const { return static_cast<int32_t>(block_ids.size()); }
  bool is_finished() const { return state == RequestState::kFinished || state == RequestState::kRejected; }
};

}  // namespace schedkit::serve
