// Scheduler configuration: diffusers' config names, typed values and validation.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace schedkit::diffusion {

// null, bool, number, string or list of numbers (diffusers' JSON config value kinds).
using ConfigValue = std::variant<std::monostate, bool, double, std::string, std::vector<double>>;

enum class ConfigType { kBool, kNumber, kOptionalNumber, kString, kOptionalString, kNumberList };

// One key a scheduler accepts: its type, default and (for strings) the allowed values.
struct ConfigKey {
  std::string name;
  ConfigType type;
  ConfigValue default_value;
  std::vector<std::string> choices;  // empty: any string
};

// The complete config of one scheduler instance: every key of its class, defaults made explicit.
class SchedulerConfig {
 public:
  SchedulerConfig(std::string class_name, std::vector<ConfigKey> keys);

  // Sets `key`; throws schedkit::Error naming the key (and listing valid keys or values) when the key
  // is unknown, the type is wrong or a string is not one of the allowed choices.
  void Set(std::string_view key, ConfigValue value);
  // Parses `text` by the key's type: true/false, null/none, numbers, "[a,b]" lists, strings.
  void SetFromString(std::string_view key, std::string_view text);
  // Parses "key=value".
  void SetAssignment(std::string_view assignment);

  bool Has(std::string_view key) const;
  bool GetBool(std::string_view key) const;
  double GetNumber(std::string_view key) const;
  int GetInt(std::string_view key) const;
  std::optional<double> GetOptionalNumber(std::string_view key) const;
  const std::string& GetString(std::string_view key) const;
  std::optional<std::string> GetOptionalString(std::string_view key) const;
  std::vector<double> GetList(std::string_view key) const;

  const std::string& class_name() const { return class_name_; }
  const std::vector<ConfigKey>& keys() const { return keys_; }
  std::string KeyList() const;   // "a, b, c"
  std::string ToString() const;  // "key=value" lines, in key order
  static std::string ValueToString(const ConfigValue& v);

 private:
  const ConfigKey& Find(std::string_view key) const;
  const ConfigValue& Get(std::string_view key) const;
  std::string class_name_;
  std::vector<ConfigKey> keys_;
  std::map<std::string, ConfigValue, std::less<>> values_;
};

}  // namespace schedkit::diffusion
