// SLAI's deadline-sized iterations: with an engine whose iteration time is exactly linear in the batch
// (0.1 s + 10 ms per prefill token + 20 ms per decode), once its online model has fitted, SLAI sizes each
// iteration to end before the earliest urgent TBT deadline, so a tight-SLO request keeps every deadline while
// a long prompt is chunked behind it; Sarathi with the same fixed budget misses them.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

constexpr double kFixed = 0.1, kPerPrefillToken = 0.01, kPerDecode = 0.02;
constexpr int32_t kBin = 4;

struct Batch {
  int32_t prefill = 0, decodes = 0;
  double Seconds() const { return kFixed + kPerPrefillToken * prefill + kPerDecode * decodes; }
};

Batch Shape(const SchedulerOutput& out) {
  Batch b;
  for (const auto& s : out.scheduled) (s.is_decode ? b.decodes : b.prefill) += s.is_decode ? 1 : s.num_tokens;
  return b;
}

SchedulerConfig Config() { return testing::Roomy(/*budget=*/64, /*max_seqs=*/16); }

// r1, r2 warm the model up (relaxed SLO); r3 adds a sample with prefill and decodes together; r0 (TBT 0.5 s)
// arrives at t = 2, then a 400-token prompt at t = 3.
std::vector<RequestSpec> Workload() {
  std::vector<RequestSpec> v = {testing::Spec(1, 0, 10, 40), testing::Spec(2, 0, 20, 40),
                                testing::Spec(3, 0.5, 5, 40), testing::Spec(0, 2, 6, 30),
                                testing::Spec(4, 3, 400, 2)};
  for (auto& s : v) s.tbt_slo = s.id == 0 ? 0.5 : 10.0;
  return v;
}

struct Outcome {
  std::map<RequestId, double> worst_gap;
  int sized_checks = 0;  // iterations where r0 ran while the long prompt still had tokens left over
  std::vector<int32_t> sized_tokens;  // their token counts
};

Outcome Drive(Scheduler& s, bool check_sizing) {
  std::vector<RequestSpec> specs = Workload();
  std::sort(specs.begin(), specs.end(), [](auto& a, auto& b) { return a.arrival_time < b.arrival_time; });
  Outcome run;
  std::map<RequestId, double> last;
  double now = 0;
  size_t next = 0;
  for (int it = 0; it < 1000 && (s.has_unfinished() || next < specs.size()); ++it) {
    while (next < specs.size() && specs[next].arrival_time <= now) s.AddRequest(specs[next++], now);
    if (!s.has_unfinished()) {
      now = specs[next].arrival_time;
      continue;
    }
    const SchedulerOutput& out = s.Schedule(now);
    const Batch b = Shape(out);
    const Request* r0 = nullptr;
    bool long_prompt_left = false;
    for (const auto& x : out.scheduled) {
      if (x.request->spec.id == 0 && x.is_decode) r0 = x.request;
      if (x.request->spec.id == 4 && !x.is_decode &&
          x.request->num_computed_tokens + x.num_tokens < x.request->spec.prompt_tokens) {
        long_prompt_left = true;
      }
    }
    if (r0 != nullptr && long_prompt_left) run.sized_tokens.push_back(b.prefill + b.decodes);
    if (check_sizing && r0 != nullptr && long_prompt_left) {
      // The budget B (all of it used: prefill is plentiful) is sized for its worst composition, every running
      // decode in it (a decode costs more than a prefill token here): that ends within r0's deadline, and B +
      // 1 tokens would not have.
      int32_t decodes = 0;
      for (const Request* r : s.running()) decodes += r->is_decoding();
      const int32_t budget = b.prefill + b.decodes;
      const auto worst = [&](int32_t n) { return Batch{n - decodes, decodes}.Seconds(); };
      const double slack = r0->last_token_time + 0.5 - now;
      EXPECT_LE(worst(budget), slack + 1e-9) << "iteration at t=" << now;
      // The model's range grows one bin per observed iteration: the first few sized iterations may be
      // shorter.
      if (run.sized_checks >= 4) {
        EXPECT_GT(worst(budget + 2 * kBin + 1), slack - 1e-9) << "iteration at t=" << now;
      }
      EXPECT_LE(b.Seconds(), slack + 1e-9) << "iteration at t=" << now;
      ++run.sized_checks;
    }
    now += b.Seconds();
    for (const TokenEvent& t : s.UpdateFromOutput(now).tokens) {
      const RequestId id = t.request->spec.id;
      if (!std::isnan(t.previous_token_time)) {
        run.worst_gap[id] = std::max(run.worst_gap[id], now - t.previous_token_time);
      }
    }
  }
  EXPECT_FALSE(s.has_unfinished());
  return run;
}

TEST(SlaiBudget, IterationsEndBeforeTheUrgentDeadlineOnceTheModelHasFitted) {
  Scheduler slai(Config(), MakePolicy("slai", {{"warmup", "3"}, {"safety", "0"}, {"bin", "4"}}));
  const Outcome run = Drive(slai, /*check_sizing=*/true);
  EXPECT_GT(run.sized_checks, 8);  // the 400-token prompt was chunked around r0 several times
  EXPECT_LE(run.worst_gap.at(0), 0.5 + 1e-9);
}

TEST(SlaiBudget, SarathiWithTheSameFixedBudgetMissesTheTightDeadline) {
  Scheduler sarathi(Config(), MakePolicy("sarathi"));
  const Outcome run = Drive(sarathi, /*check_sizing=*/false);
  // A 64-token chunk beside four decodes takes 0.1 + 0.6 + 0.08 s > 0.5 s.
  EXPECT_GT(run.worst_gap.at(0), 0.5);
}

TEST(SlaiBudget, TileRoundsTheSizedBudgetDown) {
  Scheduler slai(Config(),
                 MakePolicy("slai", {{"warmup", "3"}, {"safety", "0"}, {"bin", "4"}, {"tile", "8"}}));
  const Outcome run = Drive(slai, /*check_sizing=*/false);
  EXPECT_LE(run.worst_gap.at(0), 0.5 + 1e-9);
  ASSERT_FALSE(run.sized_tokens.empty());
  for (int32_t n : run.sized_tokens) EXPECT_EQ(n % 8, 0) << n;
}

TEST(SlaiBudget, RejectsBadOptions) {
  using testing::ErrorOf;
  EXPECT_NE(ErrorOf([] { MakePolicy("slai", {{"tile", "0"}}); }).find("tile=0"), std::string::npos);
  EXPECT_NE(ErrorOf([] { MakePolicy("slai", {{"forget", "1.5"}}); }).find("forget=1.5"), std::string::npos);
  EXPECT_NE(ErrorOf([] { MakePolicy("slai", {{"safety", "-1"}}); }).find("safety=-1"), std::string::npos);
  EXPECT_NE(ErrorOf([] { MakePolicy("slai", {{"warmup", "0"}}); }).find("warmup=0"), std::string::npos);
  EXPECT_NE(ErrorOf([] { MakePolicy("slai", {{"bin", "0"}}); }).find("bin=0"), std::string::npos);
  EXPECT_NE(ErrorOf([] { MakePolicy("slai", {{"spf", "maybe"}}); }).find("spf"), std::string::npos);
}

}  // namespace
}  // namespace schedkit::serve
