// The policy registry holds every registration in src/serve (none dropped by the linker), sorted by name, and
// each policy's option list is exactly what the policy reads.
#include "schedkit/serve/policy_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The names registered in the sources: `.name = "..."` inside each PolicyRegistration of src/serve/*.cpp.
TEST(PolicyRegistry, HoldsEveryRegistrationInTheSources) {
  const std::filesystem::path dir = std::filesystem::path(SCHEDKIT_SOURCE_DIR) / "src" / "serve";
  std::multiset<std::string> in_sources;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".cpp") continue;
    const std::string text = ReadFile(entry.path());
    // `PolicyRegistration k...{PolicyInfo{ .name = "NAME"` (std::regex is avoided: GCC 12 warns inside it
    // under the sanitizer build).
    int found = 0;
    for (size_t at = text.find("PolicyRegistration k"); at != std::string::npos;
         at = text.find("PolicyRegistration k", at + 1)) {
      const size_t info = text.find("{PolicyInfo{", at);
      const size_t name = text.find(".name = \"", info);
      if (info == std::string::npos || name == std::string::npos) continue;
      const size_t begin = name + 9;
      in_sources.insert(text.substr(begin, text.find('"', begin) - begin));
      ++found;
    }
    // A policy file is named policy_<name>.cpp and registers at least one policy; nothing else does.
    EXPECT_EQ(file.rfind("policy_", 0) == 0, found > 0) << file;
  }
  std::multiset<std::string> registered;
  for (const PolicyInfo& info : RegisteredPolicies()) registered.insert(info.name);
  EXPECT_EQ(registered, in_sources);
  EXPECT_EQ(PolicyNames().size(), RegisteredPolicies().size());
}

TEST(PolicyRegistry, SortedByNameWithOneLineDescriptions) {
  const std::vector<PolicyInfo>& all = RegisteredPolicies();
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const PolicyInfo& a, const PolicyInfo& b) { return a.name < b.name; }));
  for (const PolicyInfo& info : all) {
    EXPECT_FALSE(info.description.empty()) << info.name;
    EXPECT_EQ(info.description.find('\n'), std::string::npos) << info.name;
    EXPECT_TRUE(info.make) << info.name;
    EXPECT_EQ(&FindPolicyInfo(info.name), &info);
  }
}

// MakePolicy fails when a policy reads an option its registration does not list, or lists one it never
// reads: building each policy with defaults and with each benchmarked option set checks both.
TEST(PolicyRegistry, OptionListsAreWhatThePoliciesRead) {
  for (const PolicyInfo& info : RegisteredPolicies()) {
    std::set<std::string> keys;
    for (const PolicyOptionInfo& o : info.options) {
      EXPECT_TRUE(keys.insert(o.key).second) << info.name << " lists " << o.key << " twice";
      EXPECT_FALSE(o.help.empty()) << info.name << " " << o.key;
    }
    EXPECT_EQ(MakePolicy(info.name)->name(), info.name);
    for (const auto& [label, options] : BenchVariants(info)) {
      EXPECT_EQ(MakePolicy(info.name, options)->name(), info.name) << label;
    }
    // Every default written out explicitly builds the same policy (the defaults parse).
    PolicyOptions defaults;
    for (const PolicyOptionInfo& o : info.options) defaults[o.key] = o.default_value;
    EXPECT_EQ(MakePolicy(info.name, defaults)->name(), info.name);
  }
}

TEST(PolicyRegistry, PrerequisitesAndUnknownNames) {
  EXPECT_TRUE(FindPolicyInfo("vtc").needs_client_ids);
  EXPECT_TRUE(FindPolicyInfo("rpm").needs_client_ids);
  EXPECT_TRUE(FindPolicyInfo("autellix-atlas").needs_program_ids);
  EXPECT_FALSE(FindPolicyInfo("mlfq").needs_program_ids);
  EXPECT_FALSE(FindPolicyInfo("sarathi").needs_client_ids);
  const std::string msg = testing::ErrorOf([] { FindPolicyInfo("fifo"); });
  EXPECT_NE(msg.find("unknown policy 'fifo' (valid: autellix-atlas, autellix-plas, fcfs-static,"),
            std::string::npos)
      << msg;
}

}  // namespace
}  // namespace schedkit::serve
