// The one list of a DeploymentSpec's settings: each has a config-file key, a command-line flag, a help line
// and one text form, so that flags, YAML/JSON config files and --dump-config agree by construction.
//
// A config file is a YAML (or JSON: YAML's subset) map of these keys; `workload.*` keys sit in a nested
// `workload:` map, `policies` is a list (or a comma-separated string) and `policy_options` maps a policy
// name, or `all`, to its options:
//
//   model: Llama-3-8B
//   gpu: a100
//   policies: [sarathi, ltr]
//   policy_options: {ltr: {ranker: noisy, tau: 0.55}}
//   workload: {trace: conv.csv, time_scale: 2, max_requests: 4000}
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/sim/deployment.h"

namespace schedkit::sim {

struct DeploymentField {
  std::string key;   // config key, dotted below a section: "workload.time_scale"
  std::string flag;  // command-line flag: "--time-scale"
  std::string help;
  enum class Type { kString, kInteger, kNumber, kBool } type = Type::kString;
  bool is_switch() const { return type == Type::kBool; }  // a flag given without a value
  // Parses `value` into the spec; errors name `what` (the flag, or "file:line: key").
  std::function<void(DeploymentSpec&, std::string_view value, std::string_view what)> set;
  std::function<std::string(const DeploymentSpec&)> get;  // the value in the same text form
};

// Every scalar setting, in documentation order (policies and policy_options are handled apart).
const std::vector<DeploymentField>& DeploymentFields();

// Sets one setting by key ("workload.rate") from text; throws schedkit::Error for an unknown key (listing
// the valid ones) or a bad value.
void SetDeploymentField(DeploymentSpec& spec, std::string_view key, std::string_view value,
                        std::string_view what);

// Policies from a comma-separated list ("vllm,sarathi"); an empty item is an error.
std::vector<std::string> ParsePolicyList(std::string_view text, std::string_view what);
// One policy option in the flag form "[policy:]key=value" (no policy: every policy), added to the spec.
void AddPolicyOption(DeploymentSpec& spec, std::string_view text, std::string_view what);

// Reads a YAML or JSON config file over `spec` (keys not in the file keep their values). Errors name the
// file, the line and the key.
void LoadDeploymentConfig(const std::string& path, DeploymentSpec& spec);
// The spec as a complete config file: JSON when `path` ends in .json, else YAML. Throws when it cannot write.
void WriteDeploymentConfig(const DeploymentSpec& spec, const std::string& path);
std::string DeploymentConfigYaml(const DeploymentSpec& spec);

}  // namespace schedkit::sim
