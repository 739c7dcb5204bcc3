// How noisy is the sliced-W2 floor of the Gaussian-mixture benchmark? Computes the SW2 of the exact ODE
// samples (the benchmark's 2,000 reference endpoints) against freshly drawn true samples, for three benchmark
// seeds and two sizes of the true set, with two estimators: sqrt(mean over directions of the mean squared
// quantile gap) (the library's SlicedW2) and the mean over directions of the per-direction W2. The anchor
// table's floor is 0.0376. Usage: bench_sw2_floor
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "schedkit/diffusion/gmm_benchmark.h"

namespace {

// Linear-interpolation quantile of sorted values (numpy's default).
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

int main() {
  using schedkit::diffusion::GmmBenchmark;
  const double kW[4] = {0.3, 0.3, 0.2, 0.2};
  const double kMu[4][2] = {{-2, 0}, {2, 0}, {0, 2.5}, {0, -1.5}};
  const double kS[4] = {0.3, 0.5, 0.2, 0.4};
  constexpr int kDirections = 128, kQuantiles = 1000, kSamples = 2000;
  fmt::print("{:>4} {:>8} {:>12} {:>12} {:>16}\n", "seed", "n_true", "sqrt(mean)", "mean(sqrt)",
             "library SW2");
  for (uint64_t seed : {0, 1, 2}) {
    const GmmBenchmark bench(kSamples, 20000, seed, 1000);
    const std::vector<double>& ref = bench.Reference(false);
    const std::vector<float> ref_f(ref.begin(), ref.end());
    std::mt19937_64 rng(seed + 100);  // a true set independent of the benchmark's own
    std::normal_distribution<double> normal(0, 1);
    std::uniform_real_distribution<double> uniform(0, 1);
    for (int n_true : {20000, 200000}) {
      std::vector<double> truth(2 * static_cast<size_t>(n_true));
      for (int i = 0; i < n_true; ++i) {
        const double u = uniform(rng);
        int k = 0;
        double acc = kW[0];
        while (u >= acc && k < 3) acc += kW[++k];
        truth[2 * i] = kMu[k][0] + kS[k] * normal(rng);
        truth[2 * i + 1] = kMu[k][1] + kS[k] * normal(rng);
      }
      double sum_sq = 0, sum_w2 = 0;
      std::vector<double> p(kSamples), q(static_cast<size_t>(n_true));
      for (int d = 0; d < kDirections; ++d) {
        double a = normal(rng), b = normal(rng);
        const double norm = std::hypot(a, b);
        a /= norm;
        b /= norm;
        for (int i = 0; i < kSamples; ++i) p[i] = ref[2 * i] * a + ref[2 * i + 1] * b;
        for (int i = 0; i < n_true; ++i) q[i] = truth[2 * i] * a + truth[2 * i + 1] * b;
        std::sort(p.begin(), p.end());
        std::sort(q.begin(), q.end());
        double s = 0;
        for (int j = 0; j < kQuantiles; ++j) {
          const double level = 0.0005 + j * (0.999 / (kQuantiles - 1));
          const double gap = Quantile(p, level) - Quantile(q, level);
          s += gap * gap;
        }
        s /= kQuantiles;
        sum_sq += s;
        sum_w2 += std::sqrt(s);
      }
      fmt::print("{:>4} {:>8} {:>12.4f} {:>12.4f} {:>16.4f}\n", seed, n_true, std::sqrt(sum_sq / kDirections),
                 sum_w2 / kDirections, bench.SlicedW2(ref_f));
    }
  }
  return 0;
}
