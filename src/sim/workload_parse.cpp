// Text forms of the synthetic workload options (flags and config-file values share them).
#include <fmt/format.h>

#include <array>
#include <utility>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::sim {
namespace {

using Kind = LengthDistribution::Kind;

struct KindForm {
  const char* name;
  Kind kind;
  size_t parameters;
  const char* usage;
};

constexpr std::array<KindForm, 5> kKinds = {{
    {"fixed", Kind::kFixed, 1, "fixed:N"},
    {"uniform", Kind::kUniform, 2, "uniform:LO:HI"},
    {"zipf", Kind::kZipf, 2, "zipf:THETA:MAX"},
    {"lognormal", Kind::kLognormal, 2, "lognormal:MEDIAN:SIGMA"},
    {"trace", Kind::kTrace, 0, "trace"},
}};

constexpr std::array<util::NamedValue<SyntheticOptions::Arrivals>, 3> kArrivals = {{
    {"poisson", SyntheticOptions::Arrivals::kPoisson},
    {"gamma", SyntheticOptions::Arrivals::kGamma},
    {"static", SyntheticOptions::Arrivals::kStatic},
}};

}  // namespace

LengthDistribution ParseLengthDistribution(const std::string& spec, const std::string& flag) {
  const std::vector<std::string_view> parts = util::SplitList(spec, ':');
  for (const KindForm& form : kKinds) {
    if (parts[0] != form.name) continue;
    if (parts.size() != form.parameters + 1) {
      throw Error(fmt::format("{} '{}': expected the form {}", flag, spec, form.usage));
    }
    const std::string what = fmt::format("{} '{}'", flag, spec);
    LengthDistribution d;
    d.kind = form.kind;
    if (parts.size() > 1) d.a = util::ParseDouble(parts[1], what);
    if (parts.size() > 2) d.b = util::ParseDouble(parts[2], what);
    return d;
  }
  std::string valid;
  for (const KindForm& form : kKinds) valid += fmt::format("{}{}", valid.empty() ? "" : ", ", form.usage);
  throw Error(
      fmt::format("{} '{}': unknown length distribution '{}' (valid: {})", flag, spec, parts[0], valid));
}

SyntheticOptions::Arrivals ParseArrivals(const std::string& name, const std::string& flag) {
  return util::ParseEnum<SyntheticOptions::Arrivals>(name, flag, kArrivals);
}

std::string_view ArrivalsName(SyntheticOptions::Arrivals arrivals) {
  return util::EnumName<SyntheticOptions::Arrivals>(arrivals, kArrivals);
}

}  // namespace schedkit::sim
