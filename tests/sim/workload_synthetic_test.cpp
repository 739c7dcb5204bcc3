// Synthetic workloads: determinism, empirical rates and length moments against their closed forms (tolerances
// of about 4-5 standard errors, with fixed seeds), Gamma's coefficient of variation, Zipf's pmf, max_tokens,
// and the errors for bad options.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using Kind = LengthDistribution::Kind;
using Arrivals = SyntheticOptions::Arrivals;

std::vector<serve::RequestSpec> Generate(const SyntheticOptions& options) {
  auto source = MakeSyntheticSource(options);
  std::vector<serve::RequestSpec> out;
  while (auto request = source->Next()) out.push_back(std::move(*request));
  return out;
}

LengthDistribution Fixed(double value) {
  LengthDistribution d;
  d.kind = Kind::kFixed;
  d.a = value;
  return d;
}

LengthDistribution Lognormal(double median, double sigma) {
  LengthDistribution d;
  d.kind = Kind::kLognormal;
  d.a = median;
  d.b = sigma;
  return d;
}

struct GapStats {
  double mean = 0, cv = 0;
};

GapStats Gaps(const std::vector<serve::RequestSpec>& requests) {
  double sum = 0, sum_sq = 0, previous = 0;
  for (const auto& r : requests) {
    const double gap = r.arrival_time - previous;
    previous = r.arrival_time;
    sum += gap;
    sum_sq += gap * gap;
  }
  const double n = static_cast<double>(requests.size());
  const double mean = sum / n;
  return {mean, std::sqrt(sum_sq / n - mean * mean) / mean};
}

SyntheticOptions Base(int64_t n, uint64_t seed) {
  SyntheticOptions options;
  options.num_requests = n;
  options.seed = seed;
  options.prompt = Lognormal(1020, 0.9);  // about the conv trace's prompt median
  options.output = Lognormal(129, 1.0);
  return options;
}

TEST(WorkloadSynthetic, SameSeedSameRequestsDifferentSeedDifferent) {
  const auto a = Generate(Base(2000, 7));
  const auto b = Generate(Base(2000, 7));
  const auto c = Generate(Base(2000, 8));
  ASSERT_EQ(a.size(), 2000u);
  ASSERT_EQ(b.size(), 2000u);
  int differing = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].id, static_cast<serve::RequestId>(i));
    // Bit-identical, not just close.
    ASSERT_EQ(std::memcmp(&a[i].arrival_time, &b[i].arrival_time, sizeof(double)), 0) << i;
    ASSERT_EQ(a[i].prompt_tokens, b[i].prompt_tokens) << i;
    ASSERT_EQ(a[i].output_tokens, b[i].output_tokens) << i;
    differing += a[i].arrival_time != c[i].arrival_time;
  }
  EXPECT_GT(differing, 1990);
}

TEST(WorkloadSynthetic, StreamsAreIndependent) {
  // Changing the arrival process must not change the lengths drawn for the same seed.
  SyntheticOptions poisson = Base(500, 3);
  SyntheticOptions gamma = poisson;
  gamma.arrivals = Arrivals::kGamma;
  const auto a = Generate(poisson);
  const auto b = Generate(gamma);
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].prompt_tokens, b[i].prompt_tokens);
    ASSERT_EQ(a[i].output_tokens, b[i].output_tokens);
  }
}

TEST(WorkloadSynthetic, PoissonRateAndExponentialGaps) {
  SyntheticOptions options = Base(200000, 11);
  options.rate = 5.0;
  const auto requests = Generate(options);
  const GapStats gaps = Gaps(requests);
  // Mean gap 0.2 s with relative standard error 1/sqrt(n) = 0.22%; exponential gaps have cv 1.
  EXPECT_NEAR(gaps.mean, 0.2, 0.2 * 0.01);
  EXPECT_NEAR(gaps.cv, 1.0, 0.015);
  EXPECT_NEAR(static_cast<double>(requests.size()) / requests.back().arrival_time, 5.0, 0.05);
  EXPECT_GT(requests.front().arrival_time, 0.0);  // the first request arrives after one gap, as in Vidur
}

