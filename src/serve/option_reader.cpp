#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "schedkit/serve/policy_options.h"
#include "schedkit/serve/policy_registry.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {

std::pair<const std::string*, const std::string*> OptionReader::Find(std::string_view key) {
  const auto listed =
      std::find_if(schema_.begin(), schema_.end(), [&](const PolicyOptionInfo& o) { return o.key == key; });
  if (listed == schema_.end()) {
    throw Error(fmt::format("policy {} reads option {} that its registration does not list", policy_, key));
  }
  read_.emplace(key);
  const auto given = options_.find(listed->key);
  return {given == options_.end() ? nullptr : &given->second, &listed->default_value};
}

double OptionReader::Double(std::string_view key) {
  const auto [given, fallback] = Find(key);
  const std::string& v = given != nullptr ? *given : *fallback;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0' || !std::isfinite(x)) {
    throw Error(fmt::format("policy {}: option {}={} is not a number", policy_, key, v));
  }
  return x;
}

int64_t OptionReader::Int(std::string_view key) {
  const auto [given, fallback] = Find(key);
  const std::string& v = given != nullptr ? *given : *fallback;
  char* end = nullptr;
  const long long x = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0') {
    throw Error(fmt::format("policy {}: option {}={} is not an integer", policy_, key, v));
  }
  return x;
}

bool OptionReader::Bool(std::string_view key) {
  const auto [given, fallback] = Find(key);
  const std::string& v = given != nullptr ? *given : *fallback;
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  throw Error(fmt::format("policy {}: option {}={} must be true or false", policy_, key, v));
}

std::string OptionReader::String(std::string_view key) {
  const auto [given, fallback] = Find(key);
  return given != nullptr ? *given : *fallback;
}

void OptionReader::RejectUnknown() const {
  for (const auto& [key, value] : options_) {
    const bool listed =
        std::any_of(schema_.begin(), schema_.end(), [&](const PolicyOptionInfo& o) { return o.key == key; });
    if (listed) continue;
    std::set<std::string> valid;
    for (const PolicyOptionInfo& o : schema_) valid.insert(o.key);
    throw Error(fmt::format("policy {}: unknown option '{}' (valid: {})", policy_, key,
                            valid.empty() ? std::string("none") : fmt::format("{}", fmt::join(valid, ", "))));
  }
}

void OptionReader::Finish() const {
  RejectUnknown();
  for (const PolicyOptionInfo& o : schema_) {
    if (read_.count(o.key) == 0) {
      throw Error(
          fmt::format("policy {} lists option {} in its registration but never reads it", policy_, o.key));
    }
  }
}

PolicyOptionInfo PreemptionOption(std::string_view default_value) {
  return {"preemption", std::string(default_value),
          "recompute | swap: how a preempted request gives its KV back (recompute later, or swap to CPU)"};
}

BatchingRules::Preemption ParsePreemption(std::string_view policy, const std::string& value) {
  if (value == "recompute") return BatchingRules::Preemption::kRecompute;
  if (value == "swap") return BatchingRules::Preemption::kSwap;
  throw Error(fmt::format("policy {}: option preemption={} must be recompute or swap", policy, value));
}

PolicyOptionInfo BatchingOptionInfo() {
  return {"batching", "sarathi", "sarathi | vllm-v1 | vllm: how iterations are built (that policy's rules)"};
}

BatchingRules BatchingOption(std::string_view policy, const std::string& batching) {
  if (batching != "sarathi" && batching != "vllm-v1" && batching != "vllm") {
    throw Error(
        fmt::format("policy {}: option batching={} must be sarathi, vllm-v1 or vllm", policy, batching));
  }
  return MakePolicy(batching)->rules();
}

}  // namespace schedkit::serve
