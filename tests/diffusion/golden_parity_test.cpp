// Parity with diffusers: every trajectory case of every golden file, replaying the recorded noise.
// Tolerances are the golden README's float64-port rules (a float64 port uses the README's float64 rule).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "golden_support.h"
#include "schedkit/diffusion/guidance.h"
#include "schedkit/diffusion/scheduler.h"
#include "schedkit/util/error.h"

namespace schedkit::diffusion::testing {
namespace {

struct CaseResult {
  int steps = 0;
  double worst_ratio = 0;  // max |diff| / tolerance over all compared values
  std::string worst_where;
};

double MaxAbs(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) m = std::max(m, std::fabs(static_cast<double>(x)));
  return m;
}

// Compares `ours` with `want` elementwise: |d| <= atol + rtol |want|.
void Compare(const std::vector<float>& ours, const std::vector<float>& want, double rtol, double atol,
             const std::string& where, CaseResult& r) {
  ASSERT_EQ(ours.size(), want.size()) << where;
  for (size_t i = 0; i < ours.size(); ++i) {
    const double d = std::fabs(static_cast<double>(ours[i]) - want[i]);
    const double tol = atol + rtol * std::fabs(static_cast<double>(want[i]));
    const double ratio = std::isnan(d) ? 1e9 : d / tol;
    if (ratio > r.worst_ratio) {
      r.worst_ratio = ratio;
      r.worst_where = fmt::format("{} [{}]: ours {} want {}", where, i, ours[i], want[i]);
    }
  }
}

std::unique_ptr<Scheduler> BuildScheduler(const json& c) {
  const std::string cls = c.at("scheduler_class").get<std::string>();
  SchedulerConfig cfg = DefaultConfig(cls);  // throws on an unknown scheduler id
  for (const auto& [k, v] : c.at("config").items()) cfg.Set(k, ToConfigValue(v));
  return MakeScheduler(cls, cfg);
}

TimestepRequest RequestOf(const json& kw) {
  TimestepRequest r;
  if (kw.contains("num_inference_steps") && !kw["num_inference_steps"].is_null()) {
    r.num_inference_steps = kw["num_inference_steps"].get<int>();
  }
  if (kw.contains("sigmas")) r.sigmas = FlatD(kw["sigmas"]);
  if (kw.contains("timesteps")) r.timesteps = FlatD(kw["timesteps"]);
  if (kw.contains("mu")) r.mu = kw["mu"].get<double>();
  return r;
}

StepOptions OptionsOf(const json& kw) {
  StepOptions o;
  if (kw.contains("eta")) o.eta = kw["eta"].get<double>();
  if (kw.contains("s_churn")) o.s_churn = kw["s_churn"].get<double>();
  if (kw.contains("s_tmin")) o.s_tmin = kw["s_tmin"].get<double>();
  if (kw.contains("s_tmax")) o.s_tmax = kw["s_tmax"].get<double>();
  if (kw.contains("s_noise")) o.s_noise = kw["s_noise"].get<double>();
  return o;
}

// Runs one case through the standard pipeline loop with our own model evaluations.
CaseResult RunCase(const json& c) {
  CaseResult r;
  const std::string id = c.at("id").get<std::string>();
  auto s = BuildScheduler(c);
  s->SetTimesteps(RequestOf(c.at("set_timesteps_kwargs")));

  // Schedules.
  const json& want_t = c.at("timesteps");
  EXPECT_EQ(s->timesteps().size(), want_t.size()) << id << " timesteps count";
  for (size_t i = 0; i < std::min(s->timesteps().size(), want_t.size()); ++i) {
    const double w = want_t[i].get<double>();
    if (want_t[i].is_number_integer()) {
      EXPECT_EQ(s->timesteps()[i], w) << id << " integer timestep " << i;
    } else {
      EXPECT_NEAR(s->timesteps()[i], w, 1e-5 * std::max(1.0, std::fabs(w))) << id << " timestep " << i;
    }
  }
  if (!c.at("sigmas").is_null()) {
    const std::vector<float> ws = Flat(c["sigmas"]);
    EXPECT_EQ(s->sigmas().size(), ws.size()) << id << " sigmas count";
    for (size_t i = 0; i < std::min(ws.size(), s->sigmas().size()); ++i) {
      EXPECT_NEAR(s->sigmas()[i], ws[i], 1e-5 * std::fabs(ws[i]) + 1e-7) << id << " sigma " << i;
    }
  } else {
    EXPECT_TRUE(s->sigmas().empty()) << id;
  }
  const double want_ins = c.at("init_noise_sigma").get<double>();
  EXPECT_NEAR(s->init_noise_sigma(), want_ins, 1e-5 * want_ins) << id << " init_noise_sigma";

  // Trajectory.
  const std::vector<int64_t> shape = ShapeOf(c.at("x_T"));
  std::vector<float> x = Flat(c["x_T"]);
  for (float& v : x) v = static_cast<float>(v * static_cast<float>(s->init_noise_sigma()));
  Compare(x, Flat(c["x_init"]), 1e-5, 1e-6, id + " x_init", r);
  const json& model = c.at("model");
  const std::string kind = model.at("kind").get<std::string>();
  const std::vector<double> mu = FlatD(model.at("mu")), sd = FlatD(model.at("sd"));
  const std::string pred = model.contains("prediction_type") && !model["prediction_type"].is_null()
                               ? model["prediction_type"].get<std::string>()
                               : "";
  const bool has_cfg = c.contains("cfg");
  std::vector<double> mu_u;
  if (has_cfg) mu_u = FlatD(c["cfg"].at("mu_uncond"));
  auto evaluate = [&](const std::vector<double>& m, double t, const std::vector<float>& in,
                      std::vector<float>& out) {
    if (kind == "vp_gaussian") {
      VpGaussian(m, sd, pred, AbarAt(s->alphas_cumprod(), t), in, out);
    } else {
      FlowGaussian(m, sd, t, model.at("num_train_timesteps").get<int>(), in, out);
    }
  };

  ReplayNoise noise;
  StepOptions opt = OptionsOf(c.at("step_kwargs"));
  opt.generator = &noise;
  std::vector<float> xin(x.size()), out, out_u;
  const json& steps = c.at("steps");
  double carried_atol = 1e-5;  // an absolute rounding error of the reference persists along the trajectory
  std::vector<float> golden_sample = Flat(c["x_init"]), golden_out;
  EXPECT_EQ(steps.size(), s->timesteps().size()) << id;
  for (size_t k = 0; k < steps.size() && k < s->timesteps().size(); ++k) {
    const json& st = steps[k];
    const double t = s->timesteps()[k];
    const std::string where = fmt::format("{} step {}", id, k);
    // Noise level of this step: the scheduler's sigma, or sqrt((1-ac)/ac) at t for DDIM/DDPM/LCM (capped at
    // the zero-SNR 4096).
    double sigma_k;
    if (!s->sigmas().empty()) {
      sigma_k = s->sigmas()[std::min(k, s->sigmas().size() - 1)];
    } else {
      const double a = s->alphas_cumprod()[static_cast<size_t>(t)];
      sigma_k = a > 0 ? std::min(std::sqrt((1 - a) / a), 4096.0) : 4096.0;
    }
    double x0_mag = MaxAbs(x) * std::max(1.0, sigma_k);
    if (st.contains("pred_original_sample")) x0_mag = MaxAbs(Flat(st["pred_original_sample"]));
    carried_atol = std::max(carried_atol, 1e-5 + 2.4e-7 * std::max(MaxAbs(x), sigma_k * x0_mag));
    const double atol = carried_atol;
    // The analytic model itself, on the reference's own input (tight: float64 model, float32 output).
    const std::vector<float> golden_in = st.contains("model_input") ? Flat(st["model_input"]) : golden_sample;
    if (!has_cfg) {
      evaluate(mu, t, golden_in, golden_out);
      Compare(golden_out, Flat(st.at("model_output")), 1e-5, 1e-6, where + " model(reference input)", r);
    }
    golden_sample = Flat(st.at("prev_sample"));

    s->ScaleModelInput(ConstTensor{x, shape}, t, MutTensor{xin, shape});
    if (st.contains("model_input"))
      Compare(xin, Flat(st["model_input"]), 1e-4, atol, where + " model_input", r);
    evaluate(mu, t, xin, out);
    if (has_cfg) {
      Compare(out, Flat(st.at("model_output_cond")), 1e-4, 1e-5, where + " cond", r);
      evaluate(mu_u, t, xin, out_u);
      Compare(out_u, Flat(st.at("model_output_uncond")), 1e-4, 1e-5, where + " uncond", r);
      std::vector<float> combined(out.size());
      CfgCombine(out_u, out, c["cfg"].at("scale").get<double>(), combined);
      RescaleNoiseCfg(combined, out, shape, c["cfg"].at("guidance_rescale").get<double>());
      out = combined;
    }
    Compare(out, Flat(st.at("model_output")), 1e-4, atol, where + " model_output", r);

    std::vector<std::vector<float>> draws;
    if (st.contains("noise")) {
      for (const auto& d : st["noise"]) draws.push_back(Flat(d));
    }
    noise.SetStep(draws);
    s->Step(ConstTensor{out, shape}, t, MutTensor{x, shape}, opt);
    EXPECT_EQ(noise.unused(), 0u) << where << ": recorded draws not consumed";
    Compare(x, Flat(st.at("prev_sample")), 1e-4, atol, where + " prev_sample", r);
    for (const char* key : {"pred_original_sample", "denoised"}) {
      if (st.contains(key) && !st[key].is_null() && !s->pred_original_sample().empty()) {
        Compare(s->pred_original_sample(), Flat(st[key]), 1e-4, atol, where + " " + key, r);
      }
    }
    ++r.steps;
  }
  return r;
}

class DiffusionTrajectoryFile : public ::testing::TestWithParam<std::string> {};

TEST_P(DiffusionTrajectoryFile, EveryCaseMatchesDiffusers) {
  SCHEDKIT_REQUIRE_GOLDEN(dir);
  const json doc = LoadJson(dir + "/" + GetParam());
  ASSERT_TRUE(doc.contains("cases")) << GetParam() << " has no cases array";
  const json& cases = doc["cases"];
  ASSERT_FALSE(cases.empty()) << GetParam() << " has no cases";
  int run = 0, steps = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.at("id").get<std::string>());
    CaseResult r;
    try {
      r = RunCase(c);
    } catch (const Error& e) {
      ADD_FAILURE() << c.at("id").get<std::string>() << ": " << e.what();
      continue;
    }
    EXPECT_LE(r.worst_ratio, 1.0) << r.worst_where;
    ++run;
    steps += r.steps;
  }
  // Combinations diffusers rejects must be rejected here as well.
  int skipped = 0;
  if (doc.contains("skipped")) {
    for (const auto& sk : doc["skipped"]) {
      SchedulerConfig cfg = DefaultConfig(sk.at("scheduler_class").get<std::string>());
      for (const auto& [k, v] : sk.at("config_overrides").items()) cfg.Set(k, ToConfigValue(v));
      auto s = MakeScheduler(sk["scheduler_class"].get<std::string>(), cfg);
      EXPECT_THROW(s->SetTimesteps(sk.at("num_inference_steps").get<int>()), Error) << sk.at("id");
      ++skipped;
    }
  }
  std::printf("[ parity ] %s: %d cases run (%d steps), %d rejected combinations checked, from %s\n",
              GetParam().c_str(), run, steps, skipped, dir.c_str());
  EXPECT_EQ(run, static_cast<int>(cases.size()));
}

// The runner itself: a case naming a scheduler class we do not know is an error, never a silent skip.
TEST(DiffusionGoldenRunner, UnknownSchedulerIdFails) {
  json c = {{"id", "x/0/n1"}, {"scheduler_class", "KDPM2DiscreteScheduler"}, {"config", json::object()}};
  try {
    RunCase(c);
    FAIL() << "an unknown scheduler id was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown scheduler 'KDPM2DiscreteScheduler'"), std::string::npos)
        << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(DiffusionGolden, DiffusionTrajectoryFile,
                         ::testing::Values("ddim.json", "ddpm.json", "euler.json", "euler_ancestral.json",
                                           "heun.json", "dpmsolver_multistep.json",
                                           "dpmsolver_singlestep.json", "deis.json", "unipc.json", "lcm.json",
                                           "flow_match_euler.json", "ays.json"),
                         [](const auto& info) {
                           std::string n = info.param;
                           return n.substr(0, n.find('.'));
                         });

}  // namespace
}  // namespace schedkit::diffusion::testing
