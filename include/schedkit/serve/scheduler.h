// The engine-facing scheduler: two calls per iteration, in the spirit of vLLM's schedule() /
// update_from_output(). Schedule(now) says what to run; UpdateFromOutput(now) says what happened. The
// scheduler never reads a clock: the caller (a real engine or the simulator) passes the time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <memory_resource>
#include <span>
#include <unordered_map>
#include <vector>

#include "schedkit/serve/batch.h"
#include "schedkit/serve/batch_builder.h"
#include "schedkit/serve/decision.h"
#include "schedkit/serve/kv_cache.h"
#include "schedkit/serve/policy.h"
#include "schedkit/serve/request.h"

namespace schedkit::serve {

struct SchedulerConfig {
  int64_t num_kv_blocks = 0;         // GPU KV capacity in blocks (required)
  int32_t block_size = 16;           // tokens per block
  double watermark_fraction = 0.01;  // admission keeps int(fraction x blocks) free (vLLM v0, Sarathi, Vidur)
  int64_t num_cpu_blocks = 0;        // swap space for swap preemption
  int32_t max_num_seqs = 128;        // batch cap: requests holding KV
  int32_t token_budget = 0;   // tokens per iteration; 0 = the policy's default (vllm 4096, sarathi 512, ...)
  int32_t max_model_len = 0;  // largest prompt + output; 0 = no limit. Orca/static reserve this much KV
  // Automatic prefix caching (kv_cache.h). kPolicyDefault: on for the policies that allocate KV
  // incrementally as vLLM v1 does (vllm-v1, the ranked policies), off for the vLLM v0 / Sarathi / Orca-style
  // ones (vllm, sarathi, orca, fcfs-static, slai), whose engines had no prefix caching by default.
  enum class PrefixCaching : uint8_t { kPolicyDefault, kOn, kOff };
  PrefixCaching prefix_caching = PrefixCaching::kPolicyDefault;
};

// A token produced by the iteration (the first one ends a prefill).
struct TokenEvent {
  Request* request = nullptr;
  double previous_token_time = kNever;  // NaN for the first token
};

struct IterationOutcome {
  std::vector<TokenEvent> tokens;
  std::vector<Request*> finished;  // valid until the next Schedule() call
};

// Protocol. Schedule() and UpdateFromOutput() alternate, as vLLM's engine loop calls schedule() and
// update_from_output(): every Schedule() that returned a non-empty batch must be followed by exactly one
// UpdateFromOutput() before the next Schedule(). A Schedule() that returned an empty batch may be followed by
// another Schedule() (nothing ran: an idle engine polls again) or by an UpdateFromOutput(). AddRequest() and
// Abort() may be called at any point between those calls, including while an iteration is in flight.
// Misuse throws schedkit::Error and leaves the scheduler unchanged.
class Scheduler {
 public:
  // Throws schedkit::Error for an impossible configuration (no KV blocks, batch cap < 1, ...) or
  // contradictory BatchingRules of the policy (ValidateBatchingRules).
  Scheduler(const SchedulerConfig& config, std::unique_ptr<SchedulingPolicy> policy);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // A new request. Returns it in state kWaiting, or kRejected (finish reason kRejected) when it can never run
  // here (larger than the KV cache, than max_model_len, or than the token budget of a non-chunking policy) or
  // the policy refuses it. Rejected requests stay readable until the next Schedule() call. Throws
  // schedkit::Error for a non-positive prompt or output length, or an id equal to a live (waiting or running)
  // request's.
  const Request& AddRequest(const RequestSpec& spec, double now);

  // What to run now. The reference stays valid until the next call. Throws schedkit::Error when the previous
  // non-empty batch was not updated.
  const SchedulerOutput& Schedule(double now);
  // The iteration returned by the last Schedule() finished at `now`. `stopped` lists requests the engine
  // stopped early (EOS) on the token this iteration produced; the simulator passes none and requests stop at
  // spec.output_tokens. Every finished request carries its finish reason (kLength or kStop). Throws
  // schedkit::Error without a Schedule() since the last update, or when `stopped` names a request that
  // produced no token in the batch.
  const IterationOutcome& UpdateFromOutput(double now, std::span<const RequestId> stopped = {});

  // Ends a live request now (client disconnected, cancelled): frees its KV (or swap space), takes it out of
  // the running list or the waiting queue and returns it finished with reason kAborted, readable until the
  // next Schedule() call. It is not listed in any outcome; an in-flight iteration's UpdateFromOutput() skips
  // it. Throws schedkit::Error for an unknown or already finished id.
  const Request& Abort(RequestId id, double now);

  // Receives every admission, skip, preemption, rejection and finish from now on (nullptr: none). Not owned.
  void set_decision_observer(DecisionObserver* observer) { builder_.set_observer(observer); }

  bool has_unfinished() const { return !builder_.running().empty() || policy_->num_waiting() > 0; }
  size_t num_running() const { return builder_.running().size(); }
  size_t num_waiting() const { return policy_->num_waiting(); }
  std::span<Request* const> running() const { return builder_.running(); }
  const KvCacheManager& kv_cache() const { return builder_.kv(); }
  const SchedulingPolicy& policy() const { return *policy_; }
  const SchedulerConfig& config() const { return config_; }
  int32_t token_budget() const { return configured_budget_; }
  int64_t iteration() const { return builder_.iteration(); }

 private:
  Request* Acquire();
  void ReleaseRetired();
  // Why a request can never run here (kMaxModelLen, kTooLarge), or kNone.
  DecisionReason WhyNeverFits(const RequestSpec& spec) const;
  void Retire(Request* r, RequestState state, FinishReason reason, double now);
  void CheckStopped(std::span<const RequestId> stopped) const;
  void Finish(Request* r, FinishReason reason, double now);

  SchedulerConfig config_;
  std::unique_ptr<SchedulingPolicy> policy_;
  BatchBuilder builder_;
  void (*compose_)(BatchBuilder&);  // the composition of the policy's BatchingRules::Order
  int32_t configured_budget_;       // token budget (INT32_MAX when the policy has none)
  bool awaiting_update_ = false;    // a Schedule() has not been followed by UpdateFromOutput() yet
  double schedule_time_ = 0.0;      // `now` of the last Schedule(): iteration durations for execution_time
  uint64_t next_seq_ = 0;
  IterationOutcome outcome_;
  std::deque<Request> slab_;  // request storage; pointers stay valid
  std::vector<Request*> free_slots_;
  std::vector<Request*> retired_;  // finished or rejected, released at the next Schedule()
  // Waiting or running requests by id. Its nodes come from their own pool so that they do not interleave with
  // the request storage (which the batch loops walk).
  std::pmr::unsynchronized_pool_resource live_pool_;
  std::pmr::unordered_map<RequestId, Request*> live_{&live_pool_};
};

}  // namespace schedkit::serve
