// Builds any schedule by name from keyword arguments named exactly as the reference library names them,
// and runs it under the reference's step protocol (see ../shared/golden/lr/README.md). Used by the CLI
// (`schedkit lr NAME ...`) and the parity tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schedkit/train/value.h"

namespace schedkit::train {

struct RunSetup {
  std::vector<double> param_group_lrs = {1.0};
  std::optional<double> defaults_lr;  // optimizer.defaults["lr"]; param_group_lrs[0] when absent
  double momentum = 0.0;
  int64_t num_steps = 100;      // the trace has num_steps + 1 entries (values for formula schedules)
  std::vector<double> metrics;  // plateau schedules: metric fed at each step
};

struct Trace {
  // torch_step | torch_plateau | timm_step | timm_step_metric | timm_step_update | formula_index |
  // refinement_index
  std::string protocol;
  std::vector<std::vector<double>> lrs;        // [group][k], k = 0..num_steps (LR schedulers)
  std::vector<std::vector<double>> momentums;  // [group][k] when the scheduler cycles momentum
  std::vector<double> after_init;              // timm: LRs right after construction
  std::vector<double> values;                  // formula schedules: values[i], i = 0..num_steps
  std::vector<double> raw;                     // refinement: the un-normalised schedule
};

// Canonical names: the reference's class or function name (StepLR, get_scheduler, CosineLRScheduler,
// PowerScheduler, REX_LR, ...) plus hf.<get_scheduler name> shortcuts. Fully qualified reference names
// (torch.optim.lr_scheduler.StepLR, transformers.get_scheduler, timm.scheduler.CosineLRScheduler,
// lm_engine.optimization.scheduler.PowerScheduler) are accepted too.
std::vector<std::string> ScheduleNames();
std::string CanonicalScheduleName(const std::string& name);  // throws, listing ScheduleNames(), if unknown

// Builds the schedule and records its trace. Every bad input throws schedkit::Error naming the argument.
Trace RunSchedule(const std::string& name, const Value& kwargs, const RunSetup& setup);

}  // namespace schedkit::train
