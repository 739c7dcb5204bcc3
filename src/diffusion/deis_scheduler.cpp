// DEISMultistepScheduler (log-rho): exponential integrator in noise prediction with Lagrange coefficients.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "solver_schedule.h"

namespace schedkit::diffusion::internal {

SchedulerConfig DeisConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear");
  k.push_back(Num("solver_order", 2));
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(true)));
  k.push_back(Bool("thresholding", false));
  k.push_back(Num("dynamic_thresholding_ratio", 0.995));
  k.push_back(Num("sample_max_value", 1.0));
  k.push_back(Str("algorithm_type", "deis", {"deis"}));
  k.push_back(Str("solver_type", "logrho", {"logrho"}));
  k.push_back(Bool("lower_order_final", true));
  k.push_back(Bool("use_karras_sigmas", false));
  k.push_back(Bool("use_exponential_sigmas", false));
  k.push_back(Bool("use_beta_sigmas", false));
  k.push_back(Bool("use_flow_sigmas", false));
  k.push_back(Num("flow_shift", 1.0));
  k.push_back(Str("timestep_spacing", "linspace", {"linspace", "leading", "trailing"}));
  k.push_back(Num("steps_offset", 0));
  k.push_back(Bool("use_dynamic_shifting", false));
  k.push_back(Str("time_shift_type", "exponential", {"exponential"}));
  return SchedulerConfig("DEISMultistepScheduler", std::move(k));
}

namespace {

double Ind2(double t, double b, double c) {
  return t * (-std::log(c) + std::log(t) - 1) / (std::log(b) - std::log(c));
}
double Ind3(double t, double b, double c, double d) {
  const double lt = std::log(t), lc = std::log(c), ld = std::log(d), lb = std::log(b);
  const double num = t * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2);
  return num / ((lb - lc) * (lb - ld));
}

class DeisScheduler final : public Scheduler {
 public:
  explicit DeisScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/false, betas_, alphas_cumprod_);
    tables_ = MakeVpTables(alphas_cumprod_);
    order_ = c.GetInt("solver_order");
    if (order_ < 1 || order_ > 3) Fail(fmt::format("solver_order must be 1, 2 or 3, got {}", order_));
    flow_shift_ = c.GetNumber("flow_shift");
  }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    if (r.mu) {
      if (!config_.GetBool("use_dynamic_shifting")) Fail("mu needs use_dynamic_shifting=true");
      flow_shift_ = std::exp(*r.mu);
    }
    SolverSchedule s = BuildSolverSchedule(SolverVariant::kDeis, config_, tables_, alphas_cumprod_, r,
                                           flow_shift_, class_name());
    timesteps_ = std::move(s.timesteps);
    sigmas_ = std::move(s.sigmas);
    num_inference_steps_ = static_cast<int>(timesteps_.size());
    lower_order_nums_ = 0;
    hist_.assign(static_cast<size_t>(order_), {});
  }

  int IndexForTimestep(double t) const override { return SolverIndexForTimestep(timesteps_, t); }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions&) override {
    const int idx = step_index_, n_ts = static_cast<int>(timesteps_.size());
    const bool lof = config_.GetBool("lower_order_final");
    const bool lower_order_final = idx == n_ts - 1 && lof && n_ts < 15;
    const bool lower_order_second = idx == n_ts - 2 && lof && n_ts < 15;
    const bool flow = config_.GetBool("use_flow_sigmas");
    auto at = [&](int i) { return FromSigma(sigmas_[i], flow); };
    const AlphaSigma cur = at(idx);
    const size_t n = sample.data.size();
    std::rotate(hist_.rbegin(), hist_.rbegin() + 1, hist_.rend());
    std::vector<float>& m0 = hist_[0];
    m0.resize(n);
    const std::string& pred = config_.GetString("prediction_type");
    const bool threshold = config_.GetBool("thresholding");
    if (pred == "epsilon" && !threshold) {
      std::copy(mo.data.begin(), mo.data.end(), m0.begin());
    } else {
      const OutputConversion conv = ToDataPrediction(pred, cur, sigmas_[idx]).value_or(OutputConversion{});
      const double px = conv.px, pm = conv.pm;
      std::vector<float> x0(n);
      for (size_t i = 0; i < n; ++i) x0[i] = static_cast<float>(px * sample.data[i] + pm * mo.data[i]);
      if (threshold) {
        ThresholdSample(x0, sample.shape, config_.GetNumber("dynamic_thresholding_ratio"),
                        config_.GetNumber("sample_max_value"));
      }
      for (size_t i = 0; i < n; ++i)
        m0[i] = static_cast<float>((sample.data[i] - cur.alpha * x0[i]) / cur.sigma);
    }
    int order;
    if (order_ == 1 || lower_order_nums_ < 1 || lower_order_final) {
      order = 1;
    } else if (order_ == 2 || lower_order_nums_ < 2 || lower_order_second) {
      order = 2;
    } else {
      order = 3;
    }
    const AlphaSigma t = at(idx + 1);
    LinearUpdate u;
    if (order == 1) {
      const double h = t.lambda() - cur.lambda();
      u.cx = t.alpha / cur.alpha;
      u.cm[0] = -t.sigma * (std::exp(h) - 1.0);
      u.num_hist = 1;
    } else {
      const AlphaSigma s1 = at(idx - 1);
      const double rt = t.sigma / t.alpha, r0 = cur.sigma / cur.alpha, r1 = s1.sigma / s1.alpha;
      u.cx = t.alpha / cur.alpha;
      if (order == 2) {
        u.cm[0] = t.alpha * (Ind2(rt, r0, r1) - Ind2(r0, r0, r1));
        u.cm[1] = t.alpha * (Ind2(rt, r1, r0) - Ind2(r0, r1, r0));
        u.num_hist = 2;
      } else {
        const AlphaSigma s2 = at(idx - 2);
        const double r2 = s2.sigma / s2.alpha;
        u.cm[0] = t.alpha * (Ind3(rt, r0, r1, r2) - Ind3(r0, r0, r1, r2));
        u.cm[1] = t.alpha * (Ind3(rt, r1, r2, r0) - Ind3(r0, r1, r2, r0));
        u.cm[2] = t.alpha * (Ind3(rt, r2, r0, r1) - Ind3(r0, r2, r0, r1));
        u.num_hist = 3;
      }
    }
    std::vector<const float*> h;
    for (int j = 0; j < u.num_hist; ++j) h.push_back(hist_[j].data());
    ApplyLinearUpdate(sample.data, sample.data.data(), h, nullptr, u);
    if (lower_order_nums_ < order_) ++lower_order_nums_;
  }

 private:
  VpTables tables_;
  int order_;
  double flow_shift_;
  int lower_order_nums_ = 0;
  std::vector<std::vector<float>> hist_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeDeis(const SchedulerConfig& c) { return std::make_unique<DeisScheduler>(c); }

}  // namespace schedkit::diffusion::internal
