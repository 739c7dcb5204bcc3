// UniPCMultistepScheduler: UniP predictor + UniC corrector (Zhao et al. 2023), bh1/bh2, data or noise
// prediction. With final_sigmas_type=zero, bh1 and predict_x0=false produce NaN on the last step exactly
// as diffusers does (its B(h) or h*phi_1 is infinite there); use final_sigmas_type=sigma_min.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "solver_schedule.h"

namespace schedkit::diffusion::internal {

SchedulerConfig UniPCConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear");
  k.push_back(Num("solver_order", 2));
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(true)));
  k.push_back(Bool("thresholding", false));
  k.push_back(Num("dynamic_thresholding_ratio", 0.995));
  k.push_back(Num("sample_max_value", 1.0));
  k.push_back(Bool("predict_x0", true));
  k.push_back(Str("solver_type", "bh2", {"bh1", "bh2"}));
  k.push_back(Bool("lower_order_final", true));
  k.push_back(NumList("disable_corrector"));
  k.push_back(OptStr("solver_p", {}));
  k.push_back(Bool("use_karras_sigmas", false));
  k.push_back(Bool("use_exponential_sigmas", false));
  k.push_back(Bool("use_beta_sigmas", false));
  k.push_back(Bool("use_flow_sigmas", false));
  k.push_back(Num("flow_shift", 1.0));
  k.push_back(Str("timestep_spacing", "linspace", {"linspace", "leading", "trailing"}));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Str("final_sigmas_type", "zero", {"zero", "sigma_min"}));
  k.push_back(Bool("rescale_betas_zero_snr", false));
  k.push_back(Bool("use_dynamic_shifting", false));
  k.push_back(Str("time_shift_type", "exponential", {"exponential", "linear"}));
  k.push_back(OptNum("sigma_min"));
  k.push_back(OptNum("sigma_max"));
  k.push_back(OptNum("shift_terminal"));
  return SchedulerConfig("UniPCMultistepScheduler", std::move(k));
}

namespace {

// Solves the small dense system A x = b (row-major, n <= 3) by Gaussian elimination with partial pivoting.
std::vector<double> Solve(std::vector<double> a, std::vector<double> b) {
  const size_t n = b.size();
  for (size_t col = 0; col < n; ++col) {
    size_t piv = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::fabs(a[r * n + col]) > std::fabs(a[piv * n + col])) piv = r;
    }
    if (piv != col) {
      for (size_t c = 0; c < n; ++c) std::swap(a[col * n + c], a[piv * n + c]);
      std::swap(b[col], b[piv]);
    }
    for (size_t r = col + 1; r < n; ++r) {
      const double f = a[r * n + col] / a[col * n + col];
      for (size_t c = col; c < n; ++c) a[r * n + c] -= f * a[col * n + c];
      b[r] -= f * b[col];
    }
  }
  std::vector<double> x(n);
  for (size_t i = n; i-- > 0;) {
    double s = b[i];
    for (size_t c = i + 1; c < n; ++c) s -= a[i * n + c] * x[c];
    x[i] = s / a[i * n + i];
  }
  return x;
}

