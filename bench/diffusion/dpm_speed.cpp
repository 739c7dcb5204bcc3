// Speed: a full 50-step DPM++ 2M trajectory on a 4x64x64 latent with a trivial model, against the memory
// bandwidth floor of the buffer passes the scheduler makes. Bandwidth is measured in the same process with a
// triad loop over buffers of the same size (cache-resident, like the scheduler's) and of 256 MiB (DRAM).
// Prints medians over repetitions; only step() is timed (the model is the caller's cost).
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "schedkit/diffusion/scheduler.h"

using namespace schedkit::diffusion;
using Clock = std::chrono::steady_clock;

namespace {
double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Triad a = b + s*c: 2 reads + 1 write per element; returns bytes/second (median of `reps`).
double TriadBandwidth(size_t n, int reps) {
  std::vector<float> a(n), b(n, 1.0f), c(n, 2.0f);
  std::vector<double> rates;
  const int inner = std::max<int>(1, static_cast<int>((1u << 24) / n));
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    for (int k = 0; k < inner; ++k) {
      const float s = 0.5f + static_cast<float>(k & 1);
      for (size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
      asm volatile("" : : "r"(a.data()) : "memory");
    }
    const double sec = std::chrono::duration<double>(Clock::now() - t0).count();
    rates.push_back(3.0 * sizeof(float) * n * inner / sec);
  }
  return Median(rates);
}
}  // namespace

int main() {
  const std::vector<int64_t> shape = {1, 4, 64, 64};
  const size_t n = 4 * 64 * 64;
  auto s = MakeScheduler("dpmsolver_multistep",
                         {"beta_schedule=scaled_linear", "beta_start=0.00085", "beta_end=0.012"});
  std::vector<float> x(n), out(n);
  std::vector<double> times;
  for (int rep = 0; rep < 201; ++rep) {
    s->SetTimesteps(50);
    for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>((i % 97) * 0.01 - 0.5);
    double step_sec = 0;
    for (double t : s->timesteps()) {
      for (size_t i = 0; i < n; ++i) out[i] = 0.1f * x[i];  // trivial model (not timed)
      const auto t0 = Clock::now();
      s->Step({out, shape}, t, {x, shape});
      step_sec += std::chrono::duration<double>(Clock::now() - t0).count();
    }
    times.push_back(step_sec);
  }
  const double med = Median(times);
  // Buffer passes per step: NaN check reads the model output (1); the fused update reads model output, sample
  // and the previous data prediction (3) and writes the new data prediction and the sample (2). First step: 1
  // fewer read.
  const double passes_per_step = 6.0;
  const double bytes = 50 * passes_per_step * n * sizeof(float);
  const double bw_cache = TriadBandwidth(n, 31);
  const double bw_dram = TriadBandwidth(size_t{64} << 20, 5);
  fmt::print("DPM++ 2M, 50 steps, 4x64x64 float32 latent ({} elements)\n", n);
  fmt::print("median scheduler time per trajectory: {:.1f} us ({:.2f} us/step) over {} repetitions\n",
             med * 1e6, med * 1e6 / 50, times.size());
  fmt::print(
      "buffer passes per step: {:.0f} (64 KiB each) -> {:.2f} MB per trajectory, achieved {:.1f} GB/s\n",
      passes_per_step, bytes / 1e6, bytes / med / 1e9);
  fmt::print(
      "triad bandwidth, same working-set size (cache): {:.1f} GB/s -> floor {:.1f} us, ratio {:.2f}x\n",
      bw_cache / 1e9, bytes / bw_cache * 1e6, med / (bytes / bw_cache));
  fmt::print("triad bandwidth, 768 MiB working set (DRAM): {:.1f} GB/s -> floor {:.1f} us, ratio {:.2f}x\n",
             bw_dram / 1e9, bytes / bw_dram * 1e6, med / (bytes / bw_dram));
  return 0;
}
