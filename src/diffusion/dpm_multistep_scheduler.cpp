// DPMSolverMultistepScheduler: DPM-Solver / DPM-Solver++ (2M, 3M, SDE variants), Karras / exponential /
// beta / Lu / flow sigmas, lower-order warm-up and final steps.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "dpm_solver_math.h"
#include "solver_schedule.h"

namespace schedkit::diffusion::internal {

SchedulerConfig DpmMultistepConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear");
  k.push_back(Num("solver_order", 2));
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(true)));
  k.push_back(Bool("thresholding", false));
  k.push_back(Num("dynamic_thresholding_ratio", 0.995));
  k.push_back(Num("sample_max_value", 1.0));
  k.push_back(
      Str("algorithm_type", "dpmsolver++", {"dpmsolver", "dpmsolver++", "sde-dpmsolver", "sde-dpmsolver++"}));
  k.push_back(Str("solver_type", "midpoint", {"midpoint", "heun"}));
  k.push_back(Bool("lower_order_final", true));
  k.push_back(Bool("euler_at_final", false));
  k.push_back(Bool("use_karras_sigmas", false));
  k.push_back(Bool("use_exponential_sigmas", false));
  k.push_back(Bool("use_beta_sigmas", false));
  k.push_back(Bool("use_lu_lambdas", false));
  k.push_back(Bool("use_flow_sigmas", false));
  k.push_back(Num("flow_shift", 1.0));
  k.push_back(Str("final_sigmas_type", "zero", {"zero", "sigma_min"}));
  k.push_back(Num("lambda_min_clipped", -std::numeric_limits<double>::infinity()));
  k.push_back(OptStr("variance_type", {"learned", "learned_range"}));
  k.push_back(Str("timestep_spacing", "linspace", {"linspace", "leading", "trailing"}));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Bool("rescale_betas_zero_snr", false));
  k.push_back(Bool("use_dynamic_shifting", false));
  k.push_back(Str("time_shift_type", "exponential", {"exponential"}));
  return SchedulerConfig("DPMSolverMultistepScheduler", std::move(k));
}

