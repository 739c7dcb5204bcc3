// CSV trace formats: Azure LLM inference 2023, Vidur's processed traces, BurstGPT, and lengths-only files.
// Columns are found by name (case-insensitive, surrounding spaces ignored); other columns are ignored.
#include <fmt/format.h>

#include <array>
#include <optional>

#include "schedkit/util/error.h"
#include "trace_csv.h"
#include "trace_formats.h"

namespace schedkit::sim::detail {
namespace {

enum class TimeKind { kNone, kSeconds, kWallClock };

struct CsvSchema {
  TraceFormat format;
  const char* label;
  TimeKind time_kind;
  const char* time_column;  // nullptr when kNone
  const char* prompt_column;
  const char* output_column;
};

// In detection order: a header is taken as the first schema whose signature column it has.
constexpr std::array<CsvSchema, 4> kSchemas = {{
    {TraceFormat::kVidur, "Vidur", TimeKind::kSeconds, "arrived_at", "num_prefill_tokens",
     "num_decode_tokens"},
    {TraceFormat::kAzure2023, "Azure 2023", TimeKind::kWallClock, "TIMESTAMP", "ContextTokens",
     "GeneratedTokens"},
    {TraceFormat::kBurstGpt, "BurstGPT", TimeKind::kSeconds, "Timestamp", "Request tokens",
     "Response tokens"},
    {TraceFormat::kLengthsOnly, "lengths-only", TimeKind::kNone, nullptr, "num_prefill_tokens",
     "num_decode_tokens"},
}};

std::string ExpectedColumns(const CsvSchema& schema) {
  std::string out;
  if (schema.time_column != nullptr) out = fmt::format("{}, ", schema.time_column);
  return out + fmt::format("{}, {}", schema.prompt_column, schema.output_column);
}

std::string AllSchemas() {
  std::string out;
  for (const CsvSchema& schema : kSchemas) {
    out += fmt::format("{} ({}); ", schema.label, ExpectedColumns(schema));
  }
  return out + "or Mooncake JSON Lines (.jsonl)";
}

std::optional<size_t> FindColumn(const std::vector<std::string>& header_lower, const char* name) {
  const std::string wanted = Lowercase(name);
  for (size_t i = 0; i < header_lower.size(); ++i) {
    if (header_lower[i] == wanted) return i;
  }
  return std::nullopt;
}

// The signature of a schema: a column that only it has (lengths-only: prefill tokens without arrival times).
bool HasSignature(const CsvSchema& schema, const std::vector<std::string>& header_lower) {
  switch (schema.format) {
    case TraceFormat::kVidur:
      return FindColumn(header_lower, "arrived_at").has_value();
    case TraceFormat::kAzure2023:
      return FindColumn(header_lower, "ContextTokens") || FindColumn(header_lower, "GeneratedTokens");
    case TraceFormat::kBurstGpt:
      return FindColumn(header_lower, "Request tokens") || FindColumn(header_lower, "Response tokens");
    case TraceFormat::kLengthsOnly:
      return FindColumn(header_lower, "num_prefill_tokens") || FindColumn(header_lower, "num_decode_tokens");
    default:
      return false;
  }
}

std::string JoinHeader(const std::vector<std::string>& header) {
  std::string out;
  for (size_t i = 0; i < header.size(); ++i) out += (i == 0 ? "" : ", ") + header[i];
  return out;
}

const CsvSchema& SchemaFor(const std::string& path, TraceFormat format,
                           const std::vector<std::string>& header,
                           const std::vector<std::string>& header_lower) {
  for (const CsvSchema& schema : kSchemas) {
    if (format == TraceFormat::kAuto ? HasSignature(schema, header_lower) : schema.format == format)
      return schema;
  }
  if (format != TraceFormat::kAuto) {
    throw Error(fmt::format("{}: format '{}' is not a CSV trace format", path, TraceFormatName(format)));
  }
  throw Error(
      fmt::format("{}:1: cannot tell the trace format from the header ({}); expected the columns of {}", path,
                  JoinHeader(header), AllSchemas()));
}

}  // namespace

RawTrace ReadCsvTrace(const std::string& path, std::string_view text, TraceFormat format) {
  CsvReader reader(path, text);
  std::vector<std::string> header;
  if (!reader.Next(header)) throw Error(fmt::format("{}: empty trace file (no header, no rows)", path));
  const int64_t header_line = reader.line();
  std::vector<std::string> header_lower;
  for (std::string& name : header) {
    name = std::string(Trim(name));
    header_lower.push_back(Lowercase(name));
  }
  const CsvSchema& schema = SchemaFor(path, format, header, header_lower);

  const auto require = [&](const char* name) -> size_t {
    const std::optional<size_t> column = FindColumn(header_lower, name);
    if (!column) {
      throw Error(
          fmt::format("{}:{}: missing column '{}' (the {} format needs the columns {}; the header has {})",
                      path, header_line, name, schema.label, ExpectedColumns(schema), JoinHeader(header)));
    }
    return *column;
  };
  const size_t time_column = schema.time_column != nullptr ? require(schema.time_column) : 0;
  const size_t prompt_column = require(schema.prompt_column);
  const size_t output_column = require(schema.output_column);

  RawTrace trace;
  trace.format = schema.format;
  trace.has_arrival_times = schema.time_kind != TimeKind::kNone;
  std::vector<std::string> fields;
  std::optional<int64_t> first_ns;  // wall clock: times are taken relative to the first row, in integer ns
  while (reader.Next(fields)) {
    const int64_t line = reader.line();
    if (fields.size() != header.size()) {
      throw Error(fmt::format("{}:{}: {} fields, but the header (line {}) has {} columns", path, line,
                              fields.size(), header_line, header.size()));
    }
    const auto ref = [&](size_t column) { return FieldRef{path, line, column + 1, header[column]}; };
    RawRow& row = trace.rows.emplace_back();
    row.line = line;
    row.prompt = ParseTokenCount(fields[prompt_column], ref(prompt_column));
    row.output = ParseTokenCount(fields[output_column], ref(output_column));
    if (schema.time_kind == TimeKind::kSeconds) {
      row.time = ParseSeconds(fields[time_column], ref(time_column));
    } else if (schema.time_kind == TimeKind::kWallClock) {
      const int64_t ns = ParseTimestampNs(fields[time_column], ref(time_column));
      if (!first_ns) first_ns = ns;
      row.time = static_cast<double>(ns - *first_ns) * 1e-9;
    }
  }
  return trace;
}

}  // namespace schedkit::sim::detail
