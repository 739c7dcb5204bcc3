// The narrow interface every scheduling policy implements. A policy orders and selects; the shared batch
// builder (batch_builder.h, composed per BatchingRules::Order) applies token budgets, chunking, KV allocation
// and preemption mechanics.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/serve/batch.h"
#include "schedkit/serve/request.h"

namespace schedkit::serve {

// How the shared batch builder composes one iteration. Each literature scheduler is one combination.
struct BatchingRules {
  enum class Order {
    kPrefillFirst,  // vLLM v0 / Vidur vllm: a prefill-only batch if any prompt can be admitted, else decodes
    kDecodesThenChunks,  // Sarathi: decodes, then ongoing prefill chunks, then new prompts (stall-free)
    kRunningListOrder,   // vLLM v1: running requests in list order (any number of tokens), then waiting ones
    kHybridWholePrompt,  // Orca: every running decode plus newly admitted whole prompts, no token budget
    kStaticBatch,        // FasterTransformer: a batch runs until all its requests finish; then the next one
    // Ranked policies (LTR, SJF, Autellix, SLAI): running (sorted by OrderRunning, best first) and waiting
    // requests (PeekWaiting, best first) merged into one order under one token budget; a waiting request goes
    // before a running one when ShouldPreemptFor(waiting, running). Admission is strict (none past the first
    // waiting request that does not fit); running requests ranked below it still run. Contract: after
    // OrderRunning, ShouldPreemptFor(w, running[j]) is false then true along the running list for any w.
    kRanked,
  };
  enum class Reservation {
    kIncremental,  // blocks for the tokens computed so far (vLLM v1)
    kWholePrompt,  // all prompt blocks at admission, one more per block boundary in decode (vLLM v0, Sarathi)
    kMaxModelLen,  // max_model_len worth of blocks at admission, never grows (Orca, FasterTransformer)
  };
  enum class Preemption { kRecompute, kSwap };

  Order order = Order::kDecodesThenChunks;
  Reservation reservation = Reservation::kWholePrompt;
  Preemption preemption = Preemption::kRecompute;
  bool chunked_prefill = true;            // prompts may span iterations
  bool padded_prefill_budget = false;     // Vidur vllm: batch size x longest prompt <= token budget
  bool respect_watermark = true;          // admission keeps the watermark free
  bool admit_after_preemption = true;     // vLLM v1 admits nobody in an iteration that preempted
  bool running_sorted_by_arrival = true;  // Sarathi/Vidur: the running list (and victim choice) by arrival
  int32_t default_token_budget = 512;     // used when SchedulerConfig::token_budget is 0
  // kRanked: a waiting request that does not fit (KV or batch cap) evicts the lowest-ranked running requests
  // it outranks (preemption mode as above) and the policy's MayEvictFor allows. False: it waits.
  bool evict_lower_ranked = false;
  // kRanked: every running decode gets its token before any prefill (new, resumed or ongoing chunk) is
  // merged in by rank, so prompts take only the budget the decodes leave (Sarathi's stall-free rule under a
  // ranked order). A decode scheduled this way may still be evicted for a higher-ranked waiting request.
  bool decodes_first = false;
};

// What evicting a running request costs the engine (SchedulingPolicy::MayEvictFor).
struct EvictionCost {
  int32_t context_tokens = 0;  // KV tokens the victim holds
  bool swap = false;           // kept in CPU memory (PCIe out and back in); else recomputed (re-prefilled)
};

// Throws schedkit::Error naming the fields of a contradictory or meaningless combination of rules (e.g. a
// static batch with chunked prefill).
void ValidateBatchingRules(const BatchingRules& rules);

// Read-only view of the engine for policies that need it (VTC reservation checks, SLAI slack).
struct EngineView {
  double now = 0.0;
  int64_t iteration = 0;
  int64_t free_blocks = 0;
  int64_t total_blocks = 0;
  int32_t block_size = 0;
  int32_t num_running = 0;
  int32_t max_num_seqs = 0;
};

class SchedulingPolicy {
 public:
  virtual ~SchedulingPolicy() = default;
  virtual std::string_view name() const = 0;
  virtual BatchingRules rules() const = 0;

  // --- Waiting queue (owned by the policy so each can use its own structure: FIFO, heap, per-client queues).
  virtual void Enqueue(Request* request, const EngineView& engine) = 0;  // a new arrival
  virtual void Requeue(Request* request) = 0;  // preempted (recompute or swap): back into the queue
  virtual Request* PeekWaiting() = 0;          // next candidate for admission, nullptr when empty
  virtual void PopWaiting() = 0;               // removes what PeekWaiting returned
  virtual size_t num_waiting() const = 0;
  // Takes a waiting (or preempted / swapped) request out of the queue for good (Scheduler::Abort); its state
  // becomes kFinished right after the call. The default throws schedkit::Error: a policy with its own queue
  // structure implements it.
  virtual void RemoveWaiting(Request* request);

  // --- Optional hooks.
  // Whether a new arrival is accepted at all (rate limits); a refused request is rejected at AddRequest.
  virtual bool Accept(const Request& /*request*/, const EngineView& /*engine*/) { return true; }
  // Extra admission test beyond KV and batch-size checks (e.g. a worst-case memory reservation).
  virtual bool Admit(const Request& /*request*/, const EngineView& /*engine*/) { return true; }
  // Reorders the running list before the iteration is built (LTR, Autellix reorder by their keys).
  virtual void OrderRunning(std::vector<Request*>& /*running*/, const EngineView& /*engine*/) {}
  // Token budget of the iteration being built, called after OrderRunning; `configured` is the scheduler's
  // (SchedulerConfig::token_budget or the policy's default). SLAI sizes iterations to the nearest deadline.
  virtual int32_t IterationTokenBudget(int32_t configured, const EngineView& /*engine*/) {
    return configured;
  }
  // Index of the running request to preempt when KV runs out (default: the last of the running list).
  virtual size_t PickVictim(std::span<Request* const> running) { return running.size() - 1; }
  // Whether a waiting request may preempt a running one to take its place (LTR, Autellix). Default: never.
  virtual bool ShouldPreemptFor(const Request& /*waiting*/, const Request& /*running*/) { return false; }
  // Whether `waiting`, which outranks `victim` (ShouldPreemptFor), may evict it now at `cost` (kRanked with
  // evict_lower_ranked). Unlike ShouldPreemptFor it need not be monotone along the running list: the builder
  // asks it only for the lowest-ranked running request and stops evicting at the first refusal.
  virtual bool MayEvictFor(const Request& /*waiting*/, const Request& /*victim*/,
                           const EvictionCost& /*cost*/) {
    return true;
  }
  // The iteration is built (called once per iteration with the whole batch, before it runs). The requests
  // are read-only: a policy keeps what it learns in its own per-request state (keyed by Request::slot).
  virtual void OnScheduled(ScheduledBatch /*batch*/) {}
  // The iteration finished at `now`; counters that depend on time or on the batch update here.
  virtual void OnIterationDone(const EngineView& /*engine*/) {}
  virtual void OnFinished(const Request& /*request*/) {}
};

// Policy options as name -> value strings (from CLI flags or a config file); each policy parses its own and
// rejects unknown keys, naming them.
using PolicyOptions = std::map<std::string, std::string>;

// Builds a policy by name. Throws schedkit::Error for an unknown name (listing the valid ones) or option.
std::unique_ptr<SchedulingPolicy> MakePolicy(std::string_view name, const PolicyOptions& options = {});
std::vector<std::string> PolicyNames();

}  // namespace schedkit::serve