class UniPCScheduler final : public Scheduler {
 public:
  explicit UniPCScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/true, betas_, alphas_cumprod_);
    tables_ = MakeVpTables(alphas_cumprod_);
    order_ = c.GetInt("solver_order");
    if (order_ < 1 || order_ > 3) Fail(fmt::format("solver_order must be 1, 2 or 3, got {}", order_));
    if (c.GetOptionalString("solver_p")) Fail("solver_p (an external predictor scheduler) is not supported");
    for (double d : c.GetList("disable_corrector")) disable_corrector_.push_back(static_cast<int>(d));
    predict_x0_ = c.GetBool("predict_x0");
    bh1_ = c.GetString("solver_type") == "bh1";
    flow_ = c.GetBool("use_flow_sigmas");
  }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    if (config_.GetBool("use_dynamic_shifting") && !r.mu)
      Fail("use_dynamic_shifting needs mu in set_timesteps");
    SolverSchedule s = BuildSolverSchedule(SolverVariant::kUniPC, config_, tables_, alphas_cumprod_, r,
                                           config_.GetNumber("flow_shift"), class_name());
    timesteps_ = std::move(s.timesteps);
    sigmas_ = std::move(s.sigmas);
    num_inference_steps_ = static_cast<int>(timesteps_.size());
    lower_order_nums_ = 0;
    hist_.assign(static_cast<size_t>(order_), {});
    last_sample_.clear();
    this_order_ = 0;
  }

  int IndexForTimestep(double t) const override { return SolverIndexForTimestep(timesteps_, t); }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions&) override {
    const int idx = step_index_;
    const bool use_corrector = idx > 0 &&
                               std::find(disable_corrector_.begin(), disable_corrector_.end(), idx - 1) ==
                                   disable_corrector_.end() &&
                               !last_sample_.empty();
    Convert(mo, sample, idx);
    if (use_corrector) Corrector(sample, idx);
    std::rotate(hist_.rbegin(), hist_.rbegin() + 1, hist_.rend());
    hist_[0].swap(conv_);
    int this_order = config_.GetBool("lower_order_final")
                         ? std::min(order_, static_cast<int>(timesteps_.size()) - idx)
                         : order_;
    this_order_ = std::min(this_order, lower_order_nums_ + 1);
    last_sample_.assign(sample.data.begin(), sample.data.end());
    Predictor(sample, idx);
    if (lower_order_nums_ < order_) ++lower_order_nums_;
  }

 private:
  AlphaSigma At(int i) const { return FromSigma(sigmas_[i], flow_); }

  void Convert(ConstTensor mo, MutTensor sample, int idx) {
    const AlphaSigma cur = At(idx);
    const std::string& pred = config_.GetString("prediction_type");
    const auto conv = predict_x0_ ? ToDataPrediction(pred, cur, sigmas_[idx]) : ToNoisePrediction(pred, cur);
    if (!conv) Fail("flow_prediction needs predict_x0=true");
    const double px = conv->px, pm = conv->pm;
    conv_.resize(sample.data.size());
    for (size_t i = 0; i < conv_.size(); ++i)
      conv_[i] = static_cast<float>(px * sample.data[i] + pm * mo.data[i]);
    if (predict_x0_ && config_.GetBool("thresholding")) {
      ThresholdSample(conv_, sample.shape, config_.GetNumber("dynamic_thresholding_ratio"),
                      config_.GetNumber("sample_max_value"));
    }
  }

  // Coefficients shared by predictor and corrector: rks, b, h_phi_1, B_h for a step s0 -> t.
  struct Coeffs {
    std::vector<double> rks;  // order-1 ratios, then 1
    std::vector<double> b;
    double h_phi_1, B_h, h;
  };
  Coeffs Make(AlphaSigma t, AlphaSigma s0, const std::vector<int>& prev_points, int order) const {
    Coeffs c;
    c.h = t.lambda() - s0.lambda();
    for (int si : prev_points) c.rks.push_back((At(si).lambda() - s0.lambda()) / c.h);
    c.rks.push_back(1.0);
    const double hh = predict_x0_ ? -c.h : c.h;
    c.h_phi_1 = std::expm1(hh);
    double h_phi_k = c.h_phi_1 / hh - 1;
    double factorial = 1;
    c.B_h = bh1_ ? hh : std::expm1(hh);
    for (int i = 1; i <= order; ++i) {
      c.b.push_back(h_phi_k * factorial / c.B_h);
      factorial *= i + 1;
      h_phi_k = h_phi_k / hh - 1 / factorial;
    }
    return c;
  }
  std::vector<double> Matrix(const std::vector<double>& rks, size_t rows, size_t cols) const {
    std::vector<double> r(rows * cols);
    for (size_t i = 0; i < rows; ++i) {
      for (size_t j = 0; j < cols; ++j) r[i * cols + j] = std::pow(rks[j], static_cast<double>(i));
    }
    return r;
  }

  void Predictor(MutTensor sample, int idx) {
    const int order = this_order_;
    const AlphaSigma t = At(idx + 1), s0 = At(idx);
    std::vector<int> prev;
    for (int i = 1; i < order; ++i) prev.push_back(idx - i);
    const Coeffs c = Make(t, s0, prev, order);
    std::vector<double> rhos;
    if (order == 2) {
      rhos = {0.5};
    } else if (order == 3) {
      rhos = Solve(Matrix(c.rks, 2, 2), {c.b[0], c.b[1]});
    }
    // x_t = base_x*x - base_m*m0 - scale*B_h * sum_k rhos[k]*(m_{k+1} - m0)/rk
    const double base_x = predict_x0_ ? t.sigma / s0.sigma : t.alpha / s0.alpha;
    const double scale = predict_x0_ ? t.alpha : t.sigma;
    LinearUpdate u;
    u.cx = base_x;
    u.cm[0] = -scale * c.h_phi_1;
    u.num_hist = std::max(order, 1);
    for (int k = 0; k + 1 < order; ++k) {
      const double w = scale * c.B_h * rhos[k] / c.rks[k];
      u.cm[k + 1] -= w;
      u.cm[0] += w;
    }
    if (order == 1) u.cx += scale * c.B_h * 0.0;  // diffusers: pred_res = 0 scalar; inf*0 -> NaN reproduced
    std::vector<const float*> h;
    for (int j = 0; j < u.num_hist; ++j) h.push_back(hist_[j].data());
    ApplyLinearUpdate(sample.data, last_sample_.data(), h, nullptr, u);
  }

  void Corrector(MutTensor sample, int idx) {
    const int order = this_order_;
    const AlphaSigma t = At(idx), s0 = At(idx - 1);
    std::vector<int> prev;
    for (int i = 1; i < order; ++i) prev.push_back(idx - (i + 1));
    const Coeffs c = Make(t, s0, prev, order);
    std::vector<double> rhos;
    if (order == 1) {
      rhos = {0.5};
    } else {
      rhos = Solve(Matrix(c.rks, static_cast<size_t>(order), static_cast<size_t>(order)), c.b);
    }
    const double base_x = predict_x0_ ? t.sigma / s0.sigma : t.alpha / s0.alpha;
    const double scale = predict_x0_ ? t.alpha : t.sigma;
    // Sources: last_sample, conv (model_t), hist[0] (m0), hist[1..].
    double coef[6] = {0, 0, 0, 0, 0, 0};
    const float* src[6] = {last_sample_.data(), conv_.data(), nullptr, nullptr, nullptr, nullptr};
    coef[0] = base_x;
    double c_m0 = -scale * c.h_phi_1;
    const double sb = scale * c.B_h;
    for (int k = 0; k + 1 < order; ++k) {
      const double w = sb * rhos[k] / c.rks[k];
      coef[3 + k] -= w;  // m_{k+1}
      c_m0 += w;
    }
    coef[1] = -sb * rhos.back();
    c_m0 += sb * rhos.back();
    coef[2] = c_m0;
    int count = 3;
    src[2] = hist_[0].data();
    for (int k = 0; k + 1 < order; ++k) src[3 + k] = hist_[k + 1].data(), ++count;
    LinearCombine(sample.data, coef, src, count);
  }

  VpTables tables_;
  int order_;
  bool predict_x0_, bh1_, flow_;
  std::vector<int> disable_corrector_;
  int lower_order_nums_ = 0;
  int this_order_ = 0;
  std::vector<std::vector<float>> hist_;
  std::vector<float> conv_, last_sample_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeUniPC(const SchedulerConfig& c) { return std::make_unique<UniPCScheduler>(c); }

}  // namespace schedkit::diffusion::internal
