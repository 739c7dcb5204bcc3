#include "schedkit/sim/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace schedkit::sim {
namespace {

constexpr size_t kMaxTimelinePoints = 20000;

}  // namespace

Distribution Describe(const std::vector<double>& v) {
  Distribution d;
  d.count = static_cast<int64_t>(v.size());
  if (v.empty()) return d;
  d.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  d.p50 = ExactQuantile(v, 0.5);
  d.p90 = ExactQuantile(v, 0.9);
  d.p99 = ExactQuantile(v, 0.99);
  d.max = *std::max_element(v.begin(), v.end());
  return d;
}

MetricsCollector::MetricsCollector(SloSpec slo, int64_t kv_blocks_per_replica, bool keep_records,
                                   bool keep_timeline)
    : slo_(slo),
      kv_blocks_(kv_blocks_per_replica),
      keep_records_(keep_records),
      keep_timeline_(keep_timeline) {}

void MetricsCollector::AddTimeline(const TimelinePoint& p) {
  if (!keep_timeline_) return;
  if (timeline_counter_++ % timeline_stride_ != 0) return;
  timeline_.push_back(p);
  if (timeline_.size() >= kMaxTimelinePoints) {  // keep every other point and sample half as often
    size_t j = 0;
    for (size_t i = 0; i < timeline_.size(); i += 2) timeline_[j++] = timeline_[i];
    timeline_.resize(j);
    timeline_stride_ *= 2;
  }
}

void MetricsCollector::OnIteration(double start, double end, const serve::SchedulerOutput& out,
                                   int64_t used_blocks, size_t num_waiting, double flops, double peak_flops) {
  const double dt = end - start;
  const double util = static_cast<double>(used_blocks) / static_cast<double>(kv_blocks_);
  int64_t tokens = 0;
  for (const auto& s : out.scheduled) tokens += s.num_tokens;
  ++iterations_;
  busy_ += dt;
  kv_weighted_ += util * dt;
  kv_max_ = std::max(kv_max_, util);
  batch_sum_ += static_cast<double>(out.scheduled.size());
  tokens_sum_ += static_cast<double>(tokens);
  flops_ += flops;
  peak_time_ += peak_flops * dt;
  AddTimeline(TimelinePoint{start, static_cast<int32_t>(out.scheduled.size()), static_cast<int32_t>(tokens),
                            dt, util, static_cast<int32_t>(num_waiting)});
}

void MetricsCollector::OnTokens(const serve::IterationOutcome& outcome, double now) {
  for (const auto& t : outcome.tokens) {
    if (!std::isnan(t.previous_token_time)) tbt_token_.Add(now - t.previous_token_time);
  }
}

RequestRecord MetricsCollector::Record(const serve::Request& r, int32_t replica) const {
  RequestRecord rec;
  rec.request_id = r.spec.id;
  rec.replica = replica;
  rec.client = r.spec.client;
  rec.arrived_at = r.spec.arrival_time;
  rec.num_prefill_tokens = r.spec.prompt_tokens;
  rec.num_decode_tokens = r.spec.output_tokens;
  rec.request_num_restarts = r.num_preemptions;
  rec.num_cached_prompt_tokens = r.num_cached_prompt_tokens;
  if (r.state == serve::RequestState::kRejected) {
    rec.rejected = true;
    return rec;
  }
  const double decode_tokens = static_cast<double>(r.num_output_tokens);
  rec.num_decode_tokens = r.num_output_tokens;
  rec.prefill_e2e_time = r.first_token_time - r.spec.arrival_time;
  rec.request_e2e_time = r.finish_time - r.spec.arrival_time;
  rec.request_e2e_time_normalized = rec.request_e2e_time / decode_tokens;
  rec.request_scheduling_delay = r.first_scheduled_time - r.spec.arrival_time;
  rec.request_execution_time = r.execution_time;
  rec.request_preemption_time =
      std::max(0.0, rec.request_e2e_time - rec.request_scheduling_delay - rec.request_execution_time);
  rec.decode_time_execution_plus_preemption_normalized = (r.finish_time - r.first_token_time) / decode_tokens;
  rec.max_tbt = r.max_token_gap;
  const double ttft_slo = r.spec.ttft_slo.value_or(slo_.ttft);
  const double tbt_slo = r.spec.tbt_slo.value_or(slo_.tbt);
  rec.slo_met = rec.prefill_e2e_time <= ttft_slo && rec.max_tbt <= tbt_slo;
  return rec;
}

