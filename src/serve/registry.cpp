// The registry's table: filled by the policies' static PolicyRegistration objects, kept sorted by name.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "schedkit/serve/policy_registry.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {

namespace {

// A function-local static: constructed on first use, so registrations from any translation unit find it.
std::vector<PolicyInfo>& Table() {
  static std::vector<PolicyInfo> table;
  return table;
}

}  // namespace

PolicyRegistration::PolicyRegistration(PolicyInfo info) {
  std::vector<PolicyInfo>& table = Table();
  const auto at =
      std::lower_bound(table.begin(), table.end(), info.name,
                       [](const PolicyInfo& p, const std::string& name) { return p.name < name; });
  if (at != table.end() && at->name == info.name) {
    std::fprintf(stderr, "schedkit: policy '%s' is registered twice\n", info.name.c_str());
    std::abort();
  }
  table.insert(at, std::move(info));
}

const std::vector<PolicyInfo>& RegisteredPolicies() { return Table(); }

const PolicyInfo& FindPolicyInfo(std::string_view name) {
  for (const PolicyInfo& info : Table()) {
    if (info.name == name) return info;
  }
  throw Error(fmt::format("unknown policy '{}' (valid: {})", name, fmt::join(PolicyNames(), ", ")));
}

std::vector<std::pair<std::string, PolicyOptions>> BenchVariants(const PolicyInfo& info) {
  if (!info.bench_variants.empty()) return info.bench_variants;
  return {{info.name, {}}};
}

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const PolicyInfo& info : Table()) names.push_back(info.name);
  return names;
}

std::unique_ptr<SchedulingPolicy> MakePolicy(std::string_view name, const PolicyOptions& options) {
  const PolicyInfo& info = FindPolicyInfo(name);
  OptionReader reader(info.name, info.options, options);
  std::unique_ptr<SchedulingPolicy> policy = info.make(reader);
  reader.Finish();
  return policy;
}

}  // namespace schedkit::serve
