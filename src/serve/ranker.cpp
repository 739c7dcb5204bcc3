// The rankers behind OutputRanker:
// * oracle:  score = -ln(output tokens).
// * noisy:   score = -ln(L) + N(0, s^2), s from the target Kendall tau: for jointly normal (ln L, score),
//            tau = (2/pi) asin(rho) (Greiner's relation) and rho = sd / sqrt(sd^2 + s^2), so
//            s = sd * sqrt(1 / sin^2(pi tau / 2) - 1), with sd the standard deviation of ln L seen so far
//            (running estimate). A negative tau flips the sign; tau = 0 is pure noise. The tau reached on a
//            trace that is not lognormal differs a little: docs/policies.md reports the measured one.
// * learned: a linear model over trace features (ln prompt, its square and cube, client bucket, prefix-hash
//            bucket, whether the call has parents) trained online with the pairwise logistic (RankNet) loss
//            on pairs of recently finished requests.
#include "schedkit/serve/ranker.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <numbers>

#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// A standard normal drawn from (seed, id) alone, so a request's noise does not depend on arrival order.
double NormalFor(uint64_t seed, int64_t id) {
  const uint64_t a = SplitMix(seed * 0x100000001B3ULL ^ static_cast<uint64_t>(id));
  const uint64_t b = SplitMix(a);
  const double u1 = (static_cast<double>(a >> 11) + 0.5) / 9007199254740992.0;
  const double u2 = static_cast<double>(b >> 11) / 9007199254740992.0;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

class OracleRanker : public OutputRanker {
 public:
  std::string_view name() const override { return "oracle"; }
  double Score(const RequestSpec& spec) override { return -std::log(std::max(1, spec.output_tokens)); }
};

class NoisyRanker : public OutputRanker {
 public:
  NoisyRanker(double tau, uint64_t seed) : tau_(tau), seed_(seed) {}
  std::string_view name() const override { return "noisy"; }
  double Score(const RequestSpec& spec) override {
    const double x = std::log(std::max(1, spec.output_tokens));
    ++n_;  // Welford running variance of ln L
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
    const double sd = n_ > 1 ? std::sqrt(m2_ / static_cast<double>(n_ - 1)) : 1.0;
    const double noise = NormalFor(seed_, spec.id);
    if (tau_ == 0.0) return noise;
    const double s = std::abs(std::sin(std::numbers::pi * tau_ / 2.0));
    const double sigma = (sd > 0 ? sd : 1.0) * std::sqrt(std::max(0.0, 1.0 / (s * s) - 1.0));
    return (tau_ > 0 ? -x : x) + sigma * noise;
  }

 private:
  double tau_;
  uint64_t seed_;
  int64_t n_ = 0;
  double mean_ = 0, m2_ = 0;
};

class LearnedRanker : public OutputRanker {
 public:
  static constexpr int kBuckets = 8;
  static constexpr int kFeatures = 4 + 2 * kBuckets;
  using Features = std::array<double, kFeatures>;

  LearnedRanker(double lr, int32_t pairs, uint64_t seed) : lr_(lr), pairs_(pairs), rng_(seed) {}
  std::string_view name() const override { return "learned"; }
  double Score(const RequestSpec& spec) override { return Dot(Featurize(spec)); }

  void Observe(const RequestSpec& spec, int32_t output_tokens) override {
    recent_.emplace_back(Featurize(spec), output_tokens);
    if (recent_.size() > 1024) recent_.pop_front();
    if (recent_.size() < 2) return;
    for (int32_t k = 0; k < pairs_; ++k) {
      const auto& [xi, li] = recent_[Next() % recent_.size()];
      const auto& [xj, lj] = recent_.back();  // always learn from the newest against a random older one
      if (li == lj) continue;
      // RankNet: P(i shorter than j) = sigmoid(s_i - s_j); label y = 1 when i is shorter.
      const double y = li < lj ? 1.0 : 0.0;
      const double p = 1.0 / (1.0 + std::exp(-(Dot(xi) - Dot(xj))));
      const double g = p - y;  // d loss / d (s_i - s_j)
      for (int f = 0; f < kFeatures; ++f) w_[f] -= lr_ * g * (xi[f] - xj[f]);
    }
  }

 private:
  static Features Featurize(const RequestSpec& spec) {
    Features x{};
    const double lp = std::log1p(spec.prompt_tokens) / 8.0;  // about [0, 1.3]
    x[0] = lp;
    x[1] = lp * lp;
    x[2] = lp * lp * lp;
    x[3] = spec.parents.empty() ? 0.0 : 1.0;
    if (spec.client != kNoClient) x[4 + static_cast<uint32_t>(spec.client) % kBuckets] = 1.0;
    if (!spec.prefix_hashes.empty()) x[4 + kBuckets + spec.prefix_hashes.front() % kBuckets] = 1.0;
    return x;
  }
  double Dot(const Features& x) const {
    double s = 0;
    for (int f = 0; f < kFeatures; ++f) s += w_[f] * x[f];
    return s;
  }
  uint64_t Next() { return rng_ = SplitMix(rng_); }

  double lr_;
  int32_t pairs_;
  uint64_t rng_;
  Features w_{};
  std::deque<std::pair<Features, int32_t>> recent_;
};

// Number of pairs (i < j) with x or y tied in both, via sorting; helpers for tau-b.
int64_t TiedPairs(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  int64_t ties = 0;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j < v.size() && v[j] == v[i]) ++j;
    const auto k = static_cast<int64_t>(j - i);
    ties += k * (k - 1) / 2;
    i = j;
  }
  return ties;
}

