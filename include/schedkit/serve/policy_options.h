// Reading PolicyOptions against a policy's option schema: every read names a listed key (its default is
// the listed one), values must parse, unknown keys are rejected, errors name the key.
#pragma once

#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "schedkit/serve/policy.h"

namespace schedkit::serve {

// One option a policy reads (--policy-opt [policy:]key=value).
struct PolicyOptionInfo {
  std::string key;
  std::string default_value;  // as text, the way the option is written
  std::string help;
};

class OptionReader {
 public:
  OptionReader(std::string_view policy, std::span<const PolicyOptionInfo> schema,
               const PolicyOptions& options)
      : policy_(policy), schema_(schema), options_(options) {}
  const std::string& policy() const { return policy_; }
  // The option's value, or its schema default when not given. Throws schedkit::Error when the value does
  // not parse, or when `key` is not in the schema (a bug of the policy).
  double Double(std::string_view key);
  int64_t Int(std::string_view key);
  bool Bool(std::string_view key);
  std::string String(std::string_view key);
  // Throws schedkit::Error naming any given option that is not in the schema, with the valid keys.
  void RejectUnknown() const;
  // After the policy is built: RejectUnknown, and every schema key must have been read (a listed option the
  // policy ignores is a bug of the policy).
  void Finish() const;

 private:
  // The given value of `key` (nullptr when not given) and its default.
  std::pair<const std::string*, const std::string*> Find(std::string_view key);
  std::string policy_;
  std::span<const PolicyOptionInfo> schema_;
  const PolicyOptions& options_;
  std::set<std::string, std::less<>> read_;
};

// `preemption` = recompute | swap, the option most policies read; its schema entry with `default_value`.
PolicyOptionInfo PreemptionOption(std::string_view default_value);
BatchingRules::Preemption ParsePreemption(std::string_view policy, const std::string& value);
// `batching` = sarathi | vllm-v1 | vllm (default sarathi): how a queueing policy builds iterations. Its
// schema entry, and the rules of the FCFS policy a value names (throws schedkit::Error naming `policy`
// otherwise).
PolicyOptionInfo BatchingOptionInfo();
BatchingRules BatchingOption(std::string_view policy, const std::string& batching);

}  // namespace schedkit::serve
