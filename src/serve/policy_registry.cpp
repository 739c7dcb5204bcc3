// The table of built-in policies. Adding a policy: its own .cpp with a factory, and one line here.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <utility>

#include "policies.h"
#include "schedkit/util/error.h"

namespace schedkit::serve {

namespace {

using Factory = std::unique_ptr<SchedulingPolicy> (*)(const PolicyOptions&);

const std::pair<const char*, Factory> kPolicies[] = {
    {"vllm", MakeVllmPolicy},
    {"vllm-v1", MakeVllmV1Policy},
    {"sarathi", MakeSarathiPolicy},
    {"orca", MakeOrcaPolicy},
    {"fcfs-static", MakeFcfsStaticPolicy},
    {"vtc", MakeVtcPolicy},
    {"lcf", MakeLcfPolicy},
    {"rpm", MakeRpmPolicy},
    {"sjf", MakeSjfPolicy},
    {"srpt", MakeSrptPolicy},
    {"priority", MakePriorityPolicy},
    {"ltr", MakeLtrPolicy},
    {"autellix-plas", MakeAutellixPlasPolicy},
    {"autellix-atlas", MakeAutellixAtlasPolicy},
    {"mlfq", MakeMlfqPolicy},
    {"slai", MakeSlaiPolicy},
};

}  // namespace

std::vector<std::string> PolicyNames() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : kPolicies) names.emplace_back(name);
  return names;
}

std::unique_ptr<SchedulingPolicy> MakePolicy(std::string_view name, const PolicyOptions& options) {
  for (const auto& [known, factory] : kPolicies) {
    if (name == known) return factory(options);
  }
  throw Error(fmt::format("unknown policy '{}' (valid: {})", name, fmt::join(PolicyNames(), ", ")));
}

}  // namespace schedkit::serve
