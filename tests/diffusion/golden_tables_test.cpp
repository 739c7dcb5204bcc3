// Golden files with their own schemas: train_schedules.json, guidance.json, discrete.json and the AYS lists.
#include <gtest/gtest.h>

#include <cmath>

#include "golden_support.h"
#include "schedkit/diffusion/ays.h"
#include "schedkit/diffusion/discrete.h"
#include "schedkit/diffusion/guidance.h"
#include "schedkit/diffusion/noise_schedule.h"
#include "schedkit/diffusion/scheduler.h"

namespace schedkit::diffusion::testing {
namespace {

TEST(DiffusionGoldenTrainSchedules, BetasAndAlphasCumprodMatch) {
  SCHEDKIT_REQUIRE_GOLDEN(dir);
  const json doc = LoadJson(dir + "/train_schedules.json");
  ASSERT_TRUE(doc.contains("schedules") && !doc["schedules"].empty())
      << "train_schedules.json has no schedules";
  int run = 0;
  for (const auto& e : doc["schedules"]) {
    const json& c = e.at("config");
    const bool zero_snr = c.at("rescale_betas_zero_snr").get<bool>();
    SCOPED_TRACE(c.dump());
    const TrainSchedule ts =
        MakeTrainSchedule(c.at("beta_schedule").get<std::string>(), c.at("num_train_timesteps").get<int>(),
                          c.at("beta_start").get<double>(), c.at("beta_end").get<double>(), zero_snr);
    const std::vector<float> betas = Flat(e.at("betas"));
    ASSERT_EQ(ts.betas.size(), betas.size());
    for (size_t i = 0; i < betas.size(); ++i) {
      // float32 schedules: 1e-6 relative. Zero-SNR betas are 1 - ac_i/ac_{i-1}: a few float32 ulp of the
      // ratio (6e-8 each) become absolute errors, so 1e-4 relative plus 5 ulp of 1.0.
      const double tol = zero_snr ? 1e-4 * std::fabs(betas[i]) + 6e-7 : 1e-6 * std::fabs(betas[i]) + 1e-12;
      EXPECT_NEAR(ts.betas[i], betas[i], tol) << "beta " << i;
    }
    // alphas_cumprod as the scheduler class holds it (Euler-family zero-SNR patches the last entry to 2^-24).
    SchedulerConfig cfg = DefaultConfig(e.at("scheduler_class").get<std::string>());
    for (const auto& [k, v] : c.items()) cfg.Set(k, ToConfigValue(v));
    auto s = MakeScheduler(e["scheduler_class"].get<std::string>(), cfg);
    const std::vector<float> ac = Flat(e.at("alphas_cumprod"));
    ASSERT_EQ(s->alphas_cumprod().size(), ac.size());
    for (size_t i = 0; i < ac.size(); ++i) {
      const double rtol = zero_snr && i >= 500 ? 1e-4 : 1e-6;  // "tail": the second half
      EXPECT_NEAR(s->alphas_cumprod()[i], ac[i], rtol * std::fabs(ac[i]) + 1e-30) << "alphas_cumprod " << i;
    }
    if (e.contains("sigmas_train_with_appended_zero")) {
      const std::vector<float> want = Flat(e["sigmas_train_with_appended_zero"]);
      const std::vector<float> table = SigmaTable(s->alphas_cumprod());
      ASSERT_EQ(want.size(), table.size() + 1);
      for (size_t i = 0; i < table.size(); ++i) {
        EXPECT_NEAR(table[table.size() - 1 - i], want[i], 1e-4 * want[i]) << "sigma " << i;
      }
      EXPECT_EQ(want.back(), 0.0f);
    }
    ++run;
  }
  std::printf("[ parity ] train_schedules.json: %d schedules checked\n", run);
}

TEST(DiffusionGoldenGuidance, CfgCombineRescaleAndWeightSchedules) {
  SCHEDKIT_REQUIRE_GOLDEN(dir);
  const json doc = LoadJson(dir + "/guidance.json");
  ASSERT_TRUE(doc.contains("cfg_combine")) << "guidance.json has no cfg_combine";
  const json& g = doc["cfg_combine"];
  const std::vector<float> u = Flat(g.at("noise_pred_uncond")), c = Flat(g.at("noise_pred_text"));
  const std::vector<int64_t> shape = ShapeOf(g["noise_pred_text"]);
  std::vector<float> cfg(c.size());
  CfgCombine(u, c, g.at("scale").get<double>(), cfg);
  const std::vector<float> want = Flat(g.at("noise_cfg"));
  for (size_t i = 0; i < cfg.size(); ++i) EXPECT_NEAR(cfg[i], want[i], 1e-6 * std::fabs(want[i]) + 1e-6);
  int rescale_cases = 0;
  for (const auto& r : g.at("rescale_noise_cfg")) {
    std::vector<float> out = cfg;
    RescaleNoiseCfg(out, c, shape, r.at("guidance_rescale").get<double>());
    const std::vector<float> w = Flat(r.at("output"));
    for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], w[i], 1e-5 * std::fabs(w[i]) + 1e-6) << i;
    ++rescale_cases;
  }
  ASSERT_GT(rescale_cases, 0) << "guidance.json has no rescale cases";
  const json& ws = doc.at("weight_schedules");
  const std::vector<double> p = FlatD(ws.at("progress"));
  const double w = ws.at("base_scale").get<double>();
  int curves = 0;
  for (const auto& [name, values] : ws.at("values").items()) {
    const std::vector<double> v = FlatD(values);
    ASSERT_EQ(v.size(), p.size()) << name;
    for (size_t i = 0; i < p.size(); ++i)
      EXPECT_NEAR(GuidanceWeight(name, w, p[i]), v[i], 1e-12 * std::max(1.0, std::fabs(v[i]))) << name;
    ++curves;
  }
  ASSERT_GT(curves, 0) << "guidance.json has no weight schedules";
  std::printf("[ parity ] guidance.json: 1 combine, %d rescale, %d weight-schedule curves checked\n",
              rescale_cases, curves);
}