TEST(WorkloadSynthetic, GammaCoefficientOfVariationIsMeasured) {
  for (const double cv : {0.5, 2.0, 4.0}) {
    SyntheticOptions options = Base(200000, 5);
    options.arrivals = Arrivals::kGamma;
    options.gamma_cv = cv;
    options.rate = 2.0;
    const GapStats gaps = Gaps(Generate(options));
    EXPECT_NEAR(gaps.mean, 0.5, 0.5 * (cv <= 2.0 ? 0.015 : 0.03)) << "cv " << cv;
    EXPECT_NEAR(gaps.cv, cv, cv * (cv <= 2.0 ? 0.03 : 0.08)) << "cv " << cv;
  }
}

TEST(WorkloadSynthetic, StaticArrivalsAreEvenlySpaced) {
  SyntheticOptions options = Base(1000, 1);
  options.arrivals = Arrivals::kStatic;
  options.rate = 4.0;
  const auto requests = Generate(options);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_NEAR(requests[i].arrival_time, 0.25 * static_cast<double>(i + 1), 1e-9);
  }
}

TEST(WorkloadSynthetic, LognormalLengthMoments) {
  SyntheticOptions options = Base(100000, 21);
  options.prompt = Lognormal(1000, 0.8);
  const auto requests = Generate(options);
  double log_sum = 0, log_sq = 0, sum = 0;
  for (const auto& r : requests) {
    const double x = std::log(static_cast<double>(r.prompt_tokens));
    log_sum += x;
    log_sq += x * x;
    sum += r.prompt_tokens;
  }
  const double n = static_cast<double>(requests.size());
  const double mu = log_sum / n;
  const double sigma = std::sqrt(log_sq / n - mu * mu);
  // log(length) ~ N(log 1000, 0.8): standard errors 0.0025 (mu) and 0.0018 (sigma).
  EXPECT_NEAR(mu, std::log(1000.0), 0.012);
  EXPECT_NEAR(sigma, 0.8, 0.01);
  // Mean = median * exp(sigma^2 / 2) = 1377.13, standard error about 0.3%.
  EXPECT_NEAR(sum / n, 1000.0 * std::exp(0.32), 1377.13 * 0.015);
}

TEST(WorkloadSynthetic, FixedAndUniformLengths) {
  SyntheticOptions options = Base(110000, 4);
  options.prompt = Fixed(512);
  options.output.kind = Kind::kUniform;
  options.output.a = 10;
  options.output.b = 20;
  std::map<int32_t, int> counts;
  for (const auto& r : Generate(options)) {
    ASSERT_EQ(r.prompt_tokens, 512);
    ++counts[r.output_tokens];
  }
  ASSERT_EQ(counts.size(), 11u);  // every integer in [10, 20], nothing else
  EXPECT_EQ(counts.begin()->first, 10);
  EXPECT_EQ(counts.rbegin()->first, 20);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count, 10000, 450) << value;  // sd 95
}

TEST(WorkloadSynthetic, ZipfMatchesItsPmf) {
  for (const double theta : {0.5, 1.0, 2.0}) {
    const int n = 10;
    SyntheticOptions options = Base(100000, 9);
    options.output.kind = Kind::kZipf;
    options.output.a = theta;
    options.output.b = n;
    std::vector<int> counts(n + 1, 0);
    for (const auto& r : Generate(options)) {
      ASSERT_GE(r.output_tokens, 1);
      ASSERT_LE(r.output_tokens, n);
      ++counts[static_cast<size_t>(r.output_tokens)];
    }
    double norm = 0;
    for (int k = 1; k <= n; ++k) norm += std::pow(k, -theta);
    for (int k = 1; k <= n; ++k) {
      const double p = std::pow(k, -theta) / norm;
      const double standard_error = std::sqrt(p * (1 - p) / 1e5);
      EXPECT_NEAR(counts[static_cast<size_t>(k)] / 1e5, p, 5 * standard_error)
          << "theta " << theta << " k " << k;
    }
  }
}

