// The core combinators rebuild framework compositions from closed forms: Sequence(LinearLR closed form,
// CosineAnnealingLR closed form) reproduces PyTorch's SequentialLR golden case within the parity tolerance.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>

#include "golden_dir.h"
#include "schedkit/train/schedule.h"

namespace schedkit::train {
namespace {

TEST(TrainScheduleCore, SequenceOfClosedFormsMatchesSequentialLRGolden) {
  const auto dir = testing::FindGoldenLrDir();
  if (!dir.problem.empty()) {
    if (testing::InCi()) FAIL() << dir.problem;
    GTEST_SKIP() << dir.problem;
  }
  std::ifstream in(dir.path / "torch.json");
  ASSERT_TRUE(in) << "torch.json missing in " << dir.path;
  const auto doc = nlohmann::json::parse(in);
  const nlohmann::json* c = nullptr;
  for (const auto& item : doc.at("cases")) {
    if (item.at("id") == "SequentialLR/linear_warmup_cosine") c = &item;
  }
  ASSERT_NE(c, nullptr) << "case SequentialLR/linear_warmup_cosine not found";
  // LinearLR(start_factor=0.1, total_iters=10) then CosineAnnealingLR(T_max=90) at milestone 10, base lr 0.1.
  const double base = 0.1;
  const auto warmup = FromFunction(
      [](int64_t t) { return 0.1 + 0.9 * static_cast<double>(std::min<int64_t>(t, 10)) / 10.0; });
  const auto cosine = FromFunction(
      [](int64_t t) { return (1.0 + std::cos(std::numbers::pi * static_cast<double>(t) / 90.0)) / 2.0; });
  const auto lr = Scale(Sequence({warmup, cosine}, {10}), base);
  const auto& want = c->at("lrs")[0];
  ASSERT_EQ(want.size(), 101u);
  for (size_t t = 0; t < want.size(); ++t) {
    const double w = want[t].get<double>();
    EXPECT_NEAR(lr->At(static_cast<int64_t>(t)), w, std::max(1e-12 * std::fabs(w), 1e-15)) << "t=" << t;
  }
}

}  // namespace
}  // namespace schedkit::train