TEST(DiffusionGoldenDiscrete, KappaSchedulesAndFirstHittingTimes) {
  SCHEDKIT_REQUIRE_GOLDEN(dir);
  const json doc = LoadJson(dir + "/discrete.json");
  const std::vector<double> t = FlatD(doc.at("kappa_grid_t"));
  ASSERT_FALSE(t.empty()) << "discrete.json has no kappa grid";
  const std::map<std::string, std::pair<std::string, double>> names = {{"condot", {"condot", 1}},
                                                                       {"poly_n2", {"polynomial", 2}},
                                                                       {"poly_n3", {"polynomial", 3}},
                                                                       {"cosine_sin", {"cosine", 1}}};
  int schedules = 0;
  for (const auto& [name, e] : doc.at("kappa_schedules").items()) {
    ASSERT_TRUE(names.count(name)) << "unknown kappa schedule id " << name;
    const auto& [sched, expo] = names.at(name);
    const std::vector<double> k = FlatD(e.at("kappa")), dk = FlatD(e.at("d_kappa"));
    for (size_t i = 0; i < t.size(); ++i) {
      const KappaValue v = Kappa(sched, t[i], expo);
      EXPECT_NEAR(v.kappa, k[i], 1e-12 * std::max(1.0, std::fabs(k[i]))) << name << " " << i;
      EXPECT_NEAR(v.d_kappa, dk[i], 1e-12 * std::max(1.0, std::fabs(dk[i]))) << name << " " << i;
    }
    ++schedules;
  }
  ASSERT_GT(schedules, 0);
  const json& fh = doc.at("first_hitting_linear");
  const std::vector<double> u = FlatD(fh.at("uniforms")), want = FlatD(fh.at("unmask_times"));
  ASSERT_FALSE(u.empty()) << "discrete.json has no first-hitting uniforms";
  const std::vector<double> got = FirstHittingTimes(static_cast<int>(u.size()), u);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
  std::printf("[ parity ] discrete.json: %d kappa schedules, %zu first-hitting times checked\n", schedules,
              got.size());
}

TEST(DiffusionGoldenAys, PublishedListsAndLogLinearInterpolation) {
  SCHEDKIT_REQUIRE_GOLDEN(dir);
  const json doc = LoadJson(dir + "/ays.json");
  int lists = 0, interp = 0;
  for (const auto& [name, v] : doc.at("diffusers_AysSchedules").items()) {
    const std::vector<double> want = FlatD(v);
    EXPECT_EQ(AysSchedule(name), want) << name;
    ++lists;
  }
  for (const auto& [name, v] : doc.at("nvidia_noise_levels").items()) {
    EXPECT_EQ(AysNoiseLevels(name), FlatD(v)) << name;
    ++lists;
  }
  for (const auto& e : doc.at("loglinear_interpolated")) {
    const std::vector<double> got = AysSigmas(e.at("model").get<std::string>(), e.at("steps").get<int>());
    const std::vector<double> want = FlatD(e.at("sigmas_float64"));
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12 * std::max(1.0, want[i])) << i;
    ++interp;
  }
  ASSERT_GT(lists, 0);
  ASSERT_GT(interp, 0);
  std::printf(
      "[ parity ] ays.json: %d lists, %d interpolations checked (trajectories in "
      "Golden/TrajectoryFile.*/ays)\n",
      lists, interp);
}

}  // namespace
}  // namespace schedkit::diffusion::testing
