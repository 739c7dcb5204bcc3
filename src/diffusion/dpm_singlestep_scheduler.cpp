// DPMSolverSinglestepScheduler: DPM-Solver(++) 2S/3S with order blocks from get_order_list.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "dpm_solver_math.h"
#include "solver_schedule.h"

namespace schedkit::diffusion::internal {

SchedulerConfig DpmSinglestepConfig() {
  std::vector<ConfigKey> k = TrainKeys(0.0001, 0.02, "linear");
  k.push_back(Num("solver_order", 2));
  k.push_back(Str("prediction_type", "epsilon", PredictionTypes(true)));
  k.push_back(Bool("thresholding", false));
  k.push_back(Num("dynamic_thresholding_ratio", 0.995));
  k.push_back(Num("sample_max_value", 1.0));
  k.push_back(Str("algorithm_type", "dpmsolver++", {"dpmsolver", "dpmsolver++", "sde-dpmsolver++"}));
  k.push_back(Str("solver_type", "midpoint", {"midpoint", "heun"}));
  k.push_back(Bool("lower_order_final", true));
  k.push_back(Bool("use_karras_sigmas", false));
  k.push_back(Bool("use_exponential_sigmas", false));
  k.push_back(Bool("use_beta_sigmas", false));
  k.push_back(Bool("use_flow_sigmas", false));
  k.push_back(Num("flow_shift", 1.0));
  k.push_back(Str("final_sigmas_type", "zero", {"zero", "sigma_min"}));
  k.push_back(Num("lambda_min_clipped", -std::numeric_limits<double>::infinity()));
  k.push_back(OptStr("variance_type", {"learned", "learned_range"}));
  k.push_back(Bool("use_dynamic_shifting", false));
  k.push_back(Str("time_shift_type", "exponential", {"exponential"}));
  return SchedulerConfig("DPMSolverSinglestepScheduler", std::move(k));
}

// diffusers get_order_list.
std::vector<int> SinglestepOrderList(int steps, int order, bool lower_order_final, bool final_zero) {
  std::vector<int> orders;
  auto repeat = [&](std::initializer_list<int> block, int times) {
    for (int i = 0; i < times; ++i) orders.insert(orders.end(), block);
  };
  if (lower_order_final) {
    if (order == 3) {
      if (steps % 3 == 0) {
        repeat({1, 2, 3}, steps / 3 - 1);
        repeat({1, 2}, 1);
        repeat({1}, 1);
      } else if (steps % 3 == 1) {
        repeat({1, 2, 3}, steps / 3);
        repeat({1}, 1);
      } else {
        repeat({1, 2, 3}, steps / 3);
        repeat({1, 2}, 1);
      }
    } else if (order == 2) {
      if (steps % 2 == 0) {
        repeat({1, 2}, steps / 2 - 1);
        repeat({1, 1}, 1);
      } else {
        repeat({1, 2}, steps / 2);
        repeat({1}, 1);
      }
    } else {
      repeat({1}, steps);
    }
  } else {
    if (order == 3) repeat({1, 2, 3}, steps / 3);
    if (order == 2) repeat({1, 2}, steps / 2);
    if (order == 1) repeat({1}, steps);
  }
  if (final_zero && !orders.empty()) orders.back() = 1;
  return orders;
}

namespace {

class DpmSinglestepScheduler final : public Scheduler {
 public:
  explicit DpmSinglestepScheduler(const SchedulerConfig& c) : Scheduler(c) {
    LoadTrainSchedule(c, /*patch_zero_snr=*/false, betas_, alphas_cumprod_);
    tables_ = MakeVpTables(alphas_cumprod_);
    alg_ = ParseDpmAlgorithm(c.GetString("algorithm_type"));
    order_ = c.GetInt("solver_order");
    if (order_ < 1 || order_ > 3) Fail(fmt::format("solver_order must be 1, 2 or 3, got {}", order_));
    if (!PredictsData(alg_) && c.GetString("final_sigmas_type") == "zero") {
      Fail(fmt::format("final_sigmas_type zero is not supported for algorithm_type {}; choose sigma_min",
                       c.GetString("algorithm_type")));
    }
    if (c.GetOptionalString("variance_type")) Fail("variance_type learned/learned_range is not supported");
    flow_shift_ = c.GetNumber("flow_shift");
    lower_order_final_ = c.GetBool("lower_order_final");
  }
  bool IsStochastic(const StepOptions&) const override { return IsSde(alg_); }

