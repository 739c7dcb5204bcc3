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
#include "schedkit/serve/policy_options.h"

namespace schedkit::serve {

// Every member has a default initializer so that registrations may leave any out (designated initializers).
struct PolicyInfo {
  std::string name{};              // what --policy takes
  std::string description{};       // one line for --help: what it does and where it comes from
  bool needs_client_ids = false;   // every request must carry a client id (VTC, LCF, RPM)
  bool needs_program_ids = false;  // requests must carry program ids to behave as published (Autellix)
  // Every option the policy reads, with its default: the policy reads them through an OptionReader built
  // from this list, so the list cannot drift from the code (a read of an unlisted key, or a listed key never
  // read, is an error caught by the registry test).
  std::vector<PolicyOptionInfo> options{};
  // Option sets the schedule() benchmark and the invariant tests run, as (label, options); an empty set is
  // the defaults. None listed: the defaults alone, labelled by the name.
  std::vector<std::pair<std::string, PolicyOptions>> bench_variants{};
  // Builds the policy, reading its options from `options` (MakePolicy rejects unknown keys afterwards).
  std::function<std::unique_ptr<SchedulingPolicy>(OptionReader& options)> make{};
};

// Every registered policy, sorted by name (whatever the order of static initialization).
const std::vector<PolicyInfo>& RegisteredPolicies();
// The registered policy called `name`; throws schedkit::Error listing the valid names.
const PolicyInfo& FindPolicyInfo(std::string_view name);
// The option sets of `info` the benchmark and the invariant tests run (bench_variants, or the defaults).
std::vector<std::pair<std::string, PolicyOptions>> BenchVariants(const PolicyInfo& info);

// A policy file registers with one static object (a name unique across src/serve: the module is built in
// unity batches):
//   const PolicyRegistration kSjfRegistration{PolicyInfo{.name = "sjf", ...}};
// Two registrations of one name abort at start-up.
class PolicyRegistration {
 public:
  explicit PolicyRegistration(PolicyInfo info);
};

}  // namespace schedkit::serve
