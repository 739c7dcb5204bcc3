// Hugging Face transformers schedules (transformers.optimization, get_scheduler names). Each is a
// multiplicative factor schedule of the step; pytorch::LambdaLR turns it into per-group LRs exactly as
// transformers does (LambdaLR(optimizer, lr_lambda)).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "schedkit/train/schedule.h"

namespace schedkit::train::hf {

// "linear": warmup then linear decay to 0 at num_training_steps.
SchedulePtr Linear(int64_t num_warmup_steps, int64_t num_training_steps);
// "cosine": warmup then 0.5 (1 + cos(2 pi num_cycles p)), floored at 0.
SchedulePtr Cosine(int64_t num_warmup_steps, int64_t num_training_steps, double num_cycles = 0.5);
// "cosine_with_restarts": hard restarts, num_cycles cycles.
SchedulePtr CosineWithHardRestarts(int64_t num_warmup_steps, int64_t num_training_steps,
                                   double num_cycles = 1.0);
// "polynomial": decays from lr_init to lr_end (absolute LRs; lr_init = optimizer.defaults["lr"]).
SchedulePtr Polynomial(int64_t num_warmup_steps, int64_t num_training_steps, double lr_init,
                       double lr_end = 1e-7, double power = 1.0);
// "constant" and "constant_with_warmup".
SchedulePtr ConstantSchedule();
SchedulePtr ConstantWithWarmup(int64_t num_warmup_steps);
// "inverse_sqrt" (timescale defaults to num_warmup_steps, or 10000 when that is 0).
SchedulePtr InverseSqrt(int64_t num_warmup_steps, std::optional<double> timescale = std::nullopt);
// "cosine_with_min_lr": cosine with a floor min_lr_rate (give min_lr_rate, or min_lr / lr_init).
SchedulePtr CosineWithMinLr(int64_t num_warmup_steps, int64_t num_training_steps, double min_lr_rate,
                            double num_cycles = 0.5);
// "cosine_warmup_with_min_lr": the newer variant whose warmup reaches 1 at step W-1 (or starts at
// warmup_lr_rate).
SchedulePtr CosineWarmupWithMinLr(int64_t num_warmup_steps, int64_t num_training_steps, double min_lr_rate,
                                  std::optional<double> warmup_lr_rate = std::nullopt,
                                  double num_cycles = 0.5);
// "warmup_stable_decay": warmup_type / decay_type in {linear, cosine, 1-sqrt}.
struct WsdOptions {
  int64_t num_warmup_steps = 0;
  int64_t num_stable_steps = 0;
  int64_t num_decay_steps = 0;
  std::string warmup_type = "linear";
  std::string decay_type = "cosine";
  double min_lr_ratio = 0.0;
  double num_cycles = 0.5;
};
SchedulePtr WarmupStableDecay(const WsdOptions& options);

}  // namespace schedkit::train::hf
