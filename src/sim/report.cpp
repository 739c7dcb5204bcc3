#include "schedkit/sim/report.h"

#include <fmt/core.h>
#include <fmt/os.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

nlohmann::json ToJson(const Distribution& d) {
  return {{"count", d.count}, {"mean", d.mean}, {"p50", d.p50},
          {"p90", d.p90},     {"p99", d.p99},   {"max", d.max}};
}

nlohmann::json ToJson(const Summary& s) {
  return {
      {"label", s.label},
      {"num_requests", s.num_requests},
      {"num_finished", s.num_finished},
      {"num_rejected", s.num_rejected},
      {"makespan", s.makespan},
      {"output_tokens_per_s", s.output_tokens_per_s},
      {"total_tokens_per_s", s.total_tokens_per_s},
      {"requests_per_s", s.requests_per_s},
      {"prefill_e2e_time", ToJson(s.ttft)},
      {"request_e2e_time", ToJson(s.e2e)},
      {"request_e2e_time_normalized", ToJson(s.e2e_normalized)},
      {"decode_time_execution_plus_preemption_normalized", ToJson(s.tbt_per_request)},
      {"decode_token_execution_plus_preemption_time", ToJson(s.tbt_per_token)},
      {"request_scheduling_delay", ToJson(s.scheduling_delay)},
      {"max_tbt", ToJson(s.max_tbt)},
      {"num_preemptions", s.num_preemptions},
      {"num_restarted_requests", s.num_restarted_requests},
      {"cached_prompt_tokens", s.cached_prompt_tokens},
      {"prefix_hit_rate", s.prefix_hit_rate},
      {"slo_attainment", s.slo_attainment},
      {"kv_utilization_mean", s.kv_utilization_mean},
      {"kv_utilization_max", s.kv_utilization_max},
      {"batch_size_mean", s.batch_size_mean},
      {"batch_tokens_mean", s.batch_tokens_mean},
      {"num_iterations", s.num_iterations},
      {"busy_time", s.busy_time},
      {"busy_fraction", s.busy_fraction},
      {"mfu", s.mfu},
      {"wall_seconds", s.wall_seconds},
  };
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw Error(fmt::format("cannot write {}", path));
  f << text;
  if (!f) throw Error(fmt::format("error while writing {}", path));
}

}  // namespace

std::string SummaryToJson(const Summary& s) { return ToJson(s).dump(2); }

