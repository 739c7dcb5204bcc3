// The engine-facing scheduler: two calls per iteration, in the spirit of vLLM's schedule() /
// update_from_output(). Schedule(now) says what to run; UpdateFromOutput(now) says what happened. The
// scheduler never reads a clock: the caller (a real engine or the simulator) passes the time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "schedkit/serve/batch.h"
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

class Scheduler {
 public:
  // Throws schedkit::Error for an impossible configuration (no KV blocks, batch cap < 1, ...).
  Scheduler(const SchedulerConfig& config, std::unique_ptr<SchedulingPolicy> policy);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // A new request. Returns it in state kWaiting, or kRejected when it can never run here (larger than the KV
  // cache, than max_model_len, or than the token budget of a non-chunking policy). Rejected requests stay
  // readable until the next Schedule() call. Throws schedkit::Error for a non-positive prompt or output
  // length.
  const Request& AddRequest(const RequestSpec& spec, double now);

  // What to run now. The reference stays valid until the next call.
  const SchedulerOutput& Schedule(double now);
  // The iteration returned by the last Schedule() finished at `now`. `stopped` lists requests the engine
  // stopped early (EOS); the simulator passes none and requests stop at spec.output_tokens.
  const IterationOutcome& UpdateFromOutput(double now, std::span<const RequestId> stopped = {});

  bool has_unfinished() const { return !running_.empty() || policy_->num_waiting() > 0; }
  size_t num_running() const { return running_.size(); }
  size_t num_waiting() const { return policy_->num_waiting(); }
  std::span<Request* const> running() const { return running_; }
  const KvCacheManager& kv_cache() const { return kv_; }
  const SchedulingPolicy& policy() const { return *policy_; }
  const SchedulerConfig& config() const { return config_; }
  int32_t token_budget() const { return configured_budget_; }
  int64_t iteration() const { return iteration_; }

 private:
  EngineView View(double now) const;
  Request* Acquire();
  void ReleaseRetired();
  bool NeverFits(const RequestSpec& spec) const;
  int32_t ReservationTokens(const Request& r) const;
  // Whether `r` could be admitted with `num_tokens` now (batch cap, KV with the policy's watermark rule).
  bool Fits(const Request& r, int32_t num_tokens) const;
  // Admits the policy's next waiting request with `num_tokens` this iteration; false when it does not fit.
  bool TryAdmit(Request* r, int32_t num_tokens, double now);
  // The policy's next waiting request; with prefix caching, its num_computed_tokens is set to its cache hit
  // (tentative until admission: the hit blocks are shared only when it is admitted).
  Request* PeekWaiting() {
    Request* r = policy_->PeekWaiting();
    if (r != nullptr && TakesPrefixHit(*r)) SetTentativeHit(r);
    return r;
  }
  void SetTentativeHit(Request* r);
  // Prefix caching: whether r holds no KV and may take a cache hit at admission (waiting or recomputing, with
  // content ids).
  bool TakesPrefixHit(const Request& r) const {
    return kv_.prefix_caching() && !r.spec.prefix_hashes.empty() && r.state != RequestState::kSwapped &&
           r.block_ids.empty();
  }
  // Makes room for `num_tokens` more tokens of running_[*index], preempting victims; false when r itself was
  // preempted. *index follows r when victims before it leave the list.
  bool GrowOrPreempt(size_t* index, int32_t num_tokens, bool* preempted_any);
  bool PreemptUntilFits(size_t* index, int64_t target, bool* preempted_any);
  void Preempt(size_t index);
  void AddToBatch(Request* r, int32_t num_tokens, bool admitted);
  void InsertRunning(Request* r);
  void Finish(Request* r, double now);

  void BuildPrefillFirst(double now);
  void BuildDecodesThenChunks(double now);
  void BuildRunningListOrder(double now);
  void BuildHybridWholePrompt(double now);
  void BuildStaticBatch(double now);
  void BuildRanked(double now);
  size_t RankedRunEnd(size_t i, const Request& w);
  void ScheduleAllDecodes();
  int32_t AdmitChunked(int32_t used, double now);

  SchedulerConfig config_;
  std::unique_ptr<SchedulingPolicy> policy_;
  BatchingRules rules_;
  KvCacheManager kv_;
  int32_t configured_budget_;  // token budget (INT32_MAX when the policy has none)
  int32_t budget_;             // this iteration's budget (the policy may lower or raise it)
  int64_t iteration_ = 0;
  double schedule_time_ = 0.0;  // `now` of the last Schedule(): iteration durations for execution_time
  uint64_t next_seq_ = 0;
  std::vector<Request*> running_;
  SchedulerOutput out_;
  IterationOutcome outcome_;
  std::deque<Request> slab_;  // request storage; pointers stay valid
  std::vector<Request*> free_slots_;
  std::vector<Request*> retired_;  // finished or rejected, released at the next Schedule()
};

}  // namespace schedkit::serve
