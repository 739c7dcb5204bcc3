// BatchingRules validation: every built-in policy's rules pass; each contradictory combination is rejected at
// Scheduler construction with an error naming the policy and the fields.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "schedkit/serve/fcfs_policy.h"
#include "scheduler_test_util.h"

namespace schedkit::serve {
namespace {

using Order = BatchingRules::Order;
using testing::ErrorOf;

BatchingRules Rules(Order order, bool chunked) {
  BatchingRules r;
  r.order = order;
  r.chunked_prefill = chunked;
  return r;
}

// The error of a scheduler whose test policy returns `rules` ("" when it is accepted).
std::string ErrorFor(const BatchingRules& rules) {
  return ErrorOf([&] { Scheduler s(testing::Roomy(), std::make_unique<FcfsPolicy>("test-rules", rules)); });
}

TEST(BatchingRules, EveryBuiltInPolicyPasses) {
  for (const std::string& name : PolicyNames()) {
    EXPECT_EQ(ErrorOf([&] { ValidateBatchingRules(MakePolicy(name)->rules()); }), "") << name;
  }
}

TEST(BatchingRules, ValidCombinationsPass) {
  EXPECT_EQ(ErrorFor(Rules(Order::kDecodesThenChunks, true)), "");
  EXPECT_EQ(ErrorFor(Rules(Order::kStaticBatch, false)), "");
  BatchingRules ranked = Rules(Order::kRanked, true);
  ranked.running_sorted_by_arrival = false;
  ranked.evict_lower_ranked = true;
  EXPECT_EQ(ErrorFor(ranked), "");
}

TEST(BatchingRules, WholePromptOrdersRejectChunkedPrefill) {
  for (Order order : {Order::kPrefillFirst, Order::kHybridWholePrompt, Order::kStaticBatch}) {
    const std::string msg = ErrorFor(Rules(order, true));
    EXPECT_NE(msg.find("policy test-rules: BatchingRules: order="), std::string::npos) << msg;
    EXPECT_NE(msg.find("with chunked_prefill=true is contradictory: this order runs whole prompts"),
              std::string::npos)
        << msg;
  }
  EXPECT_NE(ErrorFor(Rules(Order::kStaticBatch, true)).find("order=kStaticBatch"), std::string::npos);
}

TEST(BatchingRules, ChunkingOrdersRejectWholePrompts) {
  for (Order order : {Order::kDecodesThenChunks, Order::kRunningListOrder, Order::kRanked}) {
    const std::string msg = ErrorFor(Rules(order, false));
    EXPECT_NE(msg.find("with chunked_prefill=false is contradictory: this order chunks prompts"),
              std::string::npos)
        << msg;
  }
}

TEST(BatchingRules, PaddedBudgetOnlyForPrefillFirst) {
  BatchingRules r = Rules(Order::kHybridWholePrompt, false);
  r.padded_prefill_budget = true;
  EXPECT_NE(ErrorFor(r).find("order=kHybridWholePrompt with padded_prefill_budget=true is contradictory"),
            std::string::npos)
      << ErrorFor(r);
  r.order = Order::kPrefillFirst;
  EXPECT_EQ(ErrorFor(r), "");
}

TEST(BatchingRules, EvictLowerRankedOnlyForRanked) {
  BatchingRules r = Rules(Order::kRunningListOrder, true);
  r.evict_lower_ranked = true;
  EXPECT_NE(ErrorFor(r).find("order=kRunningListOrder with evict_lower_ranked=true is contradictory"),
            std::string::npos)
      << ErrorFor(r);
}

TEST(BatchingRules, NoAdmissionAfterPreemptionOnlyWhereRunningRequestsGrowFirst) {
  for (Order order : {Order::kPrefillFirst, Order::kHybridWholePrompt, Order::kStaticBatch}) {
    BatchingRules r = Rules(order, false);
    r.admit_after_preemption = false;
    EXPECT_NE(ErrorFor(r).find("with admit_after_preemption=false is contradictory"), std::string::npos)
        << ErrorFor(r);
  }
  BatchingRules ranked = Rules(Order::kRanked, true);
  ranked.running_sorted_by_arrival = false;
  ranked.admit_after_preemption = false;
  EXPECT_NE(ErrorFor(ranked).find("order=kRanked with admit_after_preemption=false"), std::string::npos);
  for (Order order : {Order::kDecodesThenChunks, Order::kRunningListOrder}) {
    BatchingRules r = Rules(order, true);
    r.admit_after_preemption = false;
    EXPECT_EQ(ErrorFor(r), "");
  }
}

TEST(BatchingRules, RankedRunningListIsInRankOrder) {
  BatchingRules r = Rules(Order::kRanked, true);
  r.running_sorted_by_arrival = true;
  EXPECT_NE(
      ErrorFor(r).find("order=kRanked with running_sorted_by_arrival=true is contradictory: kRanked keeps "
                       "the running list in rank order"),
      std::string::npos)
      << ErrorFor(r);
}

TEST(BatchingRules, NegativeDefaultBudget) {
  BatchingRules r = Rules(Order::kDecodesThenChunks, true);
  r.default_token_budget = -1;
  EXPECT_NE(ErrorFor(r).find("default_token_budget=-1 must be positive"), std::string::npos) << ErrorFor(r);
}

}  // namespace
}  // namespace schedkit::serve
