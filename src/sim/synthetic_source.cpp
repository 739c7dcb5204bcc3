// Synthetic workloads: Poisson / Gamma / static arrivals and fixed / uniform / Zipf / lognormal /
// trace-resampled lengths, generated one request at a time. Arrivals, prompts and outputs draw from three
// engines seeded from the one seed, so changing one distribution leaves the other streams unchanged.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"
#include "synthetic_random.h"

namespace schedkit::sim {
namespace {

using Kind = LengthDistribution::Kind;

[[noreturn]] void Fail(const std::string& option, const std::string& what) {
  throw Error(fmt::format("synthetic workload option {}: {}", option, what));
}

bool Finite(double x) { return std::isfinite(x); }

constexpr double kMaxLength = std::numeric_limits<int32_t>::max();

void ValidateLengths(const std::string& name, const LengthDistribution& d, const SyntheticOptions& options) {
  if (d.min < 1)
    Fail(name + ".min", fmt::format("{} must be >= 1 (every request has at least 1 token)", d.min));
  if (d.max != 0 && d.max < d.min)
    Fail(name + ".max", fmt::format("{} must be >= min = {} (or 0)", d.max, d.min));
  switch (d.kind) {
    case Kind::kFixed:
      if (!Finite(d.a) || d.a < 1) Fail(name + ".a", fmt::format("fixed length {} must be >= 1", d.a));
      break;
    case Kind::kUniform:
      if (!Finite(d.a) || !Finite(d.b) || d.a < 0 || d.b > kMaxLength ||
          std::llround(d.a) > std::llround(d.b)) {
        Fail(name + ".a/b",
             fmt::format("uniform range [{}, {}] must satisfy 0 <= a <= b <= {}", d.a, d.b, kMaxLength));
      }
      break;
    case Kind::kZipf:
      if (!Finite(d.a) || !(d.a > 0)) Fail(name + ".a", fmt::format("Zipf theta {} must be > 0", d.a));
      if (!Finite(d.b) || d.b < 1 || d.b > kMaxLength) {
        Fail(name + ".b", fmt::format("Zipf range [1, {}] needs 1 <= b <= {}", d.b, kMaxLength));
      }
      break;
    case Kind::kLognormal:
      if (!Finite(d.a) || !(d.a > 0)) Fail(name + ".a", fmt::format("lognormal median {} must be > 0", d.a));
      if (!Finite(d.b) || d.b < 0) Fail(name + ".b", fmt::format("lognormal sigma {} must be >= 0", d.b));
      break;
    case Kind::kTrace:
      if (options.trace_lengths.empty())
        Fail("trace_lengths", "empty, but " + name + " lengths come from a trace");
      break;
  }
}

void Validate(const SyntheticOptions& options) {
  if (!Finite(options.rate) || !(options.rate > 0)) {
    Fail("rate", fmt::format("{} must be a finite number of requests per second > 0", options.rate));
  }
  if (options.arrivals == SyntheticOptions::Arrivals::kGamma &&
      (!Finite(options.gamma_cv) || !(options.gamma_cv > 0))) {
    Fail("gamma_cv", fmt::format("{} must be > 0", options.gamma_cv));
  }
  if (options.num_requests <= 0) Fail("num_requests", fmt::format("{} must be > 0", options.num_requests));
  if (options.max_tokens < 0)
    Fail("max_tokens", fmt::format("{} must be >= 0 (0 = no limit)", options.max_tokens));
  if (options.max_tokens == 1) Fail("max_tokens", "1 leaves no room for a prompt and an output token");
  for (size_t i = 0; i < options.trace_lengths.size(); ++i) {
    const auto [prompt, output] = options.trace_lengths[i];
    if (prompt < 0 || output < 0) {
      Fail("trace_lengths", fmt::format("pair {} = ({}, {}) has a negative length", i, prompt, output));
    }
  }
  ValidateLengths("prompt", options.prompt, options);
  ValidateLengths("output", options.output, options);
}

class LengthSampler {
 public:
  LengthSampler(const LengthDistribution& d, const std::vector<std::pair<int32_t, int32_t>>& trace,
                bool take_prompt)
      : d_(d), trace_(trace), take_prompt_(take_prompt) {
    if (d.kind == Kind::kZipf) zipf_.emplace(d.a, static_cast<int64_t>(std::llround(d.b)));
    if (d.kind == Kind::kLognormal) log_median_ = std::log(d.a);
  }

