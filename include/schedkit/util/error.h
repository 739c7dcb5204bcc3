// Error type shared by every schedkit module.
#pragma once

#include <stdexcept>
#include <string>

namespace schedkit {

// Thrown on bad input (a malformed file row, an unknown name, an impossible configuration).
// The message names the offending file and line, flag or field, so the CLI can print it as is.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace schedkit
