// Builders shared by the registry's source files.
#pragma once

#include <optional>
#include <string>

#include "kwargs.h"
#include "schedkit/train/pytorch.h"
#include "schedkit/train/schedule.h"
#include "schedkit/train/value.h"

namespace schedkit::train::detail {

// A PyTorch scheduler class by name; sets *cycles_momentum when it cycles momentum.
pytorch::LRSchedulerPtr BuildTorchScheduler(const std::string& cls, const Value& kwargs,
                                            const pytorch::OptimizerPtr& opt, bool* cycles_momentum);
pytorch::ReduceLROnPlateauOptions ReadPlateauOptions(KwargReader& kw);

// transformers.get_scheduler: a LambdaLR factor, or ReduceLROnPlateau options.
struct HfBuilt {
  SchedulePtr factor;
  std::optional<pytorch::ReduceLROnPlateauOptions> plateau;
};
HfBuilt BuildHfScheduler(const Value& kwargs, double defaults_lr);
SchedulePtr BuildInverseSqrtSchedule(const Value& kwargs);

// dolomite-engine LambdaLR factors (CosineScheduler, LinearScheduler, ExponentialScheduler,
// ConstantScheduler, PowerScheduler); optimizer_lr = param_groups[0].lr.
SchedulePtr BuildDolomiteFactor(const std::string& cls, const Value& kwargs, double optimizer_lr);
SchedulePtr BuildRexCode(const Value& kwargs);

}  // namespace schedkit::train::detail