void MetricsCollector::OnFinished(const serve::Request& r, int32_t replica) {
  const RequestRecord rec = Record(r, replica);
  ++num_finished_;
  if (!any_arrival_ || r.spec.arrival_time < first_arrival_) first_arrival_ = r.spec.arrival_time;
  any_arrival_ = true;
  last_finish_ = std::max(last_finish_, r.finish_time);
  output_tokens_ += r.num_output_tokens;
  prompt_tokens_ += r.spec.prompt_tokens;
  cached_prompt_tokens_ += r.num_cached_prompt_tokens;
  num_slo_met_ += rec.slo_met ? 1 : 0;
  num_preemptions_ += r.num_preemptions;
  num_restarted_ += r.num_preemptions > 0 ? 1 : 0;
  ttft_.push_back(rec.prefill_e2e_time);
  e2e_.push_back(rec.request_e2e_time);
  e2e_norm_.push_back(rec.request_e2e_time_normalized);
  tbt_req_.push_back(rec.decode_time_execution_plus_preemption_normalized);
  delay_.push_back(rec.request_scheduling_delay);
  max_tbt_.push_back(rec.max_tbt);
  if (keep_records_) records_.push_back(rec);
}

void MetricsCollector::OnRejected(const serve::Request& r, int32_t replica) {
  ++num_rejected_;
  if (keep_records_) records_.push_back(Record(r, replica));
}

Summary MetricsCollector::Summarize(const std::string& label) const {
  Summary s;
  s.label = label;
  s.num_finished = num_finished_;
  s.num_rejected = num_rejected_;
  s.num_requests = num_finished_ + num_rejected_;
  s.makespan = last_finish_;
  const double span = last_finish_ - first_arrival_;
  if (span > 0) {
    s.output_tokens_per_s = static_cast<double>(output_tokens_) / span;
    s.total_tokens_per_s = static_cast<double>(output_tokens_ + prompt_tokens_) / span;
    s.requests_per_s = static_cast<double>(num_finished_) / span;
  }
  s.ttft = Describe(ttft_);
  s.e2e = Describe(e2e_);
  s.e2e_normalized = Describe(e2e_norm_);
  s.tbt_per_request = Describe(tbt_req_);
  s.scheduling_delay = Describe(delay_);
  s.max_tbt = Describe(max_tbt_);
  s.tbt_per_token.count = tbt_token_.count();
  s.tbt_per_token.mean = tbt_token_.mean();
  s.tbt_per_token.p50 = tbt_token_.Quantile(0.5);
  s.tbt_per_token.p90 = tbt_token_.Quantile(0.9);
  s.tbt_per_token.p99 = tbt_token_.Quantile(0.99);
  s.tbt_per_token.max = tbt_token_.max();
  s.num_preemptions = num_preemptions_;
  s.num_restarted_requests = num_restarted_;
  s.cached_prompt_tokens = cached_prompt_tokens_;
  s.prefix_hit_rate = prompt_tokens_ > 0
                          ? static_cast<double>(cached_prompt_tokens_) / static_cast<double>(prompt_tokens_)
                          : 0;
  s.slo_attainment =
      s.num_requests ? static_cast<double>(num_slo_met_) / static_cast<double>(s.num_requests) : 0;
  s.num_iterations = iterations_;
  s.busy_time = busy_;
  s.busy_fraction = span > 0 ? busy_ / span : 0;
  if (busy_ > 0) s.kv_utilization_mean = kv_weighted_ / busy_;
  s.kv_utilization_max = kv_max_;
  if (iterations_ > 0) {
    s.batch_size_mean = batch_sum_ / static_cast<double>(iterations_);
    s.batch_tokens_mean = tokens_sum_ / static_cast<double>(iterations_);
  }
  s.mfu = peak_time_ > 0 ? flops_ / peak_time_ : 0;
  return s;
}

std::vector<RequestRecord> MetricsCollector::TakeRecords() {
  std::sort(records_.begin(), records_.end(),
            [](const RequestRecord& a, const RequestRecord& b) { return a.request_id < b.request_id; });
  return std::move(records_);
}

}  // namespace schedkit::sim
