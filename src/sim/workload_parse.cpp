// Command-line forms of the synthetic workload options.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <utility>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using Kind = LengthDistribution::Kind;

struct KindForm {
  const char* name;
  Kind kind;
  int parameters;
  const char* usage;
};

constexpr std::array<KindForm, 5> kKinds = {{
    {"fixed", Kind::kFixed, 1, "fixed:N"},
    {"uniform", Kind::kUniform, 2, "uniform:A,B"},
    {"zipf", Kind::kZipf, 2, "zipf:THETA,MAX"},
    {"lognormal", Kind::kLognormal, 2, "lognormal:MEDIAN,SIGMA"},
    {"trace", Kind::kTrace, 0, "trace"},
}};

double ParseNumber(std::string_view text, const std::string& spec, const std::string& flag) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    throw Error(fmt::format("{} '{}': '{}' is not a number", flag, spec, text));
  }
  return value;
}

}  // namespace

LengthDistribution ParseLengthDistribution(const std::string& spec, const std::string& flag) {
  const size_t colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  for (const KindForm& form : kKinds) {
    if (name != form.name) continue;
    std::vector<double> values;
    if (colon != std::string::npos) {
      std::string_view rest = std::string_view(spec).substr(colon + 1);
      while (true) {
        const size_t comma = rest.find(',');
        values.push_back(ParseNumber(rest.substr(0, comma), spec, flag));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    if (static_cast<int>(values.size()) != form.parameters) {
      throw Error(fmt::format("{} '{}': expected the form {}", flag, spec, form.usage));
    }
    LengthDistribution d;
    d.kind = form.kind;
    if (!values.empty()) d.a = values[0];
    if (values.size() > 1) d.b = values[1];
    return d;
  }
  std::string valid;
  for (const KindForm& form : kKinds) valid += fmt::format("{}{}", valid.empty() ? "" : ", ", form.usage);
  throw Error(fmt::format("{} '{}': unknown length distribution '{}' (valid: {})", flag, spec, name, valid));
}

SyntheticOptions::Arrivals ParseArrivals(const std::string& name, const std::string& flag) {
  using Arrivals = SyntheticOptions::Arrivals;
  constexpr std::array<std::pair<const char*, Arrivals>, 3> kArrivals = {{
      {"poisson", Arrivals::kPoisson},
      {"gamma", Arrivals::kGamma},
      {"static", Arrivals::kStatic},
  }};
  for (const auto& [known, value] : kArrivals) {
    if (name == known) return value;
  }
  throw Error(fmt::format("{} '{}': unknown arrival process (valid: poisson, gamma, static)", flag, name));
}

}  // namespace schedkit::sim
