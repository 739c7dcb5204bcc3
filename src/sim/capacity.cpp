#include "schedkit/sim/capacity.h"

#include <fmt/core.h>

#include <cmath>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

// Poisson arrivals over fixed lengths; the gaps come from raw 64-bit draws so the same seed gives the same
// arrivals with every standard library.
class PoissonOverLengths : public RequestSource {
 public:
  PoissonOverLengths(const std::vector<std::pair<int32_t, int32_t>>& lengths, double rate, uint64_t seed)
      : lengths_(lengths), rate_(rate), rng_(seed) {}
  std::optional<serve::RequestSpec> Next() override {
    if (i_ == lengths_.size()) return std::nullopt;
    const double u = (static_cast<double>(rng_() >> 11) + 0.5) * 0x1.0p-53;  // in (0, 1)
    t_ += -std::log(u) / rate_;
    serve::RequestSpec s;
    s.id = static_cast<serve::RequestId>(i_);
    s.arrival_time = t_;
    s.prompt_tokens = lengths_[i_].first;
    s.output_tokens = lengths_[i_].second;
    ++i_;
    return s;
  }

 private:
  const std::vector<std::pair<int32_t, int32_t>>& lengths_;
  double rate_;
  std::mt19937_64 rng_;
  size_t i_ = 0;
  double t_ = 0;
};

}  // namespace

std::string ViolatedSlo(const Summary& s, const CapacitySlo& slo) {
  if (s.num_rejected > 0) return fmt::format("{} requests rejected", s.num_rejected);
  if (slo.ttft_p90 > 0 && s.ttft.p90 > slo.ttft_p90) {
    return fmt::format("P90 TTFT {:.3f} s > {:.3f} s", s.ttft.p90, slo.ttft_p90);
  }
  if (slo.tbt_p99 > 0 && s.tbt_per_token.p99 > slo.tbt_p99) {
    return fmt::format("P99 TBT {:.1f} ms > {:.1f} ms", 1e3 * s.tbt_per_token.p99, 1e3 * slo.tbt_p99);
  }
  if (slo.delay_p99 > 0 && s.scheduling_delay.p99 > slo.delay_p99) {
    return fmt::format("P99 scheduling delay {:.3f} s > {:.3f} s", s.scheduling_delay.p99, slo.delay_p99);
  }
  return "";
}

CapacityResult SearchCapacity(const SimulationConfig& config,
                              const std::vector<std::pair<int32_t, int32_t>>& lengths,
                              const ExecutionTimeModel& model, const CapacityOptions& options,
                              const std::function<void(const CapacityRun&)>& on_run) {
  if (lengths.empty()) throw Error("capacity: the workload has no requests");
  if (!(options.start_rate > 0))
    throw Error(fmt::format("capacity start_rate must be > 0, got {}", options.start_rate));
  if (!(options.tolerance > 0 && options.tolerance < 1)) {
    throw Error(fmt::format("capacity tolerance must be in (0, 1), got {}", options.tolerance));
  }
  SimulationConfig run_config = config;
  run_config.keep_records = false;
  run_config.keep_timeline = false;
  CapacityResult result;
  auto run = [&](double rate) {
    PoissonOverLengths source(lengths, rate, options.seed);
    CapacityRun r;
    r.rate = rate;
    r.summary = Simulate(run_config, source, model).summary;
    r.summary.label = fmt::format("{:.4g} req/s", rate);
    r.violated = ViolatedSlo(r.summary, options.slo);
    r.ok = r.violated.empty();
    result.runs.push_back(r);
    if (on_run) on_run(r);
    return r.ok;
  };
  double lo = 0, hi = 0;
  double rate = options.start_rate;
  if (run(rate)) {  // double until a rate fails
    lo = rate;
    while (hi == 0) {
      rate *= 2;
      if (rate > options.max_rate) break;
      if (run(rate)) {
        lo = rate;
      } else {
        hi = rate;
      }
    }
    if (hi == 0) {
      result.capacity = lo;
      result.bound_by =
          fmt::format("no SLO violated up to the highest rate tried (max_rate {})", options.max_rate);
      return result;
    }
  } else {  // halve until a rate passes
    hi = rate;
    while (lo == 0) {
      rate /= 2;
      if (rate < options.start_rate * 1e-4) break;
      if (run(rate)) {
        lo = rate;
      } else {
        hi = rate;
      }
    }
    if (lo == 0) {
      result.bound_by = result.runs.back().violated;
      return result;
    }
  }
  while ((hi - lo) / hi > options.tolerance) {
    const double mid = 0.5 * (lo + hi);
    if (run(mid)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  result.capacity = lo;
  for (const CapacityRun& r : result.runs) {
    if (r.rate == hi) result.bound_by = r.violated;
    if (!r.ok && r.rate > lo && (result.failed_above == 0 || r.rate < result.failed_above)) {
      result.failed_above = r.rate;
    }
  }
  return result;
}

}  // namespace schedkit::sim
