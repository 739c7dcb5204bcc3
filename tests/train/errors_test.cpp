// Bad input: every case is a schedkit::Error whose message names the argument; nothing is clamped.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "schedkit/train/registry.h"
#include "schedkit/util/error.h"

namespace schedkit::train {
namespace {

// Runs the schedule and returns the error message ("" if none was thrown).
std::string ErrorOf(const std::string& name, const std::string& kwargs_json, RunSetup setup = {}) {
  try {
    RunSchedule(name, ParseJson(kwargs_json, "test kwargs"), setup);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void ExpectErrorMentions(const std::string& message, std::initializer_list<const char*> words) {
  ASSERT_FALSE(message.empty()) << "expected an error";
  for (const char* w : words)
    EXPECT_NE(message.find(w), std::string::npos) << message << " should mention " << w;
}

TEST(TrainErrors, BadStepCounts) {
  ExpectErrorMentions(ErrorOf("StepLR", R"({"step_size": 0})"), {"step_size"});
  ExpectErrorMentions(ErrorOf("CosineAnnealingLR", R"({"T_max": -5})"), {"T_max"});
  ExpectErrorMentions(ErrorOf("OneCycleLR", R"({"max_lr": 0.1, "total_steps": 0})"), {"total_steps"});
  ExpectErrorMentions(ErrorOf("CosineLRScheduler", R"({"t_initial": 0})"), {"t_initial"});
  ExpectErrorMentions(ErrorOf("REX", R"({"max_lr": 1, "min_lr": 0, "T": 0})"), {"T"});
  RunSetup negative;
  negative.num_steps = -1;
  ExpectErrorMentions(ErrorOf("StepLR", R"({"step_size": 3})", negative), {"num_steps"});
  ExpectErrorMentions(ErrorOf("CosineAnnealingLR", R"({"T_max": 2.5})"), {"T_max", "integer"});
}

TEST(TrainErrors, MilestonesOutOfOrder) {
  ExpectErrorMentions(ErrorOf("MultiStepLR", R"({"milestones": [30, 10]})"), {"milestones"});
  ExpectErrorMentions(ErrorOf("MultiStepLRScheduler", R"({"decay_t": [30, 10]})"), {"decay_t"});
  ExpectErrorMentions(
      ErrorOf(
          "SequentialLR",
          R"({"schedulers": [{"class": "ConstantLR", "kwargs": {}}, {"class": "ExponentialLR", "kwargs": {"gamma": 0.9}},
                  {"class": "ExponentialLR", "kwargs": {"gamma": 0.5}}], "milestones": [20, 10]})"),
      {"milestones"});
  ExpectErrorMentions(
      ErrorOf("SequentialLR",
              R"({"schedulers": [{"class": "ConstantLR", "kwargs": {}}], "milestones": [5]})"),
      {"milestones"});
}

TEST(TrainErrors, WarmupLongerThanTraining) {
  ExpectErrorMentions(ErrorOf("hf.linear", R"({"num_warmup_steps": 200, "num_training_steps": 100})"),
                      {"num_warmup_steps", "num_training_steps"});
  ExpectErrorMentions(
      ErrorOf("hf.warmup_stable_decay",
              R"({"num_warmup_steps": 60, "num_training_steps": 100, "num_decay_steps": 50})"),
      {"num_warmup_steps"});
  ExpectErrorMentions(
      ErrorOf("CosineScheduler",
              R"({"num_warmup_steps": 80, "num_constant_steps": 40, "num_training_steps": 100})"),
      {"num_constant_steps"});
  ExpectErrorMentions(ErrorOf("CosineLRScheduler", R"({"t_initial": 10, "warmup_t": 20})"),
                      {"warmup_t", "t_initial"});
  ExpectErrorMentions(ErrorOf("PowerScheduler", R"({"num_warmup_steps": 300, "num_training_steps": 100,
                                                    "a": 1, "b": -0.5, "c": 1})"),
                      {"num_warmup_steps"});
}

TEST(TrainErrors, UnknownNameListsTheValidOnes) {
  ExpectErrorMentions(ErrorOf("CosineDecay", "{}"), {"CosineDecay", "valid", "StepLR", "get_scheduler"});
  ExpectErrorMentions(ErrorOf("get_scheduler", R"({"name": "cosine_hard"})"),
                      {"cosine_hard", "valid", "linear"});
  ExpectErrorMentions(ErrorOf("CyclicLR", R"({"base_lr": 0.1, "max_lr": 1, "mode": "sawtooth"})"), {"mode"});
  ExpectErrorMentions(ErrorOf("hf.warmup_stable_decay",
                              R"({"num_warmup_steps": 1, "num_training_steps": 100, "num_decay_steps": 5,
                                  "decay_type": "step"})"),
                      {"decay_type"});
}