// Counts inversions of v by merge sort.
int64_t Inversions(std::vector<double>& v, std::vector<double>& buf, size_t lo, size_t hi) {
  if (hi - lo < 2) return 0;
  const size_t mid = (lo + hi) / 2;
  int64_t inv = Inversions(v, buf, lo, mid) + Inversions(v, buf, mid, hi);
  size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    if (v[j] < v[i]) {
      inv += static_cast<int64_t>(mid - i);
      buf[k++] = v[j++];
    } else {
      buf[k++] = v[i++];
    }
  }
  while (i < mid) buf[k++] = v[i++];
  while (j < hi) buf[k++] = v[j++];
  std::copy(buf.begin() + static_cast<std::ptrdiff_t>(lo), buf.begin() + static_cast<std::ptrdiff_t>(hi),
            v.begin() + static_cast<std::ptrdiff_t>(lo));
  return inv;
}

}  // namespace

double KendallTau(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw Error("KendallTau: series of different lengths");
  const size_t n = x.size();
  if (n < 2) return 0.0;
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(),
            [&](size_t a, size_t b) { return x[a] != x[b] ? x[a] < x[b] : y[a] < y[b]; });
  // Pairs tied in both x and y.
  int64_t joint = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && x[idx[j]] == x[idx[i]] && y[idx[j]] == y[idx[i]]) ++j;
    const auto k = static_cast<int64_t>(j - i);
    joint += k * (k - 1) / 2;
    i = j;
  }
  std::vector<double> ys(n), buf(n);
  for (size_t i = 0; i < n; ++i) ys[i] = y[idx[i]];
  const int64_t tx = TiedPairs(x), ty = TiedPairs(y);
  const int64_t swaps = Inversions(ys, buf, 0, n);  // discordant pairs (x ties are sorted by y: no inversion)
  const int64_t total = static_cast<int64_t>(n) * static_cast<int64_t>(n - 1) / 2;
  const double concordant_minus_discordant = static_cast<double>(total - tx - ty + joint - 2 * swaps);
  const double denom = std::sqrt(static_cast<double>(total - tx) * static_cast<double>(total - ty));
  return denom > 0 ? concordant_minus_discordant / denom : 0.0;
}

std::unique_ptr<OutputRanker> MakeRanker(const RankerOptions& o) {
  if (o.kind == "oracle") return std::make_unique<OracleRanker>();
  if (o.kind == "noisy") {
    if (!(o.tau >= -1.0 && o.tau <= 1.0)) {
      throw Error(fmt::format("ranker: tau={} must be in [-1, 1]", o.tau));
    }
    return std::make_unique<NoisyRanker>(o.tau, o.seed);
  }
  if (o.kind == "learned") {
    if (!(o.learning_rate > 0)) throw Error("ranker: learning_rate must be positive");
    if (o.pairs_per_update < 1) throw Error("ranker: pairs_per_update must be at least 1");
    return std::make_unique<LearnedRanker>(o.learning_rate, o.pairs_per_update, o.seed);
  }
  throw Error(fmt::format("ranker: unknown kind '{}' (valid: oracle, noisy, learned)", o.kind));
}

}  // namespace schedkit::serve
