// Text-to-value parsing shared by every module: numbers, lists and names of enumerators. Each function
// throws schedkit::Error naming `what` (a flag, a field, "file:line") and the offending text, so callers
// never hand-roll strtod/stoi loops with their own rules.
#pragma once

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "schedkit/util/error.h"

namespace schedkit::util {

namespace detail {

// from_chars over the whole text: std::errc() on success, invalid_argument when the text is not all one
// number, result_out_of_range when it does not fit (or, for a floating-point type, is not finite).
template <typename T>
std::errc ParseWhole(std::string_view text, T& value) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if constexpr (std::is_integral_v<T>) {
    if (begin != end && *begin == '+') ++begin;  // from_chars takes no '+'
  }
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) return std::errc::invalid_argument;
  if constexpr (std::is_floating_point_v<T>) {
    if (ec == std::errc() && !std::isfinite(value)) return std::errc::result_out_of_range;
  }
  return ec;
}

}  // namespace detail

// A finite decimal or scientific number, the whole text (no spaces, no trailing characters).
inline double ParseDouble(std::string_view text, std::string_view what) {
  double value = 0;
  const std::errc ec = detail::ParseWhole(text, value);
  if (ec == std::errc::invalid_argument) throw Error(fmt::format("{}: '{}' is not a number", what, text));
  if (ec != std::errc()) {
    throw Error(fmt::format("{}: '{}' is out of range (a finite number is expected)", what, text));
  }
  return value;
}

// A base-10 integer that fits int64_t, the whole text.
inline int64_t ParseInt64(std::string_view text, std::string_view what) {
  int64_t value = 0;
  const std::errc ec = detail::ParseWhole(text, value);
  if (ec == std::errc::invalid_argument) throw Error(fmt::format("{}: '{}' is not an integer", what, text));
  if (ec != std::errc()) throw Error(fmt::format("{}: '{}' is out of the 64-bit integer range", what, text));
  return value;
}

// The same readings without an error, for text that may be something else (a value that is a number, a
// string or a list): nullopt where ParseDouble / ParseInt64 would throw.
inline std::optional<double> TryParseDouble(std::string_view text) {
  double value = 0;
  if (detail::ParseWhole(text, value) != std::errc()) return std::nullopt;
  return value;
}

inline std::optional<int64_t> TryParseInt64(std::string_view text) {
  int64_t value = 0;
  if (detail::ParseWhole(text, value) != std::errc()) return std::nullopt;
  return value;
}

// An integer in [lo, hi]; the error states the range.
inline int64_t ParseIntInRange(std::string_view text, std::string_view what, int64_t lo, int64_t hi) {
  const int64_t value = ParseInt64(text, what);
  if (value < lo || value > hi) {
    throw Error(fmt::format("{}: {} is outside [{}, {}]", what, value, lo, hi));
  }
  return value;
}

inline int32_t ParseInt32(std::string_view text, std::string_view what) {
  return static_cast<int32_t>(
      ParseIntInRange(text, what, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
}

// true/false/1/0.
inline bool ParseBool(std::string_view text, std::string_view what) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  throw Error(fmt::format("{}: '{}' must be true or false", what, text));
}

// Splits on `separator`, keeping empty items (callers decide whether an empty item is an error).
inline std::vector<std::string_view> SplitList(std::string_view text, char separator) {
  std::vector<std::string_view> items;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(separator, start);
    items.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return items;
}

// SplitList without the empty items: "a,,b," gives a, b; "" gives none.
inline std::vector<std::string_view> SplitNonEmpty(std::string_view text, char separator) {
  std::vector<std::string_view> items;
  for (std::string_view item : SplitList(text, separator)) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// One name <-> enumerator pair of a NameTable.
template <typename Enum>
using NamedValue = std::pair<std::string_view, Enum>;

// The enumerator called `text`; the error lists the valid names.
template <typename Enum>
Enum ParseEnum(std::string_view text, std::string_view what, std::span<const NamedValue<Enum>> table) {
  for (const auto& [name, value] : table) {
    if (name == text) return value;
  }
  std::string valid;
  for (const auto& [name, value] : table) valid += (valid.empty() ? "" : ", ") + std::string(name);
  throw Error(fmt::format("{}: unknown value '{}' (valid: {})", what, text, valid));
}

// The name of `value` in `table` (the first one when several names map to it).
template <typename Enum>
std::string_view EnumName(Enum value, std::span<const NamedValue<Enum>> table) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "?";
}

}  // namespace schedkit::util
