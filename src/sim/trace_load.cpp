// LoadTrace: read a file in any format, then sort, window, cap, rebase, scale and truncate (in that order).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"
#include "trace_csv.h"
#include "trace_formats.h"

namespace schedkit::sim {
namespace {

void ValidateOptions(const TraceOptions& options) {
  if (!(options.time_scale > 0.0) || !std::isfinite(options.time_scale)) {
    throw Error(fmt::format("trace option time_scale = {}: must be a finite number > 0", options.time_scale));
  }
  if (options.max_requests < 0) {
    throw Error(fmt::format("trace option max_requests = {}: must be >= 0 (0 = all)", options.max_requests));
  }
  if (!(options.window_start >= 0.0) || !std::isfinite(options.window_start)) {
    throw Error(
        fmt::format("trace option window_start = {}: must be a finite number >= 0", options.window_start));
  }
  if (options.window_end >= 0.0 && !(options.window_end > options.window_start)) {
    throw Error(fmt::format("trace option window_end = {}: must be > window_start = {} (or < 0 for no end)",
                            options.window_end, options.window_start));
  }
  if (options.max_tokens < 0) {
    throw Error(fmt::format("trace option max_tokens = {}: must be >= 0 (0 = no limit)", options.max_tokens));
  }
}

bool IsJsonLines(const std::string& path, std::string_view text) {
  const auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".jsonl") || ends_with(".json")) return true;
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

detail::RawTrace ReadRaw(const std::string& path, const TraceOptions& options) {
  const std::string text = detail::ReadWholeFile(path);
  const bool jsonl = options.format == TraceFormat::kMooncake ||
                     (options.format == TraceFormat::kAuto && IsJsonLines(path, text));
  return jsonl ? detail::ReadMooncakeTrace(path, text) : detail::ReadCsvTrace(path, text, options.format);
}

// Vidur raises 0-token lengths to 1; nothing else changes a length silently.
void RaiseZeroLengths(const std::string& path, const TraceOptions& options, std::vector<detail::RawRow>& rows,
                      TraceReport& report) {
  for (detail::RawRow& row : rows) {
    if (row.prompt > 0 && row.output > 0) continue;
    if (options.reject_zero_lengths) {
      throw Error(
          fmt::format("{}:{}: {} of 0 tokens (every request needs at least 1 prompt and 1 output token)",
                      path, row.line, row.prompt == 0 ? "prompt" : "output"));
    }
    row.prompt = std::max(row.prompt, 1);
    row.output = std::max(row.output, 1);
    ++report.zero_lengths_raised;
  }
}

void SortByTime(std::vector<detail::RawRow>& rows, TraceReport& report) {
  for (size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].time < rows[i - 1].time) {
      if (report.out_of_order_rows == 0) report.first_out_of_order_line = rows[i].line;
      ++report.out_of_order_rows;
    }
  }
  if (report.out_of_order_rows > 0) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const detail::RawRow& a, const detail::RawRow& b) { return a.time < b.time; });
  }
}

}  // namespace

std::vector<std::string> TraceReport::Warnings(const std::string& path) const {
  std::vector<std::string> out;
  if (!has_arrival_times) {
    out.push_back(fmt::format("{}: lengths only, no arrival times: every request arrives at 0", path));
  }
  if (zero_lengths_raised > 0) {
    out.push_back(fmt::format("{}: {} rows with a 0-token prompt or output raised to 1 token (Vidur's rule)",
                              path, zero_lengths_raised));
  }
  if (out_of_order_rows > 0) {
    out.push_back(
        fmt::format("{}: not sorted by time ({} rows earlier than the row before, first at line {}); "
                    "sorted stably",
                    path, out_of_order_rows, first_out_of_order_line));
  }
  if (outside_window > 0)
    out.push_back(fmt::format("{}: {} rows outside the time window", path, outside_window));
  if (beyond_cap > 0) out.push_back(fmt::format("{}: {} rows beyond max_requests", path, beyond_cap));
  if (truncated > 0) {
    out.push_back(
        fmt::format("{}: {} prompts shortened so that prompt + output <= max_tokens", path, truncated));
  }
  return out;
}