 protected:
  void DoSetTimesteps(const TimestepRequest& r) override {
    if (r.mu) {
      if (!config_.GetBool("use_dynamic_shifting")) Fail("mu needs use_dynamic_shifting=true");
      flow_shift_ = std::exp(*r.mu);
    }
    SolverSchedule s = BuildSolverSchedule(SolverVariant::kDpmSinglestep, config_, tables_, alphas_cumprod_,
                                           r, flow_shift_, class_name());
    timesteps_ = std::move(s.timesteps);
    sigmas_ = std::move(s.sigmas);
    num_inference_steps_ = static_cast<int>(timesteps_.size());
    const bool final_zero = config_.GetString("final_sigmas_type") == "zero";
    // diffusers turns lower_order_final on (permanently) in these cases.
    if (!lower_order_final_ && (num_inference_steps_ % order_ != 0 || final_zero)) lower_order_final_ = true;
    order_list_ = SinglestepOrderList(num_inference_steps_, order_, lower_order_final_, final_zero);
    hist_.assign(static_cast<size_t>(order_), {});
    hist_valid_ = 0;
  }

  int IndexForTimestep(double t) const override { return SolverIndexForTimestep(timesteps_, t); }

  void DoStep(ConstTensor mo, MutTensor sample, const StepOptions& o) override {
    const int idx = step_index_;
    const bool flow = config_.GetBool("use_flow_sigmas");
    auto at = [&](int i) { return FromSigma(sigmas_[i], flow); };
    const AlphaSigma cur = at(idx);
    const std::string& pred = config_.GetString("prediction_type");
    const auto conv =
        PredictsData(alg_) ? ToDataPrediction(pred, cur, sigmas_[idx]) : ToNoisePrediction(pred, cur);
    if (!conv) Fail("flow_prediction needs algorithm_type dpmsolver++");
    const double px = conv->px, pm = conv->pm;
    const size_t n = sample.data.size();
    std::rotate(hist_.rbegin(), hist_.rbegin() + 1, hist_.rend());
    hist_valid_ = std::min(hist_valid_ + 1, order_);
    hist_[0].resize(n);
    for (size_t i = 0; i < n; ++i) hist_[0][i] = static_cast<float>(px * sample.data[i] + pm * mo.data[i]);
    if (config_.GetBool("thresholding")) {
      const double ratio = config_.GetNumber("dynamic_thresholding_ratio"),
                   maxv = config_.GetNumber("sample_max_value");
      if (PredictsData(alg_)) {
        ThresholdSample(hist_[0], sample.shape, ratio, maxv);
      } else {
        std::vector<float> x0(n);
        for (size_t i = 0; i < n; ++i)
          x0[i] = static_cast<float>((sample.data[i] - cur.sigma * hist_[0][i]) / cur.alpha);
        ThresholdSample(x0, sample.shape, ratio, maxv);
        for (size_t i = 0; i < n; ++i)
          hist_[0][i] = static_cast<float>((sample.data[i] - cur.alpha * x0[i]) / cur.sigma);
      }
    }
    const float* noise = nullptr;
    if (alg_ == DpmAlgorithm::kSdeDpmSolverPP) {
      noise_.resize(n);
      Generator(o).Normal(noise_, sample.shape);
      noise = noise_.data();
    }
    int order = order_list_[idx];
    while (order > hist_valid_) --order;
    if (order == 1) block_start_.assign(sample.data.begin(), sample.data.end());
    const bool heun = config_.GetString("solver_type") == "heun";
    LinearUpdate u;
    const AlphaSigma t = at(idx + 1);
    if (order == 1) {
      u = DpmFirstOrder(alg_, t, cur);
    } else if (order == 2) {
      u = DpmSinglestepSecond(alg_, heun, t, cur, at(idx - 1));
    } else {
      u = DpmSinglestepThird(alg_, heun, t, cur, at(idx - 1), at(idx - 2));
    }
    std::vector<const float*> h;
    for (int j = 0; j < u.num_hist; ++j) h.push_back(hist_[j].data());
    ApplyLinearUpdate(sample.data, block_start_.data(), h, noise, u);
  }

 private:
  VpTables tables_;
  DpmAlgorithm alg_;
  int order_;
  double flow_shift_;
  bool lower_order_final_;
  std::vector<int> order_list_;
  std::vector<std::vector<float>> hist_;
  int hist_valid_ = 0;
  std::vector<float> block_start_, noise_;
};

}  // namespace

std::unique_ptr<Scheduler> MakeDpmSinglestep(const SchedulerConfig& c) {
  return std::make_unique<DpmSinglestepScheduler>(c);
}

}  // namespace schedkit::diffusion::internal
