// The policy registry: every built-in policy registers itself once, in its own .cpp, with its metadata.
// The CLI (names, --help), the deployment's prerequisite checks, the all-policy invariant tests and the
// schedule() benchmark iterate it, so a registered policy is listed, tested and benchmarked without anyone
// editing a list.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schedkit/serve/policy.h"

namespace schedkit::serve {

// One option a policy reads (--policy-opt [policy:]key=value).
struct PolicyOptionInfo {
  std::string key;
  std::string default_value;  // as text, the way the option is written
  std::string help;
};

struct PolicyInfo {
  std::string name;         // what --policy takes
  std::string description;  // one line for --help: what it does and where it comes from
  bool needs_client_ids = false;   // every request must carry a client id (VTC, LCF, RPM)
  bool needs_program_ids = false;  // requests must carry program ids to behave as published (Autellix)
  std::vector<PolicyOptionInfo> options;
  // Option sets benchmarked besides the defaults (label, options), e.g. LTR with each ranker.
  std::vector<std::pair<std::string, PolicyOptions>> bench_variants;
  std::function<std::unique_ptr<SchedulingPolicy>(const PolicyOptions&)> make;
};

// Every registered policy, sorted by name.
const std::vector<PolicyInfo>& RegisteredPolicies();
// The registered policy called `name`; throws schedkit::Error listing the valid names.
const PolicyInfo& FindPolicyInfo(std::string_view name);

// A policy file registers with one static object:
//   const PolicyRegistration kRegistration{PolicyInfo{.name = "sjf", ...}};
class PolicyRegistration {
 public:
  explicit PolicyRegistration(PolicyInfo info);
};

}  // namespace schedkit::serve
