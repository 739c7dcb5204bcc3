// The Gaussian-mixture quality benchmark: exact denoiser, reference ODE, ODE error and sliced W2.
#include "schedkit/diffusion/gmm_benchmark.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion {

namespace {
constexpr int kK = 4;
constexpr double kW[kK] = {0.3, 0.3, 0.2, 0.2};
constexpr double kMu[kK][2] = {{-2, 0}, {2, 0}, {0, 2.5}, {0, -1.5}};
constexpr double kS[kK] = {0.3, 0.5, 0.2, 0.4};
constexpr int kDirections = 128;
constexpr int kQuantiles = 1000;

const std::vector<std::string> kSd = {"beta_schedule=scaled_linear", "beta_start=0.00085", "beta_end=0.012"};
std::vector<std::string> Sd(std::vector<std::string> extra) {
  std::vector<std::string> v = kSd;
  v.insert(v.end(), extra.begin(), extra.end());
  return v;
}

// numpy.quantile (linear) of sorted data at q.
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}
}  // namespace

std::vector<GmmSampler> GmmSamplers() {
  return {
      {"DDIM", "ddim", Sd({"clip_sample=false", "set_alpha_to_one=true", "timestep_spacing=linspace"}), false,
       false},
      {"Euler", "euler", Sd({}), false, false},
      {"Euler Karras", "euler", Sd({"use_karras_sigmas=true"}), false, false},
      {"Heun Karras", "heun", Sd({"use_karras_sigmas=true"}), true, false},
      {"DPM++ 2M", "dpmsolver_multistep", Sd({}), false, false},
      {"DPM++ 2M Karras", "dpmsolver_multistep", Sd({"use_karras_sigmas=true"}), false, false},
      {"DPM++ 3M", "dpmsolver_multistep", Sd({"solver_order=3"}), false, false},
      {"DPM++ 2S (single)", "dpmsolver_singlestep", Sd({}), false, false},
      {"DEIS-3", "deis", Sd({}), false, false},
      {"UniPC bh2", "unipc", Sd({}), false, false},
      {"UniPC bh1 o3", "unipc", Sd({"solver_type=bh1", "solver_order=3", "final_sigmas_type=sigma_min"}),
       false, false},
      {"Euler a (SDE)", "euler_ancestral", Sd({}), false, true},
      {"DPM++ 2M SDE Karras", "dpmsolver_multistep",
       Sd({"algorithm_type=sde-dpmsolver++", "use_karras_sigmas=true"}), false, true},
      {"DDPM", "ddpm", Sd({"clip_sample=false", "timestep_spacing=trailing"}), false, true},
  };
}

std::vector<int> GmmNfeList() { return {1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50}; }

void GmmBenchmark::Denoise(const double* y, double sigma, double* out) {
  double logr[kK], maxl = -std::numeric_limits<double>::infinity();
  const double s2 = sigma * sigma;
  for (int k = 0; k < kK; ++k) {
    const double v = kS[k] * kS[k] + s2;
    const double dx = y[0] - kMu[k][0], dy = y[1] - kMu[k][1];
    logr[k] = std::log(kW[k]) - std::log(v) - 0.5 * (dx * dx + dy * dy) / v;
    maxl = std::max(maxl, logr[k]);
  }
  double z = 0, ox = 0, oy = 0;
  for (int k = 0; k < kK; ++k) {
    const double r = std::exp(logr[k] - maxl);
    const double g = kS[k] * kS[k] / (kS[k] * kS[k] + s2);
    z += r;
    ox += r * (kMu[k][0] + g * (y[0] - kMu[k][0]));
    oy += r * (kMu[k][1] + g * (y[1] - kMu[k][1]));
  }
  out[0] = ox / z;
  out[1] = oy / z;
}