TEST(WorkloadSynthetic, ZipfOverALargeRangeNeedsNoTable) {
  SyntheticOptions options = Base(20000, 2);
  options.prompt.kind = Kind::kZipf;
  options.prompt.a = 1.2;
  options.prompt.b = 2e9;  // far too many values for a cumulative table
  int ones = 0;
  for (const auto& r : Generate(options)) {
    ASSERT_GE(r.prompt_tokens, 1);
    ones += r.prompt_tokens == 1;
  }
  // P(1) = 1 / sum_{k <= 2e9} k^-1.2 = 1 / (zeta(1.2) - tail) = 1 / (5.59158 - 0.06898) = 0.18107, the tail
  // being about (2e9)^-0.2 / 0.2; standard error 0.0027 for 20,000 draws.
  EXPECT_NEAR(ones / 2e4, 0.18107, 0.011);
}

TEST(WorkloadSynthetic, ClipRangeApplies) {
  SyntheticOptions options = Base(20000, 6);
  options.prompt = Lognormal(1000, 2.0);
  options.prompt.min = 50;
  options.prompt.max = 3000;
  int at_min = 0, at_max = 0;
  for (const auto& r : Generate(options)) {
    ASSERT_GE(r.prompt_tokens, 50);
    ASSERT_LE(r.prompt_tokens, 3000);
    at_min += r.prompt_tokens == 50;
    at_max += r.prompt_tokens == 3000;
  }
  EXPECT_GT(at_min, 0);
  EXPECT_GT(at_max, 0);
}

TEST(WorkloadSynthetic, MaxTokensTruncatesPromptsAndCapsOutputs) {
  SyntheticOptions options = Base(20000, 13);
  options.prompt = Lognormal(3000, 1.0);
  options.output = Lognormal(500, 2.0);
  options.max_tokens = 4096;
  int truncated = 0;
  for (const auto& r : Generate(options)) {
    ASSERT_GE(r.prompt_tokens, 1);
    ASSERT_LE(r.output_tokens, 4095);
    ASSERT_LE(r.prompt_tokens + r.output_tokens, 4096);
    truncated += r.prompt_tokens + r.output_tokens == 4096;
  }
  EXPECT_GT(truncated, 1000);
}

TEST(WorkloadSynthetic, TraceLengthsAreResampledAsPairs) {
  SyntheticOptions options = Base(30000, 17);
  options.prompt.kind = Kind::kTrace;
  options.output.kind = Kind::kTrace;
  options.trace_lengths = {{100, 1}, {200, 2}, {300, 3}};
  std::map<int32_t, int> counts;
  for (const auto& r : Generate(options)) {
    ASSERT_EQ(r.output_tokens * 100, r.prompt_tokens);  // pairs stay together
    ++counts[r.output_tokens];
  }
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count, 10000, 400) << value;  // sd 82
}

TEST(WorkloadSynthetic, FitLognormalHandComputedAndRecovered) {
  // Lengths 1 and 100: mean log ln 10, deviations +-ln 10.
  const LengthDistribution two = FitLognormal({1, 100});
  EXPECT_DOUBLE_EQ(two.a, 10.0);                   // exp((0 + ln 100) / 2)
  EXPECT_NEAR(two.b, std::log(100.0) / 2, 1e-12);  // deviations +-ln 10
  EXPECT_EQ(two.kind, Kind::kLognormal);

  SyntheticOptions options = Base(100000, 31);
  options.prompt = Lognormal(760, 0.985);
  std::vector<int32_t> prompts;
  for (const auto& r : Generate(options)) prompts.push_back(r.prompt_tokens);
  const LengthDistribution fit = FitLognormal(prompts);
  EXPECT_NEAR(std::log(fit.a), std::log(760.0), 0.012);  // standard error 0.003
  EXPECT_NEAR(fit.b, 0.985, 0.012);

  EXPECT_THROW(FitLognormal({}), Error);
  try {
    FitLognormal({5, 0});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "FitLognormal: length 0 at index 1 is < 1");
  }
}

