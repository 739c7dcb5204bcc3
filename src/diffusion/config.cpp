// Typed scheduler configs with diffusers' key names; every bad key or value is an Error naming it.
#include "schedkit/diffusion/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::diffusion {

namespace {
std::string Lower(std::string_view s) {
  std::string r(s);
  std::transform(r.begin(), r.end(), r.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return r;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\"'");
  size_t e = s.find_last_not_of(" \t\"'");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, e - b + 1));
}

// A number, or diffusers' +-inf (util::ParseDouble takes finite numbers only).
double ParseNumber(const std::string& s, std::string_view what) {
  const std::string l = Lower(s);
  if (l == "inf" || l == "+inf") return std::numeric_limits<double>::infinity();
  if (l == "-inf") return -std::numeric_limits<double>::infinity();
  return util::ParseDouble(s, what);
}
}  // namespace

SchedulerConfig::SchedulerConfig(std::string class_name, std::vector<ConfigKey> keys)
    : class_name_(std::move(class_name)), keys_(std::move(keys)) {
  for (const auto& k : keys_) values_[k.name] = k.default_value;
}

const ConfigKey& SchedulerConfig::Find(std::string_view key) const {
  for (const auto& k : keys_) {
    if (k.name == key) return k;
  }
  throw Error(fmt::format("unknown config key '{}' for {}; valid keys: {}", key, class_name_, KeyList()));
}

std::string SchedulerConfig::KeyList() const {
  std::string out;
  for (const auto& k : keys_) out += (out.empty() ? "" : ", ") + k.name;
  return out;
}

void SchedulerConfig::Set(std::string_view key, ConfigValue value) {
  const ConfigKey& k = Find(key);
  auto bad = [&](std::string_view want) {
    throw Error(fmt::format("config key '{}' of {} expects {}, got '{}'", key, class_name_, want,
                            ValueToString(value)));
  };
  const bool is_null = std::holds_alternative<std::monostate>(value);
  switch (k.type) {
    case ConfigType::kBool:
      if (auto* d = std::get_if<double>(&value); d && (*d == 0.0 || *d == 1.0)) value = (*d == 1.0);
      if (!std::holds_alternative<bool>(value)) bad("true or false");
      break;
    case ConfigType::kNumber:
      if (auto* b = std::get_if<bool>(&value)) value = *b ? 1.0 : 0.0;
      if (!std::holds_alternative<double>(value)) bad("a number");
      break;
    case ConfigType::kOptionalNumber:
      if (!is_null && !std::holds_alternative<double>(value)) bad("a number or null");
      break;
    case ConfigType::kString:
    case ConfigType::kOptionalString: {
      if (is_null && k.type == ConfigType::kOptionalString) break;
      if (!std::holds_alternative<std::string>(value)) bad("a string");
      const auto& s = std::get<std::string>(value);
      if (!k.choices.empty() && std::find(k.choices.begin(), k.choices.end(), s) == k.choices.end()) {
        std::string valid;
        for (const auto& c : k.choices) valid += (valid.empty() ? "" : ", ") + c;
        throw Error(fmt::format("config key '{}' of {} has unknown value '{}'; valid values: {}", key,
                                class_name_, s, valid));
      }
      break;
    }
    case ConfigType::kNumberList:
      if (is_null) value = std::vector<double>{};
      if (auto* d = std::get_if<double>(&value)) value = std::vector<double>{*d};
      if (!std::holds_alternative<std::vector<double>>(value)) bad("a list of numbers");
      break;
  }
  values_[k.name] = std::move(value);
}

void SchedulerConfig::SetFromString(std::string_view key, std::string_view raw) {
  const ConfigKey& k = Find(key);
  const std::string text = Trim(raw);
  const std::string l = Lower(text);
  if (l == "null" || l == "none") {
    Set(key, std::monostate{});
    return;
  }
  switch (k.type) {
    case ConfigType::kBool:
      return Set(key, util::ParseBool(l, fmt::format("config key '{}' of {}", key, class_name_)));
    case ConfigType::kNumber:
    case ConfigType::kOptionalNumber: {
      return Set(key, ParseNumber(text, fmt::format("config key '{}' of {} (a number)", key, class_name_)));
    }
    case ConfigType::kString:
    case ConfigType::kOptionalString:
      return Set(key, text);
    case ConfigType::kNumberList: {
      std::string body = text;
      if (!body.empty() && body.front() == '[') body = body.substr(1);
      if (!body.empty() && body.back() == ']') body.pop_back();
      std::vector<double> list;
      const std::string what =
          fmt::format("config key '{}' of {} (a list of numbers, got '{}')", key, class_name_, text);
      for (std::string_view raw_item : util::SplitList(body, ',')) {
        const std::string item = Trim(raw_item);
        if (!item.empty()) list.push_back(ParseNumber(item, what));
      }
      return Set(key, std::move(list));
    }
  }
}

void SchedulerConfig::SetAssignment(std::string_view assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    throw Error(fmt::format("config override '{}' for {} is not of the form key=value; valid keys: {}",
                            assignment, class_name_, KeyList()));
  }
  SetFromString(Trim(assignment.substr(0, eq)), assignment.substr(eq + 1));
}

bool SchedulerConfig::Has(std::string_view key) const { return values_.find(key) != values_.end(); }

const ConfigValue& SchedulerConfig::Get(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) Find(key);  // throws with the key list
  return it->second;
}

bool SchedulerConfig::GetBool(std::string_view key) const { return std::get<bool>(Get(key)); }
double SchedulerConfig::GetNumber(std::string_view key) const { return std::get<double>(Get(key)); }
int SchedulerConfig::GetInt(std::string_view key) const {
  const double v = GetNumber(key);
  if (v != static_cast<double>(static_cast<int>(v))) {
    throw Error(fmt::format("config key '{}' of {} expects an integer, got {}", key, class_name_, v));
  }
  return static_cast<int>(v);
}
std::optional<double> SchedulerConfig::GetOptionalNumber(std::string_view key) const {
  const auto& v = Get(key);
  if (auto* d = std::get_if<double>(&v)) return *d;
  return std::nullopt;
}
const std::string& SchedulerConfig::GetString(std::string_view key) const {
  return std::get<std::string>(Get(key));
}
std::optional<std::string> SchedulerConfig::GetOptionalString(std::string_view key) const {
  const auto& v = Get(key);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return std::nullopt;
}
std::vector<double> SchedulerConfig::GetList(std::string_view key) const {
  const auto& v = Get(key);
  if (auto* l = std::get_if<std::vector<double>>(&v)) return *l;
  return {};
}

std::string SchedulerConfig::ValueToString(const ConfigValue& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<double>& l) const {
      return fmt::format("[{}]", fmt::join(l, ", "));
    }
  };
  return std::visit(Visitor{}, v);
}

std::string SchedulerConfig::ToString() const {
  std::string out;
  for (const auto& k : keys_) out += fmt::format("{}={}\n", k.name, ValueToString(values_.at(k.name)));
  return out;
}

}  // namespace schedkit::diffusion
