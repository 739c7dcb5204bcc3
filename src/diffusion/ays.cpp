// Align Your Steps lists (diffusers AysSchedules and NVIDIA's how-to noise levels) and interpolation.
#include "schedkit/diffusion/ays.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion {

namespace {
const std::map<std::string, std::vector<double>>& Lists() {
  static const std::map<std::string, std::vector<double>> m = {
      {"StableDiffusionTimesteps", {999, 850, 736, 645, 545, 455, 343, 233, 124, 24}},
      {"StableDiffusionSigmas", {14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.0}},
      {"StableDiffusionXLTimesteps", {999, 845, 730, 587, 443, 310, 193, 116, 53, 13}},
      {"StableDiffusionXLSigmas",
       {14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.0}},
      {"StableDiffusionVideoSigmas",
       {700.00, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.0}},
  };
  return m;
}
const std::map<std::string, std::vector<double>>& Levels() {
  static const std::map<std::string, std::vector<double>> m = {
      {"SD1",
       {14.6146412293, 6.4745760956, 3.8636745985, 2.6946151520, 1.8841921177, 1.3943805092, 0.9642583904,
        0.6523686016, 0.3977456272, 0.1515232662, 0.0291671582}},
      {"SDXL",
       {14.6146412293, 6.3184485287, 3.7681790315, 2.1811480769, 1.3405244945, 0.8620721141, 0.5550693289,
        0.3798540708, 0.2332364134, 0.1114188177, 0.0291671582}},
      {"SVD", {700, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.002}},
  };
  return m;
}
template <typename M>
std::string Keys(const M& m) {
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : ", ") + k;
  return s;
}
}  // namespace

const std::vector<double>& AysSchedule(const std::string& name) {
  auto it = Lists().find(name);
  if (it == Lists().end())
    throw Error(fmt::format("unknown AYS schedule '{}'; valid: {}", name, Keys(Lists())));
  return it->second;
}

std::vector<std::string> AysScheduleNames() {
  std::vector<std::string> v;
  for (const auto& [k, _] : Lists()) v.push_back(k);
  return v;
}

const std::vector<double>& AysNoiseLevels(const std::string& model) {
  auto it = Levels().find(model);
  if (it == Levels().end())
    throw Error(fmt::format("unknown AYS model '{}'; valid: {}", model, Keys(Levels())));
  return it->second;
}

std::vector<double> LogLinearInterpolate(const std::vector<double>& levels, int steps) {
  if (steps < 1) throw Error(fmt::format("AYS interpolation needs at least 1 step, got {}", steps));
  if (levels.size() < 2) throw Error("AYS interpolation needs at least 2 levels");
  // exp(interp(linspace(0,1,steps+1), linspace(0,1,L), log(levels[::-1])))[::-1], last set to 0.
  const size_t L = levels.size();
  std::vector<double> xs = Linspace(0, 1, static_cast<int>(L));
  std::vector<double> ys(L);
  for (size_t i = 0; i < L; ++i) ys[i] = std::log(levels[L - 1 - i]);
  std::vector<double> x = Linspace(0, 1, steps + 1);
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    size_t j = static_cast<size_t>(std::upper_bound(xs.begin(), xs.end(), v) - xs.begin());
    double y;
    if (j == 0) {
      y = ys[0];
    } else if (j >= L) {
      y = ys[L - 1];
    } else {
      const size_t k = j - 1;
      const double slope = (ys[k + 1] - ys[k]) / (xs[k + 1] - xs[k]);
      y = slope * (v - xs[k]) + ys[k];
    }
    out[x.size() - 1 - i] = std::exp(y);
  }
  out.back() = 0.0;
  return out;
}

std::vector<double> AysSigmas(const std::string& model, int steps) {
  return LogLinearInterpolate(AysNoiseLevels(model), steps);
}

}  // namespace schedkit::diffusion
