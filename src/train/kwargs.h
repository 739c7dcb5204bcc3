// Reads a schedule's keyword arguments from a Value object with typed accessors; Finish() rejects any
// argument that was never asked for, listing the valid names.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "schedkit/train/value.h"

namespace schedkit::train::detail {

class KwargReader {
 public:
  KwargReader(const Value& kwargs, std::string where);

  bool Has(const std::string& name);  // present and not null
  double Double(const std::string& name);
  double Double(const std::string& name, double fallback);
  std::optional<double> OptDouble(const std::string& name);
  int64_t Int(const std::string& name);
  int64_t Int(const std::string& name, int64_t fallback);
  std::optional<int64_t> OptInt(const std::string& name);
  bool Bool(const std::string& name, bool fallback);
  std::string String(const std::string& name, const std::string& fallback);
  // A number or a list of numbers.
  std::vector<double> Doubles(const std::string& name);
  std::vector<double> Doubles(const std::string& name, std::vector<double> fallback);
  std::vector<int64_t> Ints(const std::string& name);
  const Value* Raw(const std::string& name);
  void Ignore(const std::string& name) { known_.insert(name); }

  // Throws on any unknown argument.
  void Finish() const;
  const std::string& where() const { return where_; }

 private:
  const Value* Get(const std::string& name);
  [[noreturn]] void Missing(const std::string& name) const;
  const Value& kwargs_;
  std::string where_;
  std::set<std::string> known_;
};

}  // namespace schedkit::train::detail