void GmmOdeEndpoint(double y0x, double y0y, double sigma_hi, double sigma_lo, int steps, double* out) {
  double y[2] = {y0x, y0y};
  const double l0 = std::log(sigma_hi), l1 = std::log(sigma_lo);
  const double h = (l1 - l0) / steps;
  auto f = [](const double* yy, double l, double* d) {
    double den[2];
    GmmBenchmark::Denoise(yy, std::exp(l), den);
    d[0] = yy[0] - den[0];
    d[1] = yy[1] - den[1];
  };
  for (int i = 0; i < steps; ++i) {
    const double l = l0 + i * h;
    double k1[2], k2[2], k3[2], k4[2], t[2];
    f(y, l, k1);
    for (int j = 0; j < 2; ++j) t[j] = y[j] + 0.5 * h * k1[j];
    f(t, l + 0.5 * h, k2);
    for (int j = 0; j < 2; ++j) t[j] = y[j] + 0.5 * h * k2[j];
    f(t, l + 0.5 * h, k3);
    for (int j = 0; j < 2; ++j) t[j] = y[j] + h * k3[j];
    f(t, l + h, k4);
    for (int j = 0; j < 2; ++j) y[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
  GmmBenchmark::Denoise(y, sigma_lo, out);
}

GmmBenchmark::GmmBenchmark(int num_samples, int num_true, uint64_t seed, int ode_steps) : n_(num_samples) {
  if (num_samples < 1 || num_true < 2 || ode_steps < 1)
    throw Error("GMM benchmark needs at least 1 sample and 2 true samples");
  ac_ = MakeTrainSchedule("scaled_linear", 1000, 0.00085, 0.012, false).alphas_cumprod;
  const double sigma_max = std::sqrt((1.0f - ac_.back()) / ac_.back());
  NormalNoise rng(seed);
  z_.resize(2 * static_cast<size_t>(n_));
  for (double& v : z_) v = rng.NextNormal();
  ref_vp_.resize(z_.size());
  ref_ve_.resize(z_.size());
  // RK4 with 4000 steps over 11.9 units of log sigma: step 0.003, error far below the metrics' resolution.
  for (int i = 0; i < n_; ++i) {
    const double a = std::sqrt(1 + sigma_max * sigma_max);
    GmmOdeEndpoint(z_[2 * i] * a, z_[2 * i + 1] * a, sigma_max, 1e-4, ode_steps, &ref_vp_[2 * i]);
    GmmOdeEndpoint(z_[2 * i] * sigma_max, z_[2 * i + 1] * sigma_max, sigma_max, 1e-4, ode_steps,
                   &ref_ve_[2 * i]);
  }
  // True samples and the sliced-W2 projections.
  std::vector<double> truth(2 * static_cast<size_t>(num_true));
  for (int i = 0; i < num_true; ++i) {
    const double u = rng.NextUniform();
    int k = 0;
    double acc = kW[0];
    while (u >= acc && k < kK - 1) acc += kW[++k];
    truth[2 * i] = kMu[k][0] + kS[k] * rng.NextNormal();
    truth[2 * i + 1] = kMu[k][1] + kS[k] * rng.NextNormal();
  }
  dirs_.resize(2 * kDirections);
  for (int d = 0; d < kDirections; ++d) {
    const double a = rng.NextNormal(), b = rng.NextNormal(), norm = std::hypot(a, b);
    dirs_[2 * d] = a / norm;
    dirs_[2 * d + 1] = b / norm;
  }
  true_proj_.resize(kDirections);
  const std::vector<double> qs = Linspace(0.0005, 0.9995, kQuantiles);
  for (int d = 0; d < kDirections; ++d) {
    std::vector<double> p(static_cast<size_t>(num_true));
    for (int i = 0; i < num_true; ++i)
      p[i] = truth[2 * i] * dirs_[2 * d] + truth[2 * i + 1] * dirs_[2 * d + 1];
    std::sort(p.begin(), p.end());
    true_proj_[d].resize(kQuantiles);
    for (int q = 0; q < kQuantiles; ++q) true_proj_[d][q] = Quantile(p, qs[q]);
  }
}

void GmmBenchmark::EpsModel(ConstTensor x, double t, MutTensor out) const {
  // abar(t): log-sigma interpolation of the table, t clipped to [0, 999] (the goldens' model convention).
  t = std::clamp(t, 0.0, 999.0);
  const auto k0 = static_cast<size_t>(std::floor(t));
  const double w = t - static_cast<double>(k0);
  double a = ac_[k0];
  if (w > 0) {
    auto L = [&](size_t k) {
      return 0.5 * (std::log1p(-static_cast<double>(ac_[k])) - std::log(static_cast<double>(ac_[k])));
    };
    const double l = (1 - w) * L(k0) + w * L(k0 + 1);
    a = l >= 350 ? 0.0 : 1.0 / (1.0 + std::exp(2 * l));
  }
  const double sa = std::sqrt(a), sb = std::sqrt(1 - a), sigma = sb / sa;
  const size_t n = x.data.size() / 2;
  for (size_t i = 0; i < n; ++i) {
    const double y[2] = {x.data[2 * i] / sa, x.data[2 * i + 1] / sa};
    double d[2];
    Denoise(y, sigma, d);
    out.data[2 * i] = static_cast<float>((x.data[2 * i] - sa * d[0]) / sb);
    out.data[2 * i + 1] = static_cast<float>((x.data[2 * i + 1] - sa * d[1]) / sb);
  }
}

std::vector<float> GmmBenchmark::Sample(const GmmSampler& s, const TimestepRequest& request,
                                        uint64_t seed) const {
  auto sched = MakeScheduler(s.scheduler, s.overrides);
  sched->SetTimesteps(request);
  const std::vector<int64_t> shape = {n_, 2};
  std::vector<float> x(z_.size()), in(z_.size()), out(z_.size());
  for (size_t i = 0; i < z_.size(); ++i) x[i] = static_cast<float>(z_[i] * sched->init_noise_sigma());
  NormalNoise noise(seed);
  StepOptions o;
  o.generator = &noise;
  for (double t : sched->timesteps()) {
    sched->ScaleModelInput({x, shape}, t, {in, shape});
    EpsModel({in, shape}, t, {out, shape});
    sched->Step({out, shape}, t, {x, shape}, o);
  }
  return x;
}

double GmmBenchmark::OdeRmse(const std::vector<float>& x, bool euler_family) const {
  const std::vector<double>& ref = euler_family ? ref_ve_ : ref_vp_;
  double acc = 0;
  for (int i = 0; i < n_; ++i) {
    const double dx = x[2 * i] - ref[2 * i], dy = x[2 * i + 1] - ref[2 * i + 1];
    acc += dx * dx + dy * dy;
  }
  return std::sqrt(acc / n_);
}

double GmmBenchmark::SlicedW2(const std::vector<float>& x) const {
  const std::vector<double> qs = Linspace(0.0005, 0.9995, kQuantiles);
  double acc = 0;
  std::vector<double> p(static_cast<size_t>(n_));
  for (int d = 0; d < kDirections; ++d) {
    for (int i = 0; i < n_; ++i) p[i] = x[2 * i] * dirs_[2 * d] + x[2 * i + 1] * dirs_[2 * d + 1];
    std::sort(p.begin(), p.end());
    double s = 0;
    for (int q = 0; q < kQuantiles; ++q) {
      const double diff = Quantile(p, qs[q]) - true_proj_[d][q];
      s += diff * diff;
    }
    acc += s / kQuantiles;
  }
  return std::sqrt(acc / kDirections);
}

GmmResult GmmBenchmark::Evaluate(const GmmSampler& s, int nfe) const {
  GmmResult r;
  int steps = nfe;
  if (s.heun) {
    if (nfe % 2 == 0) {
      r.reachable = false;
      return r;
    }
    steps = (nfe + 1) / 2;
  }
  TimestepRequest req;
  req.num_inference_steps = steps;
  const std::vector<float> x = Sample(s, req);
  const bool euler_family =
      s.scheduler == "euler" || s.scheduler == "heun" || s.scheduler == "euler_ancestral";
  r.ode_rmse = s.stochastic ? std::numeric_limits<double>::quiet_NaN() : OdeRmse(x, euler_family);
  r.sw2 = SlicedW2(x);
  return r;
}

}  // namespace schedkit::diffusion
