// Quality benchmark program: the GMM table for every sampler against the anchor ODE errors, and the schedule
// optimiser at 10 NFE. Prints figures (medians are not needed: the benchmark is deterministic for a seed).
#include <fmt/core.h>
#include <fmt/format.h>

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
  // Schedule optimisation at 10 NFE: train on 1000 separate starting states (seed 7), evaluate on the 2000.
  GmmBenchmark train(1000, 2, 7);
  for (const char* label : {"DPM++ 3M", "DPM++ 2M", "UniPC bh1 o3"}) {
    for (const auto& s : GmmSamplers()) {
      if (s.label != label) continue;
      GmmSampler custom = s;
      const ScheduleSearchResult res = OptimizeTimesteps(train, custom, 10);
      TimestepRequest req;
      req.timesteps = res.timesteps;
      const double test_err = bench.OdeRmse(bench.Sample(custom, req), false);
      const double base = bench.Evaluate(s, 10).ode_rmse;
      fmt::print(
          "optimised {} @10 NFE: test ODE RMSE {:.4f} (default schedule {:.4f}; UniPC bh1 o3 anchor 0.121; "
          "train {:.4f} -> {:.4f}, {} evaluations) timesteps [{}]\n",
          label, test_err, base, res.initial_error, res.final_error, res.evaluations,
          fmt::join(res.timesteps, ", "));
    }
  }
  return 0;
}
