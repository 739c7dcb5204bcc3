// Mooncake FAST'25 traces: JSON Lines of {"timestamp": ms, "input_length", "output_length", "hash_ids":
// [...]}, hash ids naming 512-token prompt blocks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "schedkit/util/error.h"
#include "trace_formats.h"

namespace schedkit::sim::detail {
namespace {

[[noreturn]] void FailKey(const std::string& path, int64_t line, const char* key, const std::string& what) {
  throw Error(fmt::format("{}:{}: field '{}': {}", path, line, key, what));
}

int32_t TokenCount(const nlohmann::json& object, const std::string& path, int64_t line, const char* key) {
  const auto it = object.find(key);
  if (it == object.end())
    FailKey(path, line, key, "missing (a Mooncake row needs timestamp, input_length, output_length)");
  if (it->is_number_unsigned()) {
    const uint64_t value = it->get<uint64_t>();
    if (value > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      FailKey(path, line, key, fmt::format("length {} is too large", value));
    }
    return static_cast<int32_t>(value);
  }
  if (it->is_number_integer())
    FailKey(path, line, key, fmt::format("negative length {}", it->get<int64_t>()));
  FailKey(path, line, key, fmt::format("{} is not an integer token count", it->dump()));
}

}  // namespace

RawTrace ReadMooncakeTrace(const std::string& path, std::string_view text) {
  RawTrace trace;
  trace.format = TraceFormat::kMooncake;
  trace.hash_block_tokens = kMooncakeBlockTokens;
  int64_t line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view content = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(content);
    } catch (const nlohmann::json::parse_error& e) {
      // e.byte is the 1-based position in the line; keep nlohmann's reason, not its "line 1" position.
      const std::string what = e.what();
      const size_t reason = what.find("syntax error");
      throw Error(fmt::format("{}:{}: column {}: invalid JSON: {}", path, line, e.byte,
                              reason == std::string::npos ? what : what.substr(reason)));
    }
    if (!object.is_object()) throw Error(fmt::format("{}:{}: expected a JSON object per line", path, line));

    RawRow& row = trace.rows.emplace_back();
    row.line = line;
    const auto timestamp = object.find("timestamp");
    if (timestamp == object.end())
      FailKey(path, line, "timestamp", "missing (milliseconds from the trace start)");
    if (!timestamp->is_number())
      FailKey(path, line, "timestamp", fmt::format("{} is not a number", timestamp->dump()));
    const double ms = timestamp->get<double>();
    if (!std::isfinite(ms)) FailKey(path, line, "timestamp", "not finite");
    row.time = ms / 1000.0;
    row.prompt = TokenCount(object, path, line, "input_length");
    row.output = TokenCount(object, path, line, "output_length");

    const auto hash_ids = object.find("hash_ids");
    if (hash_ids != object.end()) {
      if (!hash_ids->is_array()) FailKey(path, line, "hash_ids", "not an array");
      const size_t max_blocks =
          (static_cast<size_t>(row.prompt) + kMooncakeBlockTokens - 1) / kMooncakeBlockTokens;
      if (hash_ids->size() > max_blocks) {
        FailKey(path, line, "hash_ids",
                fmt::format("{} ids for a {}-token prompt: more than ceil(input_length / {}) = {}",
                            hash_ids->size(), row.prompt, kMooncakeBlockTokens, max_blocks));
      }
      row.has_hashes = true;
      row.hashes.reserve(hash_ids->size());
      for (const nlohmann::json& id : *hash_ids) {
        if (id.is_number_unsigned() || (id.is_number_integer() && id.get<int64_t>() >= 0)) {
          row.hashes.push_back(id.get<uint64_t>());
        } else {
          FailKey(path, line, "hash_ids", fmt::format("{} is not a non-negative integer", id.dump()));
        }
      }
    }
  }
  return trace;
}

}  // namespace schedkit::sim::detail