Trace LoadTrace(const std::string& path, const TraceOptions& options) {
  ValidateOptions(options);
  detail::RawTrace raw = ReadRaw(path, options);
  std::vector<detail::RawRow>& rows = raw.rows;
  Trace trace;
  TraceReport& report = trace.report;
  report.format = raw.format;
  report.has_arrival_times = raw.has_arrival_times;
  report.rows = static_cast<int64_t>(rows.size());
  if (rows.empty()) throw Error(fmt::format("{}: the trace has no requests (no data rows)", path));

  RaiseZeroLengths(path, options, rows, report);
  SortByTime(rows, report);

  // Window [start, end) in seconds from the first request, then the cap.
  const double origin = rows.front().time;
  std::vector<detail::RawRow> kept;
  kept.reserve(rows.size());
  for (detail::RawRow& row : rows) {
    const double t = row.time - origin;
    if (t < options.window_start || (options.window_end >= 0.0 && t >= options.window_end)) {
      ++report.outside_window;
    } else if (options.max_requests > 0 && static_cast<int64_t>(kept.size()) >= options.max_requests) {
      ++report.beyond_cap;
    } else {
      kept.push_back(std::move(row));
    }
  }
  if (kept.empty()) {
    throw Error(
        fmt::format("{}: no requests left in the time window [{}, {}) s; the {} requests span {} s", path,
                    options.window_start,
                    options.window_end >= 0.0 ? fmt::format("{}", options.window_end) : std::string("end"),
                    report.rows, rows.back().time - origin));
  }

  // Times are rebased to the first kept request, or kept as they are in the file (Vidur's trace_replay).
  const double first = options.keep_time_origin ? 0.0 : kept.front().time;
  if (options.keep_time_origin && kept.front().time < 0.0) {
    throw Error(fmt::format("{}:{}: negative arrival time {} s (keep_time_origin needs times >= 0)", path,
                            kept.front().line, kept.front().time));
  }
  trace.requests.reserve(kept.size());
  for (detail::RawRow& row : kept) {
    serve::RequestSpec& spec = trace.requests.emplace_back();
    spec.id = static_cast<serve::RequestId>(trace.requests.size() - 1);
    spec.arrival_time = (row.time - first) * options.time_scale;
    spec.prompt_tokens = row.prompt;
    spec.output_tokens = row.output;
    if (options.max_tokens > 0 && row.prompt + static_cast<int64_t>(row.output) > options.max_tokens) {
      if (!TruncateToMaxTokens(options.max_tokens, spec.prompt_tokens, spec.output_tokens)) {
        throw Error(fmt::format("{}:{}: an output of {} tokens leaves no prompt under max_tokens = {}", path,
                                row.line, row.output, options.max_tokens));
      }
      ++report.truncated;
    }
    if (row.has_hashes) {
      // A shortened prompt keeps only the hash ids of the blocks it still covers.
      const size_t blocks = (static_cast<size_t>(spec.prompt_tokens) + raw.hash_block_tokens - 1) /
                            static_cast<size_t>(raw.hash_block_tokens);
      if (row.hashes.size() > blocks) row.hashes.resize(blocks);
      spec.prefix_hashes = std::move(row.hashes);
      spec.prefix_hash_block_tokens = raw.hash_block_tokens;
    }
  }
  return trace;
}

std::vector<serve::RequestSpec> ReadTrace(const std::string& path, const TraceOptions& options) {
  return LoadTrace(path, options).requests;
}

std::vector<std::pair<int32_t, int32_t>> ReadTraceLengths(const std::string& path,
                                                          const TraceOptions& options) {
  const Trace trace = LoadTrace(path, options);
  std::vector<std::pair<int32_t, int32_t>> lengths;
  lengths.reserve(trace.requests.size());
  for (const serve::RequestSpec& spec : trace.requests)
    lengths.emplace_back(spec.prompt_tokens, spec.output_tokens);
  return lengths;
}

}  // namespace schedkit::sim