namespace {

class DpmMultistepScheduler final : public Scheduler {
 public:
  explicit DpmMultistepScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/true, betas_, alphas_cumprod_);
    tables_ = MakeVpTables(alphas_cumprod_);
    alg_ = ParseDpmAlgorithm(c.GetString("algorithm_type"));
    order_ = c.GetInt("solver_order");
    if (order_ < 1 || order_ > 3) Fail(fmt::format("solver_order must be 1, 2 or 3, got {}", order_));
    if (!PredictsData(alg_) && c.GetString("final_sigmas_type") == "zero") {
      Fail(fmt::format("final_sigmas_type zero is not supported for algorithm_type {}; choose sigma_min",
                       c.GetString("algorithm_type")));
    }
    if (c.GetOptionalString("variance_type")) Fail("variance_type learned/learned_range is not supported");
    if (!PredictsData(alg_) && c.GetString("prediction_type") == "flow_prediction") {
      Fail("prediction_type flow_prediction needs algorithm_type dpmsolver++ or sde-dpmsolver++");
    }
    flow_shift_ = c.GetNumber("flow_shift");
  }
  bool IsStochastic(const StepOptions&) const override { return IsSde(alg_); }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    if (r.mu) {
      if (!config_.GetBool("use_dynamic_shifting")) Fail("mu needs use_dynamic_shifting=true");
      flow_shift_ = std::exp(*r.mu);
    }
    SolverSchedule s = BuildSolverSchedule(SolverVariant::kDpmMultistep, config_, tables_, alphas_cumprod_, r,
                                           flow_shift_, class_name());
    timesteps_ = std::move(s.timesteps);
    sigmas_ = std::move(s.sigmas);
    num_inference_steps_ = static_cast<int>(timesteps_.size());
    lower_order_nums_ = 0;
    hist_.assign(static_cast<size_t>(order_), {});
    hist_valid_ = 0;
  }

  int IndexForTimestep(double t) const override { return SolverIndexForTimestep(timesteps_, t); }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const int n_ts = static_cast<int>(timesteps_.size());
    const int idx = step_index_;
    const bool lof_cfg = config_.GetBool("lower_order_final");
    const bool lower_order_final =
        idx == n_ts - 1 && (config_.GetBool("euler_at_final") || (lof_cfg && n_ts < 15) ||
                            config_.GetString("final_sigmas_type") == "zero");
    const bool lower_order_second = idx == n_ts - 2 && lof_cfg && n_ts < 15;
    const bool flow = config_.GetBool("use_flow_sigmas");
    auto at = [&](int i) { return FromSigma(sigmas_[i], flow); };

    // Converted model output: data prediction (dpmsolver++) or noise prediction (dpmsolver).
    const AlphaSigma cur = at(idx);
    const std::string& pred = config_.GetString("prediction_type");
    const auto conv =
        PredictsData(alg_) ? ToDataPrediction(pred, cur, sigmas_[idx]) : ToNoisePrediction(pred, cur);
    if (!conv) Fail("prediction_type " + pred + " cannot be converted for algorithm_type dpmsolver");
    const double px = conv->px, pm = conv->pm;
    const size_t n = sample.data.size();
    // Rotate the history: hist_[0] becomes the newest slot.
    std::rotate(hist_.rbegin(), hist_.rbegin() + 1, hist_.rend());
    hist_valid_ = std::min(hist_valid_ + 1, order_);
    std::vector<float>& m0 = hist_[0];
    m0.resize(n);

    int order;
    if (order_ == 1 || lower_order_nums_ < 1 || lower_order_final) {
      order = 1;
    } else if (order_ == 2 || lower_order_nums_ < 2 || lower_order_second) {
      order = 2;
    } else {
      order = 3;
    }
    LinearUpdate u;
    const AlphaSigma t = at(idx + 1);
    if (order == 1) {
      u = DpmFirstOrder(alg_, t, cur);
    } else if (order == 2) {
      u = DpmMultistepSecond(alg_, config_.GetString("solver_type") == "heun", t, cur, at(idx - 1));
    } else {
      u = DpmMultistepThird(alg_, t, cur, at(idx - 1), at(idx - 2));
    }
    const float* noise = nullptr;
    if (IsSde(alg_)) {
      noise_.resize(n);
      Generator(o).Normal(noise_, sample.shape);
      noise = noise_.data();
    }
    const bool threshold = config_.GetBool("thresholding");
    if (!threshold) {
      FusedStep(sample.data, mo.data.data(), px, pm, u, noise);
    } else {
      for (size_t i = 0; i < n; ++i) m0[i] = static_cast<float>(px * sample.data[i] + pm * mo.data[i]);
      ApplyThreshold(m0, sample, cur);
      std::vector<const float*> h;
      for (int j = 0; j < u.num_hist; ++j) h.push_back(hist_[j].data());
      ApplyLinearUpdate(sample.data, sample.data.data(), h, noise, u);
    }
    if (lower_order_nums_ < order_) ++lower_order_nums_;
  }

 private:
  // Conversion and update in one pass: reads model output, sample and older history, writes the newest
  // history slot and the new sample.
  void FusedStep(std::span<float> x, const float* mo, double px, double pm, const LinearUpdate& u,
                 const float* noise) {
    const size_t n = x.size();
    float* xs = x.data();
    float* m0 = hist_[0].data();
    const double cx = u.cx, c0 = u.cm[0], c1 = u.cm[1], c2 = u.cm[2], cn = u.cn;
    const float* m1 = u.num_hist > 1 ? hist_[1].data() : nullptr;
    const float* m2 = u.num_hist > 2 ? hist_[2].data() : nullptr;
    if (u.num_hist == 1 && noise == nullptr) {
      for (size_t i = 0; i < n; ++i) {
        const double xv = xs[i];
        const float c = static_cast<float>(px * xv + pm * mo[i]);
        m0[i] = c;
        xs[i] = static_cast<float>(cx * xv + c0 * c);
      }
    } else if (u.num_hist == 2 && noise == nullptr) {
      for (size_t i = 0; i < n; ++i) {
        const double xv = xs[i];
        const float c = static_cast<float>(px * xv + pm * mo[i]);
        m0[i] = c;
        xs[i] = static_cast<float>(cx * xv + c0 * c + c1 * m1[i]);
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        const double xv = xs[i];
        const float c = static_cast<float>(px * xv + pm * mo[i]);
        m0[i] = c;
        double acc = cx * xv + c0 * c;
        if (m1) acc += c1 * m1[i];
        if (m2) acc += c2 * m2[i];
        if (noise) acc += cn * noise[i];
        xs[i] = static_cast<float>(acc);
      }
    }
  }

  void ApplyThreshold(std::vector<float>& m0, MutTensor sample, AlphaSigma cur) {
    const double ratio = config_.GetNumber("dynamic_thresholding_ratio");
    const double maxv = config_.GetNumber("sample_max_value");
    if (PredictsData(alg_)) {
      ThresholdSample(m0, sample.shape, ratio, maxv);
      return;
    }
    std::vector<float> x0(m0.size());
    for (size_t i = 0; i < m0.size(); ++i)
      x0[i] = static_cast<float>((sample.data[i] - cur.sigma * m0[i]) / cur.alpha);
    ThresholdSample(x0, sample.shape, ratio, maxv);
    for (size_t i = 0; i < m0.size(); ++i)
      m0[i] = static_cast<float>((sample.data[i] - cur.alpha * x0[i]) / cur.sigma);
  }

  VpTables tables_;
  DpmAlgorithm alg_;
  int order_;
  double flow_shift_;
  int lower_order_nums_ = 0;
  std::vector<std::vector<float>> hist_;
  int hist_valid_ = 0;
  std::vector<float> noise_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeDpmMultistep(const SchedulerConfig& c) {
  return std::make_unique<DpmMultistepScheduler>(c);
}

}  // namespace schedkit::diffusion::internal
