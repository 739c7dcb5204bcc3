// Serving metrics, per request and aggregate, with Vidur's names where Vidur has the metric.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/serve/scheduler.h"
#include "schedkit/sim/quantile_sketch.h"

namespace schedkit::sim {

// Service-level objectives: a request meets them when its TTFT and its worst gap between tokens are within
// bounds (its own ttft_slo / tbt_slo when the trace gives them, else these).
struct SloSpec {
  double ttft = 2.0;  // seconds
  double tbt = 0.2;   // seconds
};

struct RequestRecord {
  serve::RequestId request_id = 0;
  int32_t replica = 0;
  int32_t client = -1;
  double arrived_at = 0;
  int32_t num_prefill_tokens = 0;
  int32_t num_decode_tokens = 0;
  bool rejected = false;
  double prefill_e2e_time = 0;                                  // TTFT: first token - arrival
  double request_e2e_time = 0;                                  // completion - arrival
  double request_e2e_time_normalized = 0;                       // e2e / decode tokens
  double request_scheduling_delay = 0;                          // first scheduled - arrival
  double request_execution_time = 0;                            // time in iterations the request was part of
  double request_preemption_time = 0;                           // e2e - scheduling delay - execution time
  int32_t request_num_restarts = 0;                             // preemptions (recompute restarts or swaps)
  double decode_time_execution_plus_preemption_normalized = 0;  // (completion - first token) / decode tokens
  double max_tbt = 0;                                           // worst gap between two tokens
  bool slo_met = false;
  int32_t num_cached_prompt_tokens = 0;  // prompt tokens found in the prefix cache at first admission
};

struct Distribution {
  int64_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// Count, mean, exact p50 / p90 / p99 and max of a sample.
Distribution Describe(const std::vector<double>& values);

struct TimelinePoint {
  double time = 0;
  int32_t batch_size = 0;
  int32_t batch_tokens = 0;
  double iteration_time = 0;
  double kv_utilization = 0;
  int32_t num_waiting = 0;
};

struct Summary {
  std::string label;  // policy (and variant)
  int64_t num_requests = 0, num_finished = 0, num_rejected = 0;
  double makespan = 0;  // last completion (time 0 = first arrival)
  double output_tokens_per_s = 0, total_tokens_per_s = 0, requests_per_s = 0;
  Distribution ttft, e2e, e2e_normalized, tbt_per_request, tbt_per_token, scheduling_delay, max_tbt;
  int64_t num_preemptions = 0, num_restarted_requests = 0;
  // Prefix caching: prompt tokens found in the cache at first admission, and their share of all prompt tokens
  // of finished requests.
  int64_t cached_prompt_tokens = 0;
  double prefix_hit_rate = 0;
  double slo_attainment = 0;
  double kv_utilization_mean = 0, kv_utilization_max = 0;  // time-weighted over busy time
  double batch_size_mean = 0;                              // per iteration
  double batch_tokens_mean = 0;
  int64_t num_iterations = 0;
  double busy_time = 0, busy_fraction = 0;
  double mfu = 0;  // model FLOPs utilisation estimate over busy time
  double wall_seconds = 0;
};

class MetricsCollector {
 public:
  MetricsCollector(SloSpec slo, int64_t kv_blocks_per_replica, bool keep_records = true,
                   bool keep_timeline = true);

  void OnIteration(double start, double end, const serve::SchedulerOutput& out, int64_t used_blocks,
                   size_t num_waiting, double flops, double peak_flops);
  void OnTokens(const serve::IterationOutcome& outcome, double now);
  void OnFinished(const serve::Request& r, int32_t replica);
  void OnRejected(const serve::Request& r, int32_t replica);

  Summary Summarize(const std::string& label) const;
  // Records sorted by request id.
  std::vector<RequestRecord> TakeRecords();
  const std::vector<TimelinePoint>& timeline() const { return timeline_; }
  int64_t num_done() const { return num_finished_ + num_rejected_; }

 private:
  RequestRecord Record(const serve::Request& r, int32_t replica) const;
  void AddTimeline(const TimelinePoint& p);

  SloSpec slo_;
  int64_t kv_blocks_;
  bool keep_records_, keep_timeline_;
  std::vector<RequestRecord> records_;
  // Aggregates kept even when records are not (10^6-request runs).
  std::vector<double> ttft_, e2e_, e2e_norm_, tbt_req_, delay_, max_tbt_;
  QuantileSketch tbt_token_;
  int64_t num_finished_ = 0, num_rejected_ = 0, num_slo_met_ = 0, num_restarted_ = 0, num_preemptions_ = 0;
  int64_t output_tokens_ = 0, prompt_tokens_ = 0, cached_prompt_tokens_ = 0;
  double first_arrival_ = 0, last_finish_ = 0;
  bool any_arrival_ = false;
  int64_t iterations_ = 0;
  double busy_ = 0, kv_weighted_ = 0, kv_max_ = 0, batch_sum_ = 0, tokens_sum_ = 0, flops_ = 0,
         peak_time_ = 0;
  std::vector<TimelinePoint> timeline_;
  int64_t timeline_stride_ = 1, timeline_counter_ = 0;
};

}  // namespace schedkit::sim
