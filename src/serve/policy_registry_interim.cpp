// INTERIM until self-registration lands.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "schedkit/serve/policy_registry.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {
const std::vector<PolicyInfo>& RegisteredPolicies() {
  static const std::vector<PolicyInfo> all = [] {
    std::vector<PolicyInfo> v;
    for (const std::string& n : PolicyNames()) {
      PolicyInfo p;
      p.name = n;
      p.needs_client_ids = n == "vtc" || n == "lcf" || n == "rpm";
      p.needs_program_ids = n == "autellix-plas" || n == "autellix-atlas";
      v.push_back(p);
    }
    return v;
  }();
  return all;
}
const PolicyInfo& FindPolicyInfo(std::string_view name) {
  for (const auto& p : RegisteredPolicies()) {
    if (p.name == name) return p;
  }
  throw Error(fmt::format("unknown policy '{}' (valid: {})", name, fmt::join(PolicyNames(), ", ")));
}
}  // namespace schedkit::serve