void PrintSummaryTable(std::FILE* out, const std::vector<Summary>& summaries) {
  struct Row {
    const char* name;
    std::string (*cell)(const Summary&);
  };
  static const Row rows[] = {
      {"requests finished / rejected",
       [](const Summary& s) { return fmt::format("{} / {}", s.num_finished, s.num_rejected); }},
      {"makespan (s)", [](const Summary& s) { return fmt::format("{:.1f}", s.makespan); }},
      {"throughput (req/s)", [](const Summary& s) { return fmt::format("{:.3f}", s.requests_per_s); }},
      {"throughput (output tok/s)",
       [](const Summary& s) { return fmt::format("{:.0f}", s.output_tokens_per_s); }},
      {"TTFT p50 / p90 / p99 (s)",
       [](const Summary& s) {
         return fmt::format("{:.3f} / {:.3f} / {:.3f}", s.ttft.p50, s.ttft.p90, s.ttft.p99);
       }},
      {"E2E p50 / p90 / p99 (s)",
       [](const Summary& s) {
         return fmt::format("{:.2f} / {:.2f} / {:.2f}", s.e2e.p50, s.e2e.p90, s.e2e.p99);
       }},
      {"TBT per token p50 / p90 / p99 (ms)",
       [](const Summary& s) {
         return fmt::format("{:.1f} / {:.1f} / {:.1f}", 1e3 * s.tbt_per_token.p50, 1e3 * s.tbt_per_token.p90,
                            1e3 * s.tbt_per_token.p99);
       }},
      {"TBT per request p50 / p99 (ms)",
       [](const Summary& s) {
         return fmt::format("{:.1f} / {:.1f}", 1e3 * s.tbt_per_request.p50, 1e3 * s.tbt_per_request.p99);
       }},
      {"scheduling delay p50 / p99 (s)",
       [](const Summary& s) {
         return fmt::format("{:.3f} / {:.3f}", s.scheduling_delay.p50, s.scheduling_delay.p99);
       }},
      {"preemptions (requests)",
       [](const Summary& s) { return fmt::format("{} ({})", s.num_preemptions, s.num_restarted_requests); }},
      {"prefix hit rate", [](const Summary& s) { return fmt::format("{:.1f}%", 100 * s.prefix_hit_rate); }},
      {"SLO attainment", [](const Summary& s) { return fmt::format("{:.1f}%", 100 * s.slo_attainment); }},
      {"KV util mean / max",
       [](const Summary& s) {
         return fmt::format("{:.1f}% / {:.1f}%", 100 * s.kv_utilization_mean, 100 * s.kv_utilization_max);
       }},
      {"batch size / tokens mean",
       [](const Summary& s) {
         return fmt::format("{:.1f} / {:.0f}", s.batch_size_mean, s.batch_tokens_mean);
       }},
      {"iterations", [](const Summary& s) { return fmt::format("{}", s.num_iterations); }},
      {"busy", [](const Summary& s) { return fmt::format("{:.1f}%", 100 * s.busy_fraction); }},
      {"MFU (estimate)", [](const Summary& s) { return fmt::format("{:.1f}%", 100 * s.mfu); }},
      {"wall time (s)", [](const Summary& s) { return fmt::format("{:.3f}", s.wall_seconds); }},
  };
  size_t width = 0;
  for (const Row& r : rows) width = std::max(width, std::string(r.name).size());
  std::vector<size_t> col(summaries.size(), 0);
  for (size_t i = 0; i < summaries.size(); ++i) {
    col[i] = summaries[i].label.size();
    for (const Row& r : rows) col[i] = std::max(col[i], r.cell(summaries[i]).size());
  }
  std::string line = fmt::format("{:<{}}", "metric", width);
  for (size_t i = 0; i < summaries.size(); ++i) line += fmt::format("  {:>{}}", summaries[i].label, col[i]);
  fmt::print(out, "{}\n{}\n", line, std::string(line.size(), '-'));
  for (const Row& r : rows) {
    line = fmt::format("{:<{}}", r.name, width);
    for (size_t i = 0; i < summaries.size(); ++i)
      line += fmt::format("  {:>{}}", r.cell(summaries[i]), col[i]);
    fmt::print(out, "{}\n", line);
  }
}

void WriteRequestCsv(const std::string& path, const std::vector<RequestRecord>& records) {
  std::string text =
      "request_id,replica_id,client_id,arrived_at,num_prefill_tokens,num_decode_tokens,rejected,prefill_e2e_"
      "time,"
      "request_e2e_time,request_e2e_time_normalized,request_scheduling_delay,request_execution_time,"
      "request_preemption_time,request_num_restarts,decode_time_execution_plus_preemption_normalized,max_tbt,"
      "slo_met\n";
  for (const RequestRecord& r : records) {
    text += fmt::format(
        "{},{},{},{:.9g},{},{},{},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{},{:.9g},{:.9g},{}\n",
        r.request_id, r.replica, r.client, r.arrived_at, r.num_prefill_tokens, r.num_decode_tokens,
        r.rejected ? 1 : 0, r.prefill_e2e_time, r.request_e2e_time, r.request_e2e_time_normalized,
        r.request_scheduling_delay, r.request_execution_time, r.request_preemption_time,
        r.request_num_restarts, r.decode_time_execution_plus_preemption_normalized, r.max_tbt,
        r.slo_met ? 1 : 0);
  }
  WriteText(path, text);
}

void WriteTimelineCsv(const std::string& path, const std::vector<TimelinePoint>& timeline) {
  std::string text = "time,batch_size,batch_num_tokens,batch_execution_time,kv_utilization,num_waiting\n";
  for (const TimelinePoint& p : timeline) {
    text += fmt::format("{:.9g},{},{},{:.9g},{:.6f},{}\n", p.time, p.batch_size, p.batch_tokens,
                        p.iteration_time, p.kv_utilization, p.num_waiting);
  }
  WriteText(path, text);
}

void WriteSummaryJson(const std::string& path, const std::vector<Summary>& summaries,
                      const std::string& config_json) {
  nlohmann::json j;
  j["config"] = nlohmann::json::parse(config_json);
  j["runs"] = nlohmann::json::array();
  for (const Summary& s : summaries) j["runs"].push_back(ToJson(s));
  WriteText(path, j.dump(2) + "\n");
}

}  // namespace schedkit::sim
