// Registry builders for the PyTorch, transformers and dolomite/REX schedulers (all torch-stepped).
#include <fmt/format.h>

#include "check.h"
#include "kwargs.h"
#include "registry_internal.h"
#include "schedkit/train/hf.h"
#include "schedkit/train/papers.h"

namespace schedkit::train::detail {
namespace {

using pytorch::LRSchedulerPtr;
using pytorch::OptimizerPtr;

// PyTorch arguments that only matter when resuming or printing.
void CommonTorchArgs(KwargReader& kw) {
  const auto last_epoch = kw.Int("last_epoch", -1);
  Require(last_epoch == -1, kw.where(),
          "last_epoch must be -1 (resuming a scheduler is not supported), got {}", last_epoch);
  kw.Ignore("verbose");
}

std::vector<LRSchedulerPtr> BuildChildren(KwargReader& kw, const OptimizerPtr& opt, bool* cycles) {
  const Value* list = kw.Raw("schedulers");
  Require(list != nullptr && list->is_list() && !list->items().empty(), kw.where(),
          "argument 'schedulers' must be a non-empty list of {\"class\": name, \"kwargs\": {...}}");
  std::vector<LRSchedulerPtr> out;
  for (size_t i = 0; i < list->items().size(); ++i) {
    const Value& item = list->items()[i];
    const std::string where = fmt::format("{}: schedulers[{}]", kw.where(), i);
    KwargReader child(item, where);
    const std::string cls = child.String("class", "");
    Require(!cls.empty(), where, "missing 'class'");
    const Value* ckw = child.Raw("kwargs");
    child.Finish();
    out.push_back(BuildTorchScheduler(cls, ckw ? *ckw : Value::Object(), opt, cycles));
  }
  return out;
}

}  // namespace

pytorch::LRSchedulerPtr BuildTorchScheduler(const std::string& cls, const Value& kwargs,
                                            const OptimizerPtr& opt, bool* cycles_momentum) {
  using namespace pytorch;
  KwargReader kw(kwargs, cls);
  CommonTorchArgs(kw);
  LRSchedulerPtr s;
  if (cls == "StepLR") {
    const auto step_size = kw.Int("step_size");
    const auto gamma = kw.Double("gamma", 0.1);
    kw.Finish();
    s = std::make_unique<StepLR>(opt, step_size, gamma);
  } else if (cls == "MultiStepLR") {
    const auto milestones = kw.Ints("milestones");
    const auto gamma = kw.Double("gamma", 0.1);
    kw.Finish();
    s = std::make_unique<MultiStepLR>(opt, milestones, gamma);
  } else if (cls == "ConstantLR") {
    const auto factor = kw.Double("factor", 1.0 / 3.0);
    const auto total_iters = kw.Int("total_iters", 5);
    kw.Finish();
    s = std::make_unique<ConstantLR>(opt, factor, total_iters);
  } else if (cls == "LinearLR") {
    const auto start = kw.Double("start_factor", 1.0 / 3.0);
    const auto end = kw.Double("end_factor", 1.0);
    const auto total_iters = kw.Int("total_iters", 5);
    kw.Finish();
    s = std::make_unique<LinearLR>(opt, start, end, total_iters);
  } else if (cls == "ExponentialLR") {
    const auto gamma = kw.Double("gamma");
    kw.Finish();
    s = std::make_unique<ExponentialLR>(opt, gamma);
  } else if (cls == "PolynomialLR") {
    const auto total_iters = kw.Int("total_iters", 5);
    const auto power = kw.Double("power", 1.0);
    kw.Finish();
    s = std::make_unique<PolynomialLR>(opt, total_iters, power);
  } else if (cls == "CosineAnnealingLR") {
    const auto t_max = kw.Int("T_max");
    const auto eta_min = kw.Double("eta_min", 0.0);
    const auto closed = kw.Bool("closed_form", false);
    kw.Finish();
    s = std::make_unique<CosineAnnealingLR>(opt, t_max, eta_min, closed);
  } else if (cls == "CosineAnnealingWarmRestarts") {
    const auto t0 = kw.Int("T_0");
    const auto mult = kw.Int("T_mult", 1);
    const auto eta_min = kw.Double("eta_min", 0.0);
    kw.Finish();
    s = std::make_unique<CosineAnnealingWarmRestarts>(opt, t0, mult, eta_min);
  } else if (cls == "CyclicLR") {
    CyclicLROptions o;
    o.base_lr = kw.Doubles("base_lr");
    o.max_lr = kw.Doubles("max_lr");
    o.step_size_up = kw.Double("step_size_up", 2000.0);
    o.step_size_down = kw.OptDouble("step_size_down");
    o.mode = kw.String("mode", "triangular");
    o.gamma = kw.Double("gamma", 1.0);
    Require(!kw.Has("scale_fn"), cls, "argument 'scale_fn' (a Python callable) is not supported; use mode");
    const auto scale_mode = kw.String("scale_mode", "cycle");
    Require(scale_mode == "cycle" || scale_mode == "iterations", cls,
            "scale_mode must be one of cycle, iterations; got '{}'", scale_mode);
    o.cycle_momentum = kw.Bool("cycle_momentum", true);
    o.base_momentum = kw.Doubles("base_momentum", {0.8});
    o.max_momentum = kw.Doubles("max_momentum", {0.9});
    kw.Finish();
    if (cycles_momentum) *cycles_momentum = o.cycle_momentum;
    s = std::make_unique<CyclicLR>(opt, o);
  } else if (cls == "OneCycleLR") {
    OneCycleLROptions o;
    o.max_lr = kw.Doubles("max_lr");
    o.total_steps = kw.OptInt("total_steps");
    o.epochs = kw.OptInt("epochs");
    o.steps_per_epoch = kw.OptInt("steps_per_epoch");
    o.pct_start = kw.Double("pct_start", 0.3);
    o.anneal_strategy = kw.String("anneal_strategy", "cos");
    o.cycle_momentum = kw.Bool("cycle_momentum", true);
    o.base_momentum = kw.Doubles("base_momentum", {0.85});
    o.max_momentum = kw.Doubles("max_momentum", {0.95});
    o.div_factor = kw.Double("div_factor", 25.0);
    o.final_div_factor = kw.Double("final_div_factor", 1e4);
    o.three_phase = kw.Bool("three_phase", false);
    kw.Finish();
    if (cycles_momentum) *cycles_momentum = o.cycle_momentum;
    s = std::make_unique<OneCycleLR>(opt, o);
  } else if (cls == "SequentialLR") {
    auto children = BuildChildren(kw, opt, cycles_momentum);
    const auto milestones = kw.Ints("milestones");
    kw.Finish();
    s = std::make_unique<SequentialLR>(opt, std::move(children), milestones);
  } else if (cls == "ChainedScheduler") {
    auto children = BuildChildren(kw, opt, cycles_momentum);
    kw.Ignore("optimizer");
    kw.Finish();
    s = std::make_unique<ChainedScheduler>(std::move(children));
  } else {
    throw Error(
        fmt::format("unknown PyTorch scheduler class '{}' (valid: StepLR, MultiStepLR, ConstantLR, LinearLR, "
                    "ExponentialLR, PolynomialLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, "
                    "OneCycleLR, SequentialLR, ChainedScheduler)",
                    cls));
  }
  return s;
}

pytorch::ReduceLROnPlateauOptions ReadPlateauOptions(KwargReader& kw) {
  pytorch::ReduceLROnPlateauOptions o;
  o.mode = kw.String("mode", "min");
  o.factor = kw.Double("factor", 0.1);
  o.patience = kw.Int("patience", 10);
  o.threshold = kw.Double("threshold", 1e-4);
  o.threshold_mode = kw.String("threshold_mode", "rel");
  o.cooldown = kw.Int("cooldown", 0);
  o.min_lr = kw.Doubles("min_lr", {0.0});
  o.eps = kw.Double("eps", 1e-8);
  kw.Ignore("verbose");
  return o;
}

HfBuilt BuildHfScheduler(const Value& kwargs, double defaults_lr) {
  KwargReader kw(kwargs, "get_scheduler");
  const std::string name = kw.String("name", "");
  Require(!name.empty(), "get_scheduler", "missing required argument 'name'");
  const auto w = kw.OptInt("num_warmup_steps");
  const auto n = kw.OptInt("num_training_steps");
  const Value* sk_raw = kw.Raw("scheduler_specific_kwargs");
  kw.Ignore("optimizer");
  kw.Finish();
  const Value sk = sk_raw ? *sk_raw : Value::Object();
  const std::string where = fmt::format("get_scheduler('{}')", name);
  KwargReader s(sk, where + " scheduler_specific_kwargs");
  HfBuilt out;
  auto need_w = [&] {
    Require(w.has_value(), where, "requires num_warmup_steps, please provide that argument");
    return *w;
  };
  auto need_n = [&] {
    Require(n.has_value(), where, "requires num_training_steps, please provide that argument");
    return *n;
  };
  if (name == "constant") {
    out.factor = hf::ConstantSchedule();
  } else if (name == "reduce_lr_on_plateau") {
    out.plateau = ReadPlateauOptions(s);
  } else if (name == "constant_with_warmup") {
    out.factor = hf::ConstantWithWarmup(need_w());
  } else if (name == "inverse_sqrt") {
    Require(
        sk.is_null() || sk.keys().empty(), where,
        "get_scheduler passes no scheduler_specific_kwargs to inverse_sqrt (use get_inverse_sqrt_schedule "
        "for timescale)");
    out.factor = hf::InverseSqrt(need_w());
  } else if (name == "linear") {
    out.factor = hf::Linear(need_w(), need_n());
  } else if (name == "cosine") {
    const int64_t ww = need_w(), nn = need_n();
    out.factor = hf::Cosine(ww, nn, s.Double("num_cycles", 0.5));
  } else if (name == "cosine_with_restarts") {
    const int64_t ww = need_w(), nn = need_n();
    out.factor = hf::CosineWithHardRestarts(ww, nn, s.Double("num_cycles", 1.0));
  } else if (name == "polynomial") {
    const int64_t ww = need_w(), nn = need_n();
    const double lr_end = s.Double("lr_end", 1e-7);
    const double power = s.Double("power", 1.0);
    out.factor = hf::Polynomial(ww, nn, defaults_lr, lr_end, power);
  } else if (name == "cosine_with_min_lr" || name == "cosine_warmup_with_min_lr") {
    const int64_t ww = need_w(), nn = need_n();
    const auto min_lr = s.OptDouble("min_lr");
    auto rate = s.OptDouble("min_lr_rate");
    Require(!(min_lr && rate), where, "only one of min_lr or min_lr_rate should be set");
    Require(min_lr || rate, where,
            "one of min_lr or min_lr_rate should be set through scheduler_specific_kwargs");
    if (min_lr) rate = *min_lr / defaults_lr;
    const double cycles = s.Double("num_cycles", 0.5);
    if (name == "cosine_with_min_lr") {
      out.factor = hf::CosineWithMinLr(ww, nn, *rate, cycles);
    } else {
      out.factor = hf::CosineWarmupWithMinLr(ww, nn, *rate, s.OptDouble("warmup_lr_rate"), cycles);
    }
  } else if (name == "warmup_stable_decay") {
    hf::WsdOptions o;
    o.num_warmup_steps = need_w();
    o.num_decay_steps = s.Int("num_decay_steps");
    const auto stable = s.OptInt("num_stable_steps");
    Require(stable || n, where, "either num_training_steps or num_stable_steps must be specified");
    if (stable) {
      o.num_stable_steps = *stable;
    } else {
      o.num_stable_steps = *n - o.num_warmup_steps - o.num_decay_steps;
      Require(o.num_stable_steps >= 0, where,
              "num_warmup_steps ({}) + num_decay_steps ({}) must not exceed num_training_steps ({})",
              o.num_warmup_steps, o.num_decay_steps, *n);
    }
    o.warmup_type = s.String("warmup_type", "linear");
    o.decay_type = s.String("decay_type", "cosine");
    o.min_lr_ratio = s.Double("min_lr_ratio", 0.0);
    o.num_cycles = s.Double("num_cycles", 0.5);
    out.factor = hf::WarmupStableDecay(o);
  } else {
    throw Error(
        fmt::format("get_scheduler: unknown name '{}' (valid: linear, cosine, cosine_with_restarts, "
                    "polynomial, constant, "
                    "constant_with_warmup, inverse_sqrt, reduce_lr_on_plateau, cosine_with_min_lr, "
                    "cosine_warmup_with_min_lr, "
                    "warmup_stable_decay)",
                    name));
  }
  s.Finish();
  return out;
}

SchedulePtr BuildInverseSqrtSchedule(const Value& kwargs) {
  KwargReader kw(kwargs, "get_inverse_sqrt_schedule");
  CommonTorchArgs(kw);
  const auto w = kw.Int("num_warmup_steps");
  const auto ts = kw.OptDouble("timescale");
  kw.Finish();
  return hf::InverseSqrt(w, ts);
}

SchedulePtr BuildDolomiteFactor(const std::string& cls, const Value& kwargs, double optimizer_lr) {
  KwargReader kw(kwargs, cls);
  CommonTorchArgs(kw);
  papers::DolomiteOptions o;
  o.num_warmup_steps = kw.Int("num_warmup_steps");
  o.num_constant_steps = kw.Int("num_constant_steps", 0);
  o.num_decay_steps = kw.OptInt("num_decay_steps");
  o.num_training_steps = kw.Int("num_training_steps");
  o.lr_decay_factor = kw.Double("lr_decay_factor", 0.0);
  if (cls == "PowerScheduler") {
    Require(o.num_constant_steps == 0, cls, "num_constant_steps should be 0 for the power scheduler");
    papers::PowerOptions p;
    p.num_warmup_steps = o.num_warmup_steps;
    p.num_training_steps = o.num_training_steps;
    p.num_decay_steps = o.num_decay_steps;
    p.lr_decay_factor = o.lr_decay_factor;
    p.a = kw.Double("a");
    p.b = kw.Double("b");
    p.c = kw.Double("c");
    p.optimizer_lr = optimizer_lr;
    p.decay_shape = papers::ParseDecayShape(kw.String("decay_shape", "exponential"), "decay_shape");
    kw.Finish();
    return papers::Power(p);
  }
  kw.Finish();
  if (cls == "ConstantScheduler") {
    Require(o.num_decay_steps.value_or(0) == 0, cls, "num_decay_steps should be 0 for the constant schedule");
    return papers::DolomiteConstant(o.num_warmup_steps);
  }
  const auto shape = cls == "LinearScheduler"   ? papers::DecayShape::kLinear
                     : cls == "CosineScheduler" ? papers::DecayShape::kCosine
                                                : papers::DecayShape::kExponential;
  return papers::DolomiteWsd(shape, o);
}

SchedulePtr BuildRexCode(const Value& kwargs) {
  KwargReader kw(kwargs, "REX_LR");
  CommonTorchArgs(kw);
  const auto max_val = kw.Double("max_val");
  const auto min_val = kw.Double("min_val");
  const auto num_epochs = kw.Int("num_epochs", 1);
  kw.Finish();
  return papers::RexCode(max_val, min_val, num_epochs);
}

}  // namespace schedkit::train::detail
