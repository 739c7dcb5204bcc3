// A small JSON-like value for schedule arguments (kwargs), so that the registry, the CLI and the parity
// tests can build any schedule by name without a JSON library in the public headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace schedkit::train {

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kObject };

  Value() = default;
  explicit Value(bool b) : kind_(Kind::kBool), b_(b) {}
  explicit Value(int64_t i) : kind_(Kind::kInt), i_(i) {}
  explicit Value(int i) : kind_(Kind::kInt), i_(i) {}
  explicit Value(double d) : kind_(Kind::kDouble), d_(d) {}
  explicit Value(std::string s) : kind_(Kind::kString), s_(std::move(s)) {}
  explicit Value(const char* s) : kind_(Kind::kString), s_(s) {}
  static Value List(std::vector<Value> items);
  static Value Object();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kDouble; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool AsBool() const { return b_; }
  int64_t AsInt() const { return i_; }
  double AsDouble() const { return kind_ == Kind::kInt ? static_cast<double>(i_) : d_; }
  const std::string& AsString() const { return s_; }
  const std::vector<Value>& items() const { return items_; }  // list items, or object values
  const std::vector<std::string>& keys() const { return keys_; }

  // Object access: nullptr when absent.
  const Value* Find(const std::string& key) const;
  void Set(const std::string& key, Value value);  // replaces an existing key
  void Erase(const std::string& key);
  void Append(Value item) { items_.push_back(std::move(item)); }

  // Compact JSON text (for messages and --format json).
  std::string ToJson() const;

 private:
  Kind kind_ = Kind::kNull;
  bool b_ = false;
  int64_t i_ = 0;
  double d_ = 0.0;
  std::string s_;
  std::vector<std::string> keys_;
  std::vector<Value> items_;
};

// Parses JSON text (objects, arrays, numbers, strings, true/false/null; Python's None/True/False too).
// Throws schedkit::Error naming `what` on malformed input.
Value ParseJson(const std::string& text, const std::string& what);

// A command-line value: a number, true/false, null/None, a JSON list or object, else a string.
Value ParseCliValue(const std::string& text);

}  // namespace schedkit::train
