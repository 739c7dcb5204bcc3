// Quality benchmark program: the GMM table for every sampler against the anchor ODE errors, and the schedule
// optimiser at 10 NFE. Prints figures (medians are not needed: the benchmark is deterministic for a seed).
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "schedkit/diffusion/gmm_benchmark.h"
#include "schedkit/diffusion/schedule_optimizer.h"

using namespace schedkit::diffusion;

int main() {
  // Anchor ODE RMSE at NFE 10 and 50 from diffusion-sampling.md (diffusers 58eb52c0, numpy draws).
  const std::map<std::string, std::pair<double, double>> anchor = {{"DDIM", {0.251, 0.102}},
                                                                   {"Euler", {0.206, 0.0817}},
                                                                   {"Euler Karras", {0.272, 0.0989}},
                                                                   {"DPM++ 2M", {0.15, 0.0357}},
                                                                   {"DPM++ 2M Karras", {0.151, 0.0294}},
                                                                   {"DPM++ 3M", {0.146, 0.0354}},
                                                                   {"DPM++ 2S (single)", {0.164, 0.0514}},
                                                                   {"DEIS-3", {0.135, 0.0289}},
                                                                   {"UniPC bh2", {0.142, 0.0356}},
                                                                   {"UniPC bh1 o3", {0.121, 0.0188}}};
  GmmBenchmark bench(2000);
  fmt::print("sampler,ode_rmse@10,anchor@10,ode_rmse@50,anchor@50\n");
  for (const auto& s : GmmSamplers()) {
    if (s.stochastic || s.heun) continue;
    const GmmResult r10 = bench.Evaluate(s, 10), r50 = bench.Evaluate(s, 50);
    const auto& a = anchor.at(s.label);
    fmt::print("{},{:.4f},{},{:.4f},{}\n", s.label, r10.ode_rmse, a.first, r50.ode_rmse, a.second);
  }
  // Schedule optimisation at 10 NFE: train on 3000 separate starting states (seed 7), test on the benchmark's
  // 2000 states of seeds 0-5 (high-accuracy RMSE varies with the draw, see the seed spread below).
  std::vector<GmmBenchmark> tests;
  for (uint64_t seed = 0; seed < 6; ++seed) tests.emplace_back(2000, 2, seed, 2000);
  GmmBenchmark train(3000, 2, 7, 2000);
  for (const char* label : {"UniPC bh1 o3", "DPM++ 3M"}) {
    for (const auto& s : GmmSamplers()) {
      if (s.label != label) continue;
      const ScheduleSearchResult res = OptimizeTimesteps(train, s, 10);
      TimestepRequest req, def;
      req.timesteps = res.timesteps;
      def.num_inference_steps = 10;
      double sum_opt = 0, sum_def = 0, lo = 1e9, hi = 0;
      for (const auto& t : tests) {
        const double e = t.OdeRmse(t.Sample(s, req), false);
        sum_opt += e;
        sum_def += t.OdeRmse(t.Sample(s, def), false);
        lo = std::min(lo, e);
        hi = std::max(hi, e);
      }
      fmt::print(
          "optimised {} @10 NFE: test ODE RMSE mean {:.4f} over seeds 0-5 (range {:.4f}-{:.4f}; default "
          "schedule {:.4f}; goal <= 0.0605 = half of the UniPC bh1 o3 anchor 0.121); train {:.4f} -> {:.4f} "
          "in {} evaluations; timesteps [{}]\n",
          label, sum_opt / 6, lo, hi, sum_def / 6, res.initial_error, res.final_error, res.evaluations,
          fmt::join(res.timesteps, ", "));
    }
  }
  // Seed spread at 50 NFE: the ODE RMSE there is dominated by a few starting states near a basin boundary
  // whose endpoint flips to another mode (distance ~1-4), so it varies strongly with the 2000 draws.
  fmt::print("seed spread at 50 NFE (seeds 0-5): sampler,min,max,max_flipped_points(>0.3)\n");
  const std::vector<GmmBenchmark>& seeds = tests;
  for (const auto& s : GmmSamplers()) {
    if (s.stochastic || s.heun) continue;
    double lo = 1e9, hi = 0;
    int flips = 0;
    for (const auto& b : seeds) {
      TimestepRequest req;
      req.num_inference_steps = 50;
      const std::vector<float> x = b.Sample(s, req);
      const bool ve = s.scheduler == "euler";
      const double e = b.OdeRmse(x, ve);
      lo = std::min(lo, e);
      hi = std::max(hi, e);
      int f = 0;
      for (int i = 0; i < b.num_samples(); ++i) {
        f += std::hypot(x[2 * i] - b.Reference(ve)[2 * i], x[2 * i + 1] - b.Reference(ve)[2 * i + 1]) > 0.3;
      }
      flips = std::max(flips, f);
    }
    fmt::print("{},{:.4f},{:.4f},{},anchor {}\n", s.label, lo, hi, flips, anchor.at(s.label).second);
  }
  return 0;
}