std::string OptionError(const SyntheticOptions& options) {
  try {
    MakeSyntheticSource(options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WorkloadSyntheticErrors, EachBadOptionIsNamed) {
  SyntheticOptions o = Base(10, 0);
  o.rate = 0;
  EXPECT_EQ(OptionError(o),
            "synthetic workload option rate: 0 must be a finite number of requests per second > 0");
  o = Base(10, 0);
  o.rate = -2;
  EXPECT_EQ(OptionError(o),
            "synthetic workload option rate: -2 must be a finite number of requests per second > 0");
  o = Base(0, 0);
  EXPECT_EQ(OptionError(o), "synthetic workload option num_requests: 0 must be > 0");
  o = Base(10, 0);
  o.arrivals = Arrivals::kGamma;
  o.gamma_cv = 0;
  EXPECT_EQ(OptionError(o), "synthetic workload option gamma_cv: 0 must be > 0");
  o = Base(10, 0);
  o.prompt = Lognormal(0, 1);
  EXPECT_EQ(OptionError(o), "synthetic workload option prompt.a: lognormal median 0 must be > 0");
  o = Base(10, 0);
  o.output = Lognormal(10, -1);
  EXPECT_EQ(OptionError(o), "synthetic workload option output.b: lognormal sigma -1 must be >= 0");
  o = Base(10, 0);
  o.output.kind = Kind::kZipf;
  o.output.a = 0;
  o.output.b = 100;
  EXPECT_EQ(OptionError(o), "synthetic workload option output.a: Zipf theta 0 must be > 0");
  o = Base(10, 0);
  o.prompt.kind = Kind::kUniform;
  o.prompt.a = 20;
  o.prompt.b = 10;
  EXPECT_EQ(
      OptionError(o),
      "synthetic workload option prompt.a/b: uniform range [20, 10] must satisfy 0 <= a <= b <= 2147483647");
  o.prompt.a = 1;
  o.prompt.b = 1e300;
  EXPECT_EQ(OptionError(o),
            "synthetic workload option prompt.a/b: uniform range [1, 1e+300] must satisfy 0 <= a <= b <= "
            "2147483647");
  o = Base(10, 0);
  o.output.kind = Kind::kZipf;
  o.output.a = 1;
  o.output.b = 0;
  EXPECT_EQ(OptionError(o),
            "synthetic workload option output.b: Zipf range [1, 0] needs 1 <= b <= 2147483647");
  o = Base(10, 0);
  o.prompt = Fixed(0);
  EXPECT_EQ(OptionError(o), "synthetic workload option prompt.a: fixed length 0 must be >= 1");
  o = Base(10, 0);
  o.prompt.min = 0;
  EXPECT_EQ(OptionError(o),
            "synthetic workload option prompt.min: 0 must be >= 1 (every request has at least 1 token)");
  o = Base(10, 0);
  o.output.min = 10;
  o.output.max = 5;
  EXPECT_EQ(OptionError(o), "synthetic workload option output.max: 5 must be >= min = 10 (or 0)");
  o = Base(10, 0);
  o.output.kind = Kind::kTrace;
  EXPECT_EQ(OptionError(o),
            "synthetic workload option trace_lengths: empty, but output lengths come from a trace");
  o = Base(10, 0);
  o.max_tokens = 1;
  EXPECT_EQ(OptionError(o),
            "synthetic workload option max_tokens: 1 leaves no room for a prompt and an output token");
}

}  // namespace
}  // namespace schedkit::sim
