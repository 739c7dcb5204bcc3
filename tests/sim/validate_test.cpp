// schedkit validate on a small subset of the shared real-engine data (skipped when ../shared is absent,
// except under CI=true).
#include "schedkit/sim/validate.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace schedkit::sim {
namespace {

bool SharedPresent() {
  const bool ci = std::getenv("CI") != nullptr && std::string(std::getenv("CI")) == "true";
  const bool present = std::filesystem::exists(SharedDataDir() + "/data/real_engine");
  if (!present && ci) ADD_FAILURE() << "CI=true but " << SharedDataDir() << " has no data/real_engine";
  return present;
}

TEST(ValidateTest, ArgonneSubset) {
  if (!SharedPresent()) GTEST_SKIP() << "no shared data at " << SharedDataDir();
  const auto recipe =
      LoadValidationRecipe(std::string(SCHEDKIT_SOURCE_DIR) + "/data/validate/argonne_vllm.json");
  EXPECT_GT(recipe.runs.size(), 400u);
  const auto rows = RunValidation(recipe, "TP1 meta-llama/Meta-Llama-3-8B L512");
  ASSERT_EQ(rows.size(), 8u);  // A100 and H100, B 1/16/32/64
  const auto s = SummarizeErrors(rows);
  EXPECT_LT(s.median, 0.5);
}

TEST(ValidateTest, LlmServingSimRun) {
  if (!SharedPresent()) GTEST_SKIP() << "no shared data at " << SharedDataDir();
  const auto recipe =
      LoadValidationRecipe(std::string(SCHEDKIT_SOURCE_DIR) + "/data/validate/llmservingsim_vllm019.json");
  const auto rows = RunValidation(recipe, "rtxpro6000_qwen3-32b_tp2");
  ASSERT_EQ(rows.size(), 13u);  // makespan + 3 metrics x 4 statistics
  for (const auto& r : rows) EXPECT_GT(r.ours, 0) << r.metric;
}

}  // namespace
}  // namespace schedkit::sim
