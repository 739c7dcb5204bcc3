// Parsing helpers for PolicyOptions: every key must be consumed, values must parse, errors name the key.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "schedkit/serve/policy.h"

namespace schedkit::serve {

class OptionReader {
 public:
  OptionReader(std::string_view policy, const PolicyOptions& options) : policy_(policy), options_(options) {}
  double Double(const std::string& key, double fallback);
  int64_t Int(const std::string& key, int64_t fallback);
  bool Bool(const std::string& key, bool fallback);
  std::string String(const std::string& key, const std::string& fallback);
  // Throws schedkit::Error naming any option that no call above consumed, with the valid keys.
  void RejectUnknown() const;

 private:
  const std::string* Find(const std::string& key);
  std::string policy_;
  const PolicyOptions& options_;
  std::set<std::string> known_;
};

}  // namespace schedkit::serve
