// Rankers behind the LTR policy: Kendall tau against hand-computed values, the noisy oracle reaching its
// target tau, and the online learned ranker learning a length relation from finished requests.
#include "schedkit/serve/ranker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::serve {
namespace {

TEST(Ranker, KendallTauMatchesHandComputedValues) {
  // 5 concordant, 1 discordant pair of 6: (5 - 1) / 6.
  EXPECT_NEAR(KendallTau({1, 2, 3, 4}, {1, 3, 2, 4}), 4.0 / 6.0, 1e-12);
  // tau-b with one tie in x: C = 2, D = 0, n0 = 3, n1 = 1: 2 / sqrt(2 x 3) (scipy.stats.kendalltau: 0.8165).
  EXPECT_NEAR(KendallTau({1, 1, 2}, {1, 2, 3}), 2.0 / std::sqrt(6.0), 1e-12);
  EXPECT_NEAR(KendallTau({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
}

std::vector<RequestSpec> LognormalRequests(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> len(5.0, 1.0);
  std::vector<RequestSpec> v;
  for (int i = 0; i < n; ++i) {
    RequestSpec s;
    s.id = i;
    s.prompt_tokens = 1 + static_cast<int32_t>(len(rng));
    s.output_tokens = 1 + static_cast<int32_t>(len(rng));
    v.push_back(s);
  }
  return v;
}

double TauOf(OutputRanker& ranker, const std::vector<RequestSpec>& reqs) {
  std::vector<double> score, neg_len;
  for (const auto& r : reqs) {
    score.push_back(ranker.Score(r));
    neg_len.push_back(-r.output_tokens);
  }
  return KendallTau(score, neg_len);
}

TEST(Ranker, NoisyOracleReachesItsTargetTau) {
  const auto reqs = LognormalRequests(4000, 3);
  for (double target : {1.0, 0.8, 0.5, 0.0, -0.5}) {
    RankerOptions o;
    o.kind = "noisy";
    o.tau = target;
    o.seed = 7;
    auto ranker = MakeRanker(o);
    EXPECT_NEAR(TauOf(*ranker, reqs), target, 0.05) << "target " << target;
  }
  RankerOptions oracle;
  EXPECT_NEAR(TauOf(*MakeRanker(oracle), reqs), 1.0, 1e-12);
}

TEST(Ranker, LearnedRankerLearnsFromFinishedRequests) {
  // Output grows with the prompt (plus noise): a ranker on the prompt length can reach a high tau.
  std::mt19937_64 rng(5);
  std::vector<RequestSpec> reqs;
  for (int i = 0; i < 3000; ++i) {
    RequestSpec s;
    s.id = i;
    s.prompt_tokens = 1 + static_cast<int32_t>(rng() % 2000);
    s.output_tokens = s.prompt_tokens / 2 + 1 + static_cast<int32_t>(rng() % 50);
    reqs.push_back(s);
  }
  RankerOptions o;
  o.kind = "learned";
  auto ranker = MakeRanker(o);
  const std::vector<RequestSpec> head(reqs.begin(), reqs.begin() + 500);
  const double before = TauOf(*ranker, head);  // untrained: all scores 0
  for (const auto& r : reqs) ranker->Observe(r, r.output_tokens);
  const double after = TauOf(*ranker, head);
  EXPECT_NEAR(before, 0.0, 1e-12);
  EXPECT_GT(after, 0.8);
}

TEST(Ranker, BadOptionsAreNamed) {
  RankerOptions o;
  o.kind = "noisy";
  o.tau = 1.5;
  try {
    MakeRanker(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tau=1.5"), std::string::npos) << e.what();
  }
  o.kind = "bert";
  try {
    MakeRanker(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("oracle, noisy, learned"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace schedkit::serve
