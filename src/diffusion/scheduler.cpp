// Scheduler base (argument checks, step-index bookkeeping) and the name -> class factory.
#include "schedkit/diffusion/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "schedkit/util/error.h"
#include "scheduler_internal.h"

namespace schedkit::diffusion {

Scheduler::Scheduler(SchedulerConfig config) : config_(std::move(config)) {}

void Scheduler::Fail(const std::string& message) const { throw Error(class_name() + ": " + message); }

void Scheduler::SetTimesteps(int num_inference_steps) {
  TimestepRequest r;
  r.num_inference_steps = num_inference_steps;
  SetTimesteps(r);
}

void Scheduler::SetTimesteps(const TimestepRequest& request) {
  if (request.num_inference_steps && *request.num_inference_steps < 1) {
    Fail(fmt::format("num_inference_steps must be at least 1, got {}", *request.num_inference_steps));
  }
  if (request.sigmas && request.timesteps) Fail("pass custom sigmas or custom timesteps, not both");
  DoSetTimesteps(request);
  step_index_ = 0;
  started_ = false;
  timesteps_set_ = true;
  pred_original_.clear();
}

bool Scheduler::IsStochastic(const StepOptions& /*options*/) const { return false; }

int Scheduler::IndexForTimestep(double timestep) const {
  std::vector<int> hits;
  for (size_t i = 0; i < timesteps_.size(); ++i) {
    if (timesteps_[i] == timestep) hits.push_back(static_cast<int>(i));
  }
  if (hits.empty()) {
    Fail(fmt::format("timestep {} is not in the schedule set by set_timesteps (first {}, last {})", timestep,
                     timesteps_.empty() ? 0.0 : timesteps_.front(),
                     timesteps_.empty() ? 0.0 : timesteps_.back()));
  }
  return hits.size() > 1 ? hits[1] : hits[0];
}

NoiseSource& Scheduler::Generator(const StepOptions& options) {
  return options.generator ? *options.generator : default_noise_;
}

void Scheduler::DoScaleModelInput(ConstTensor sample, MutTensor out) {
  std::copy(sample.data.begin(), sample.data.end(), out.data.begin());
}

namespace {
std::string ShapeString(std::span<const int64_t> s) { return fmt::format("[{}]", fmt::join(s, ", ")); }

void CheckTensor(ConstTensor t, const char* what, const std::string& who) {
  if (NumElements(t.shape) != static_cast<int64_t>(t.data.size())) {
    throw Error(
        fmt::format("{}: {} has {} elements but shape {}", who, what, t.data.size(), ShapeString(t.shape)));
  }
}
}  // namespace

void Scheduler::ScaleModelInput(ConstTensor sample, double timestep, MutTensor out) {
  if (!timesteps_set_) Fail("scale_model_input() called before set_timesteps()");
  CheckTensor(sample, "sample", class_name());
  if (out.data.size() != sample.data.size()) {
    Fail(fmt::format("scale_model_input output has {} elements, sample has {}", out.data.size(),
                     sample.data.size()));
  }
  if (!started_) {
    step_index_ = IndexForTimestep(timestep);
    started_ = true;
  }
  if (step_index_ >= static_cast<int>(timesteps_.size()))
    Fail("scale_model_input() called after the last timestep");
  DoScaleModelInput(sample, out);
}

void Scheduler::Step(ConstTensor model_output, double timestep, MutTensor sample,
                     const StepOptions& options) {
  if (!timesteps_set_) Fail("step() called before set_timesteps()");
  CheckTensor(model_output, "model output", class_name());
  CheckTensor(sample, "sample", class_name());
  if (!std::equal(model_output.shape.begin(), model_output.shape.end(), sample.shape.begin(),
                  sample.shape.end())) {
    Fail(fmt::format("model output shape {} does not match sample shape {}", ShapeString(model_output.shape),
                     ShapeString(sample.shape)));
  }
  if (!started_) {
    step_index_ = IndexForTimestep(timestep);
    started_ = true;
  }
  if (step_index_ >= static_cast<int>(timesteps_.size())) {
    Fail(fmt::format("step() called {} times but the schedule has {} timesteps", step_index_ + 1,
                     timesteps_.size()));
  }
  if (!options.allow_nan) {
    const float* d = model_output.data.data();
    const size_t n = model_output.data.size();
    bool bad = false;
    for (size_t i = 0; i < n; ++i) bad |= std::isnan(d[i]);
    if (bad) {
      size_t first = 0;
      while (!std::isnan(d[first])) ++first;
      Fail(
          fmt::format("model output contains NaN at step index {} (timestep {}), element {}; set "
                      "StepOptions::allow_nan to accept it",
                      step_index_, timestep, first));
    }
  }
  current_timestep_ = timestep;
  DoStep(model_output, sample, options);
  ++step_index_;
}

namespace {
struct Entry {
  const char* class_name;
  const char* short_name;
  SchedulerConfig (*config)();
  std::unique_ptr<Scheduler> (*make)(const SchedulerConfig&);
};
const std::vector<Entry>& Registry() {
  static const std::vector<Entry> r = {
      {"DDIMScheduler", "ddim", internal::DdimConfig, internal::MakeDdim},
      {"DDPMScheduler", "ddpm", internal::DdpmConfig, internal::MakeDdpm},
      {"EulerDiscreteScheduler", "euler", internal::EulerConfig, internal::MakeEuler},
      {"EulerAncestralDiscreteScheduler", "euler_ancestral", internal::EulerAncestralConfig,
       internal::MakeEulerAncestral},
      {"HeunDiscreteScheduler", "heun", internal::HeunConfig, internal::MakeHeun},
      {"DPMSolverMultistepScheduler", "dpmsolver_multistep", internal::DpmMultistepConfig,
       internal::MakeDpmMultistep},
      {"DPMSolverSinglestepScheduler", "dpmsolver_singlestep", internal::DpmSinglestepConfig,
       internal::MakeDpmSinglestep},
      {"DEISMultistepScheduler", "deis", internal::DeisConfig, internal::MakeDeis},
      {"UniPCMultistepScheduler", "unipc", internal::UniPCConfig, internal::MakeUniPC},
      {"LCMScheduler", "lcm", internal::LcmConfig, internal::MakeLcm},
      {"FlowMatchEulerDiscreteScheduler", "flow_match_euler", internal::FlowMatchEulerConfig,
       internal::MakeFlowMatchEuler},
  };
  return r;
}
const Entry& Lookup(std::string_view name) {
  for (const auto& e : Registry()) {
    if (name == e.class_name || name == e.short_name) return e;
  }
  throw Error(
      fmt::format("unknown scheduler '{}'; valid schedulers: {}", name, fmt::join(SchedulerNames(), ", ")));
}
}  // namespace

std::vector<std::string> SchedulerNames() {
  std::vector<std::string> names;
  for (const auto& e : Registry()) names.push_back(fmt::format("{} ({})", e.short_name, e.class_name));
  return names;
}

SchedulerConfig DefaultConfig(std::string_view name) { return Lookup(name).config(); }

std::unique_ptr<Scheduler> MakeScheduler(std::string_view name, const std::vector<std::string>& overrides) {
  const Entry& e = Lookup(name);
  SchedulerConfig c = e.config();
  for (const auto& o : overrides) c.SetAssignment(o);
  return e.make(c);
}

std::unique_ptr<Scheduler> MakeScheduler(std::string_view name, const SchedulerConfig& config) {
  const Entry& e = Lookup(name);
  if (config.class_name() != e.class_name) {
    throw Error(fmt::format("config of {} passed to scheduler {}", config.class_name(), e.class_name));
  }
  return e.make(config);
}

}  // namespace schedkit::diffusion