  // Draws one length; `pair` is the trace row when prompt and output are resampled together.
  int32_t Sample(detail::Random& random, const std::pair<int32_t, int32_t>* pair) const {
    double value = 0;
    switch (d_.kind) {
      case Kind::kFixed:
        value = d_.a;
        break;
      case Kind::kUniform: {
        const int64_t lo = std::llround(d_.a);
        const int64_t hi = std::llround(d_.b);
        value =
            static_cast<double>(lo + static_cast<int64_t>(random.Below(static_cast<uint64_t>(hi - lo + 1))));
        break;
      }
      case Kind::kZipf:
        value = static_cast<double>(zipf_->Sample(random));
        break;
      case Kind::kLognormal:
        value = std::exp(log_median_ + d_.b * random.Normal());
        break;
      case Kind::kTrace: {
        const auto& row = pair != nullptr ? *pair : trace_[random.Below(trace_.size())];
        value = take_prompt_ ? row.first : row.second;
        break;
      }
    }
    const double upper = d_.max > 0 ? d_.max : std::numeric_limits<int32_t>::max();
    const double rounded = std::round(std::min(value, upper));
    return static_cast<int32_t>(std::clamp(rounded, static_cast<double>(d_.min), upper));
  }

 private:
  LengthDistribution d_;
  const std::vector<std::pair<int32_t, int32_t>>& trace_;
  bool take_prompt_;
  std::optional<detail::ZipfSampler> zipf_;
  double log_median_ = 0;
};

class SyntheticSource final : public RequestSource {
 public:
  explicit SyntheticSource(const SyntheticOptions& options)
      : options_(options),
        arrival_random_(detail::MixSeed(options.seed, 0)),
        prompt_random_(detail::MixSeed(options.seed, 1)),
        output_random_(detail::MixSeed(options.seed, 2)),
        prompt_(options_.prompt, options_.trace_lengths, true),
        output_(options_.output, options_.trace_lengths, false) {
    const double cv = options_.gamma_cv;
    gamma_shape_ = 1.0 / (cv * cv);
    gamma_scale_ = 1.0 / (options_.rate * gamma_shape_);  // mean gap = shape * scale = 1 / rate
  }

  std::optional<serve::RequestSpec> Next() override {
    if (next_id_ >= options_.num_requests) return std::nullopt;
    clock_ += NextGap();
    serve::RequestSpec spec;
    spec.id = next_id_++;
    spec.arrival_time = clock_;
    const bool paired = options_.prompt.kind == Kind::kTrace && options_.output.kind == Kind::kTrace;
    const std::pair<int32_t, int32_t>* pair =
        paired ? &options_.trace_lengths[prompt_random_.Below(options_.trace_lengths.size())] : nullptr;
    int32_t prompt = prompt_.Sample(prompt_random_, pair);
    int32_t output = output_.Sample(output_random_, pair);
    if (options_.max_tokens > 0) {
      // Keep at least one prompt token: the output is capped first, then Vidur's prompt truncation applies.
      output = std::min(output, options_.max_tokens - 1);
      TruncateToMaxTokens(options_.max_tokens, prompt, output);
    }
    spec.prompt_tokens = prompt;
    spec.output_tokens = output;
    return spec;
  }

 private:
  double NextGap() {
    switch (options_.arrivals) {
      case SyntheticOptions::Arrivals::kPoisson:
        return arrival_random_.Exponential() / options_.rate;
      case SyntheticOptions::Arrivals::kGamma:
        return arrival_random_.Gamma(gamma_shape_) * gamma_scale_;
      case SyntheticOptions::Arrivals::kStatic:
        return 1.0 / options_.rate;
    }
    return 0.0;
  }

  SyntheticOptions options_;
  detail::Random arrival_random_, prompt_random_, output_random_;
  LengthSampler prompt_, output_;
  double gamma_shape_ = 1.0, gamma_scale_ = 1.0;
  int64_t next_id_ = 0;
  double clock_ = 0.0;
};

}  // namespace

std::unique_ptr<RequestSource> MakeSyntheticSource(const SyntheticOptions& options) {
  Validate(options);
  return std::make_unique<SyntheticSource>(options);
}

}  // namespace schedkit::sim
