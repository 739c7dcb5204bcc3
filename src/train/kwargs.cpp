#include "kwargs.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "check.h"

namespace schedkit::train::detail {

KwargReader::KwargReader(const Value& kwargs, std::string where) : kwargs_(kwargs), where_(std::move(where)) {
  Require(kwargs_.is_null() || kwargs_.is_object(), where_,
          "arguments must be an object of name: value pairs, got {}", kwargs_.ToJson());
}

const Value* KwargReader::Get(const std::string& name) {
  known_.insert(name);
  const Value* v = kwargs_.is_object() ? kwargs_.Find(name) : nullptr;
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

void KwargReader::Missing(const std::string& name) const {
  throw Error(fmt::format("{}: missing required argument '{}'", where_, name));
}

bool KwargReader::Has(const std::string& name) { return Get(name) != nullptr; }

const Value* KwargReader::Raw(const std::string& name) { return Get(name); }

std::optional<double> KwargReader::OptDouble(const std::string& name) {
  const Value* v = Get(name);
  if (v == nullptr) return std::nullopt;
  Require(v->is_number(), where_, "argument '{}' must be a number, got {}", name, v->ToJson());
  return v->AsDouble();
}

double KwargReader::Double(const std::string& name) {
  auto v = OptDouble(name);
  if (!v) Missing(name);
  return *v;
}

double KwargReader::Double(const std::string& name, double fallback) {
  return OptDouble(name).value_or(fallback);
}

std::optional<int64_t> KwargReader::OptInt(const std::string& name) {
  const Value* v = Get(name);
  if (v == nullptr) return std::nullopt;
  if (v->kind() == Value::Kind::kInt) return v->AsInt();
  // 30.0 is accepted as 30; 2.5 is not silently truncated.
  Require(v->kind() == Value::Kind::kDouble && std::floor(v->AsDouble()) == v->AsDouble() &&
              std::fabs(v->AsDouble()) < 9e15,
          where_, "argument '{}' must be an integer, got {}", name, v->ToJson());
  return static_cast<int64_t>(v->AsDouble());
}

int64_t KwargReader::Int(const std::string& name) {
  auto v = OptInt(name);
  if (!v) Missing(name);
  return *v;
}

int64_t KwargReader::Int(const std::string& name, int64_t fallback) {
  return OptInt(name).value_or(fallback);
}

bool KwargReader::Bool(const std::string& name, bool fallback) {
  const Value* v = Get(name);
  if (v == nullptr) return fallback;
  Require(v->kind() == Value::Kind::kBool, where_, "argument '{}' must be true or false, got {}", name,
          v->ToJson());
  return v->AsBool();
}

std::string KwargReader::String(const std::string& name, const std::string& fallback) {
  const Value* v = Get(name);
  if (v == nullptr) return fallback;
  Require(v->kind() == Value::Kind::kString, where_, "argument '{}' must be a string, got {}", name,
          v->ToJson());
  return v->AsString();
}

std::vector<double> KwargReader::Doubles(const std::string& name) {
  const Value* v = Get(name);
  if (v == nullptr) Missing(name);
  if (v->is_number()) return {v->AsDouble()};
  Require(v->is_list() && !v->items().empty(), where_,
          "argument '{}' must be a number or a non-empty list of numbers, got {}", name, v->ToJson());
  std::vector<double> out;
  for (const auto& item : v->items()) {
    Require(item.is_number(), where_, "argument '{}' must hold numbers only, got {}", name, item.ToJson());
    out.push_back(item.AsDouble());
  }
  return out;
}

std::vector<double> KwargReader::Doubles(const std::string& name, std::vector<double> fallback) {
  if (!Has(name)) return fallback;
  return Doubles(name);
}

std::vector<int64_t> KwargReader::Ints(const std::string& name) {
  const Value* v = Get(name);
  if (v == nullptr) Missing(name);
  std::vector<Value> items = v->is_list() ? v->items() : std::vector<Value>{*v};
  std::vector<int64_t> out;
  for (const auto& item : items) {
    Require(item.kind() == Value::Kind::kInt ||
                (item.kind() == Value::Kind::kDouble && std::floor(item.AsDouble()) == item.AsDouble()),
            where_, "argument '{}' must hold integers only, got {}", name, item.ToJson());
    out.push_back(item.kind() == Value::Kind::kInt ? item.AsInt() : static_cast<int64_t>(item.AsDouble()));
  }
  return out;
}

void KwargReader::Finish() const {
  if (!kwargs_.is_object()) return;
  for (const auto& key : kwargs_.keys()) {
    if (known_.count(key) == 0) {
      throw Error(fmt::format("{}: unknown argument '{}' (valid: {})", where_, key, fmt::join(known_, ", ")));
    }
  }
}

}  // namespace schedkit::train::detail
