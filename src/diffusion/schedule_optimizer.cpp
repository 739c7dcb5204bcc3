// Coordinate-descent search over integer timesteps minimising the GMM trajectory error.
#include "schedkit/diffusion/schedule_optimizer.h"

#include <algorithm>
#include <cmath>

#include "schedkit/util/error.h"

namespace schedkit::diffusion {

ScheduleSearchResult OptimizeTimesteps(const GmmBenchmark& train, const GmmSampler& sampler, int steps,
                                       int max_passes, double clip_distance) {
  if (sampler.stochastic)
    throw Error("schedule optimisation needs a deterministic sampler, got " + sampler.label);
  auto s = MakeScheduler(sampler.scheduler, sampler.overrides);
  s->SetTimesteps(steps);
  ScheduleSearchResult r;
  r.timesteps = s->timesteps();
  const bool euler_family = sampler.scheduler == "euler" || sampler.scheduler == "heun";
  auto error = [&](const std::vector<double>& ts) {
    TimestepRequest req;
    req.timesteps = ts;
    ++r.evaluations;
    const std::vector<float> x = train.Sample(sampler, req);
    const std::vector<double>& ref = train.Reference(euler_family);
    double acc = 0;
    for (int i = 0; i < train.num_samples(); ++i) {
      double d2 = (x[2 * i] - ref[2 * i]) * (x[2 * i] - ref[2 * i]) +
                  (x[2 * i + 1] - ref[2 * i + 1]) * (x[2 * i + 1] - ref[2 * i + 1]);
      if (clip_distance > 0) d2 = std::min(d2, clip_distance * clip_distance);
      acc += d2;
    }
    const double e = std::sqrt(acc / train.num_samples());
    return std::isfinite(e) ? e : 1e300;
  };
  double best = error(r.timesteps);
  r.initial_error = best;
  for (int pass = 0; pass < max_passes; ++pass) {
    bool improved = false;
    for (int delta = 128; delta >= 1; delta /= 2) {
      for (size_t i = 0; i < r.timesteps.size(); ++i) {
        for (int dir : {-1, 1}) {
          std::vector<double> cand = r.timesteps;
          cand[i] += dir * delta;
          const double hi = i == 0 ? 999 : cand[i - 1] - 1;
          const double lo = i + 1 == cand.size() ? 0 : cand[i + 1] + 1;
          if (cand[i] > hi || cand[i] < lo) continue;
          const double e = error(cand);
          if (e < best) {
            best = e;
            r.timesteps = cand;
            improved = true;
          }
        }
      }
    }
    if (!improved) break;
  }
  r.final_error = best;
  return r;
}

}  // namespace schedkit::diffusion
