// Fitting a lognormal length distribution to observed lengths.
#include <fmt/format.h>

#include <cmath>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {

LengthDistribution FitLognormal(const std::vector<int32_t>& lengths) {
  if (lengths.empty()) throw Error("FitLognormal: no lengths to fit");
  // Two passes (mean, then squared deviations) for accuracy.
  double log_sum = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] < 1) throw Error(fmt::format("FitLognormal: length {} at index {} is < 1", lengths[i], i));
    log_sum += std::log(static_cast<double>(lengths[i]));
  }
  const double n = static_cast<double>(lengths.size());
  const double mu = log_sum / n;
  double square_sum = 0;
  for (const int32_t length : lengths) {
    const double deviation = std::log(static_cast<double>(length)) - mu;
    square_sum += deviation * deviation;
  }
  LengthDistribution d;
  d.kind = LengthDistribution::Kind::kLognormal;
  d.a = std::exp(mu);
  d.b = std::sqrt(square_sum / n);
  return d;
}

}  // namespace schedkit::sim