TEST(TrainErrors, UnknownArgumentNamesItAndTheValidOnes) {
  ExpectErrorMentions(ErrorOf("StepLR", R"({"step_size": 3, "gama": 0.5})"), {"gama", "gamma", "step_size"});
  ExpectErrorMentions(
      ErrorOf("hf.cosine", R"({"num_warmup_steps": 1, "num_training_steps": 10, "cycles": 2})"),
      {"cycles", "num_cycles"});
  ExpectErrorMentions(ErrorOf("StepLR", "{}"), {"missing", "step_size"});
}

TEST(TrainErrors, NanMetricFedToPlateau) {
  RunSetup s;
  s.num_steps = 3;
  s.metrics = {1.0, std::numeric_limits<double>::quiet_NaN(), 0.5};
  ExpectErrorMentions(ErrorOf("ReduceLROnPlateau", "{}", s), {"metrics"});
  s.metrics = {1.0, 0.5};  // fewer metrics than steps
  ExpectErrorMentions(ErrorOf("ReduceLROnPlateau", "{}", s), {"metric"});
}

TEST(TrainErrors, NothingIsClamped) {
  // factor outside PyTorch's range is rejected, not clamped.
  ExpectErrorMentions(ErrorOf("ConstantLR", R"({"factor": 1.5})"), {"factor"});
  ExpectErrorMentions(ErrorOf("LinearLR", R"({"start_factor": 0})"), {"start_factor"});
  ExpectErrorMentions(ErrorOf("ReduceLROnPlateau", R"({"factor": 1.0})"), {"factor"});
  ExpectErrorMentions(ErrorOf("OneCycleLR", R"({"max_lr": 0.1, "total_steps": 10, "pct_start": 1.5})"),
                      {"pct_start"});
}

TEST(TrainRegistry, QualifiedNamesAndShortcutsAgree) {
  RunSetup s;
  s.param_group_lrs = {0.1};
  s.num_steps = 20;
  const auto a = RunSchedule("torch.optim.lr_scheduler.StepLR", ParseJson(R"({"step_size": 5})", "k"), s);
  const auto b = RunSchedule("StepLR", ParseJson(R"({"step_size": 5, "gamma": 0.1})", "k"), s);
  EXPECT_EQ(a.lrs, b.lrs);
  const auto c = RunSchedule("get_scheduler",
                             ParseJson(R"({"name": "cosine", "num_warmup_steps": 2, "num_training_steps": 20,
                                            "scheduler_specific_kwargs": {"num_cycles": 0.5}})",
                                       "k"),
                             s);
  const auto d =
      RunSchedule("hf.cosine", ParseJson(R"({"num_warmup_steps": 2, "num_training_steps": 20})", "k"), s);
  EXPECT_EQ(c.lrs, d.lrs);
  EXPECT_EQ(c.lrs[0].size(), 21u);
  EXPECT_EQ(CanonicalScheduleName("timm.scheduler.CosineLRScheduler"), "CosineLRScheduler");
}

}  // namespace
}  // namespace schedkit::train
