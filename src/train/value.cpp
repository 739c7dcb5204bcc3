// Value, its JSON text form, and the JSON parser (nlohmann/json, kept out of the public headers).
#include "schedkit/train/value.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::train {

Value Value::List(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kList;
  v.items_ = std::move(items);
  return v;
}

Value Value::Object() {
  Value v;
  v.kind_ = Kind::kObject;
  return v;
}

const Value* Value::Find(const std::string& key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

void Value::Set(const std::string& key, Value value) {
  kind_ = Kind::kObject;
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      items_[i] = std::move(value);
      return;
    }
  }
  keys_.push_back(key);
  items_.push_back(std::move(value));
}

void Value::Erase(const std::string& key) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      keys_.erase(keys_.begin() + static_cast<std::ptrdiff_t>(i));
      items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
      return;
    }
  }
}

namespace {

nlohmann::json ToNlohmann(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return nullptr;
    case Value::Kind::kBool:
      return v.AsBool();
    case Value::Kind::kInt:
      return v.AsInt();
    case Value::Kind::kDouble:
      return v.AsDouble();
    case Value::Kind::kString:
      return v.AsString();
    case Value::Kind::kList: {
      auto a = nlohmann::json::array();
      for (const auto& item : v.items()) a.push_back(ToNlohmann(item));
      return a;
    }
    case Value::Kind::kObject: {
      auto o = nlohmann::json::object();
      for (size_t i = 0; i < v.keys().size(); ++i) o[v.keys()[i]] = ToNlohmann(v.items()[i]);
      return o;
    }
  }
  return nullptr;
}

Value FromNlohmann(const nlohmann::json& j) {
  if (j.is_null()) return Value();
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_integer()) return Value(j.get<int64_t>());
  if (j.is_number_unsigned()) return Value(static_cast<int64_t>(j.get<uint64_t>()));
  if (j.is_number_float()) return Value(j.get<double>());
  if (j.is_string()) return Value(j.get<std::string>());
  if (j.is_array()) {
    std::vector<Value> items;
    for (const auto& e : j) items.push_back(FromNlohmann(e));
    return Value::List(std::move(items));
  }
  Value o = Value::Object();
  for (auto it = j.begin(); it != j.end(); ++it) o.Set(it.key(), FromNlohmann(it.value()));
  return o;
}

// Python literals users paste from a kwargs repr.
std::string PythonToJson(const std::string& text) {
  std::string out;
  size_t i = 0;
  bool in_string = false;
  while (i < text.size()) {
    const char ch = text[i];
    if (ch == '"' && (i == 0 || text[i - 1] != '\\')) in_string = !in_string;
    if (!in_string) {
      if (text.compare(i, 4, "None") == 0) {
        out += "null";
        i += 4;
        continue;
      }
      if (text.compare(i, 4, "True") == 0) {
        out += "true";
        i += 4;
        continue;
      }
      if (text.compare(i, 5, "False") == 0) {
        out += "false";
        i += 5;
        continue;
      }
    }
    out += ch;
    ++i;
  }
  return out;
}

}  // namespace

std::string Value::ToJson() const { return ToNlohmann(*this).dump(); }

Value ParseJson(const std::string& text, const std::string& what) {
  try {
    return FromNlohmann(nlohmann::json::parse(PythonToJson(text)));
  } catch (const nlohmann::json::exception& e) {
    throw Error(fmt::format("{}: not valid JSON ({})", what, e.what()));
  }
}

Value ParseCliValue(const std::string& text) {
  if (text == "null" || text == "None") return Value();
  if (text == "true" || text == "True") return Value(true);
  if (text == "false" || text == "False") return Value(false);
  if (!text.empty() && (text[0] == '[' || text[0] == '{')) return ParseJson(text, "value '" + text + "'");
  if (const auto i = util::TryParseInt64(text)) return Value(*i);
  if (const auto d = util::TryParseDouble(text)) return Value(*d);
  // Python's float('inf') spellings (util::TryParseDouble takes finite numbers only).
  if (text == "inf" || text == "+inf") return Value(std::numeric_limits<double>::infinity());
  if (text == "-inf") return Value(-std::numeric_limits<double>::infinity());
  return Value(text);
}

}  // namespace schedkit::train
