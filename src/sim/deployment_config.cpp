// Config files of a deployment: YAML (yaml-cpp, which also reads JSON) in, YAML or JSON out.
#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "schedkit/sim/deployment_fields.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

std::string Where(const std::string& path, const YAML::Node& node, const std::string& key) {
  return fmt::format("{}:{}: {}", path, node.Mark().line + 1, key);
}

std::string ScalarText(const std::string& path, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar()) {
    throw Error(fmt::format("{}: expected a single value, got a {}", Where(path, node, key),
                            node.IsSequence() ? "list" : (node.IsMap() ? "map" : "null")));
  }
  return node.Scalar();
}

void LoadPolicies(const std::string& path, const YAML::Node& node, DeploymentSpec& spec) {
  if (node.IsSequence()) {
    spec.policies.clear();
    for (const YAML::Node& item : node) spec.policies.push_back(ScalarText(path, item, "policies"));
    if (spec.policies.empty())
      throw Error(fmt::format("{}: the list is empty", Where(path, node, "policies")));
  } else {
    spec.policies = ParsePolicyList(ScalarText(path, node, "policies"), Where(path, node, "policies"));
  }
}

void LoadPolicyOptions(const std::string& path, const YAML::Node& node, DeploymentSpec& spec) {
  if (!node.IsMap()) {
    throw Error(fmt::format("{}: expected a map of policy name (or `all`) to its options",
                            Where(path, node, "policy_options")));
  }
  for (const auto& entry : node) {
    const std::string policy = entry.first.as<std::string>();
    const std::string key = "policy_options." + policy;
    if (!entry.second.IsMap()) {
      throw Error(fmt::format("{}: expected a map of option to value", Where(path, entry.second, key)));
    }
    for (const auto& option : entry.second) {
      const std::string name = option.first.as<std::string>();
      spec.policy_options[policy == "all" ? "" : policy][name] =
          ScalarText(path, option.second, key + "." + name);
    }
  }
}

void LoadMap(const std::string& path, const YAML::Node& map, const std::string& prefix,
             DeploymentSpec& spec) {
  std::set<std::string> seen;  // YAML readers differ on repeated keys: a repeated key is an error, not a pick
  for (const auto& entry : map) {
    const std::string key = prefix + entry.first.as<std::string>();
    if (!seen.insert(key).second) {
      throw Error(fmt::format("{}: set twice in the same map", Where(path, entry.first, key)));
    }
    const YAML::Node& value = entry.second;
    if (prefix.empty() && key == "workload") {
      if (!value.IsMap()) throw Error(fmt::format("{}: expected a map", Where(path, value, key)));
      LoadMap(path, value, "workload.", spec);
    } else if (prefix.empty() && key == "policies") {
      LoadPolicies(path, value, spec);
    } else if (prefix.empty() && key == "policy_options") {
      LoadPolicyOptions(path, value, spec);
    } else {
      const std::string where = Where(path, entry.first, key);
      SetDeploymentField(spec, key, ScalarText(path, value, key), where);
    }
  }
}

}  // namespace

void LoadDeploymentConfig(const std::string& path, DeploymentSpec& spec) {
  if (std::filesystem::is_directory(path))
    throw Error(fmt::format("config {}: is a folder, not a file", path));
  if (!std::filesystem::is_regular_file(path)) throw Error(fmt::format("config {}: no such file", path));
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) throw Error(fmt::format("{}: expected a map of settings at the top level", path));
  try {
    LoadMap(path, root, "", spec);
  } catch (const YAML::Exception& e) {
    throw Error(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
}

std::string DeploymentConfigYaml(const DeploymentSpec& spec) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  bool in_workload = false;
  for (const DeploymentField& f : DeploymentFields()) {
    const bool workload = f.key.rfind("workload.", 0) == 0;
    if (workload && !in_workload) {
      out << YAML::Key << "policies" << YAML::Value << YAML::Flow << spec.policies;
      if (!spec.policy_options.empty()) {
        out << YAML::Key << "policy_options" << YAML::Value << YAML::BeginMap;
        for (const auto& [policy, options] : spec.policy_options) {
          out << YAML::Key << (policy.empty() ? "all" : policy) << YAML::Value << YAML::BeginMap;
          for (const auto& [key, value] : options) out << YAML::Key << key << YAML::Value << value;
          out << YAML::EndMap;
        }
        out << YAML::EndMap;
      }
      out << YAML::Key << "workload" << YAML::Value << YAML::BeginMap;
      in_workload = true;
    }
    const std::string key = workload ? f.key.substr(9) : f.key;
    const std::string value = f.get(spec);
    out << YAML::Key << key << YAML::Value;
    if (f.type == DeploymentField::Type::kString) out << YAML::DoubleQuoted;
    out << value;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void WriteDeploymentConfig(const DeploymentSpec& spec, const std::string& path) {
  std::string text;
  if (std::filesystem::path(path).extension() == ".json") {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    nlohmann::ordered_json workload = nlohmann::ordered_json::object();
    for (const DeploymentField& f : DeploymentFields()) {
      const std::string value = f.get(spec);
      nlohmann::ordered_json v = value;
      if (f.type != DeploymentField::Type::kString) v = nlohmann::ordered_json::parse(value);
      if (f.key.rfind("workload.", 0) == 0) {
        workload[f.key.substr(9)] = v;
      } else {
        j[f.key] = v;
      }
    }
    j["policies"] = spec.policies;
    nlohmann::ordered_json options = nlohmann::ordered_json::object();
    for (const auto& [policy, opts] : spec.policy_options) options[policy.empty() ? "all" : policy] = opts;
    if (!spec.policy_options.empty()) j["policy_options"] = options;
    j["workload"] = workload;
    text = j.dump(2) + "\n";
  } else {
    text = DeploymentConfigYaml(spec);
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << text;
    f.flush();
    if (!f) throw Error(fmt::format("config {}: cannot write", path));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error(fmt::format("config {}: cannot write ({})", path, ec.message()));
}

}  // namespace schedkit::sim
