// Input checks shared by the train module's sources: every failure is a schedkit::Error naming the argument.
#pragma once

#include <fmt/core.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schedkit/util/error.h"

namespace schedkit::train::detail {

// A step count as double: the Python references compute schedules in floating point.
inline double D(int64_t v) { return static_cast<double>(v); }

// Throws schedkit::Error("<where>: <message>") unless ok.
[[noreturn]] inline void Fail(std::string_view where, const std::string& message) {
  throw Error(fmt::format("{}: {}", where, message));
}

inline void Require(bool ok, std::string_view where, const std::string& message) {
  if (!ok) Fail(where, message);
}

// Formats the message only on failure (these checks sit on per-step paths).
template <typename... Args>
inline void Require(bool ok, std::string_view where, fmt::format_string<Args...> format, Args&&... args) {
  if (!ok) Fail(where, fmt::format(format, std::forward<Args>(args)...));
}

inline void RequirePositive(int64_t value, std::string_view where, std::string_view arg) {
  Require(value > 0, where, "{} must be a positive integer, got {}", arg, value);
}

inline void RequireNonNegative(int64_t value, std::string_view where, std::string_view arg) {
  Require(value >= 0, where, "{} must be >= 0, got {}", arg, value);
}

inline void RequireFinite(double value, std::string_view where, std::string_view arg) {
  Require(std::isfinite(value), where, "{} must be a finite number, got {}", arg, value);
}

// Python's a % m for m > 0 (the result has the sign of m).
inline int64_t PyMod(int64_t a, int64_t m) {
  int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// Python's a // m (floor division) for m > 0.
inline int64_t PyFloorDiv(int64_t a, int64_t m) {
  int64_t q = a / m;
  return (a % m != 0 && a < 0) ? q - 1 : q;
}

// One value per group: a single value is broadcast; otherwise the count must match.
inline std::vector<double> PerGroup(const std::vector<double>& values, size_t groups, std::string_view where,
                                    std::string_view arg) {
  if (values.size() == 1) return std::vector<double>(groups, values[0]);
  Require(values.size() == groups, where, "expected {} values for {} (one per param group), got {}", groups,
          arg, values.size());
  return values;
}

}  // namespace schedkit::train::detail
