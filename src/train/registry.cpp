// The schedule registry: name -> builder -> trace under the reference's step protocol.
#include "schedkit/train/registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <utility>

#include "check.h"
#include "registry_internal.h"
#include "schedkit/train/papers.h"
#include "schedkit/train/timm.h"

namespace schedkit::train {
namespace {

using detail::KwargReader;
using detail::Require;

enum class Family { kTorch, kTorchPlateau, kHf, kHfInverseSqrt, kDolomite, kRexCode, kTimm, kFormula };

const std::map<std::string, Family>& Registry() {
  static const std::map<std::string, Family> names = [] {
    std::map<std::string, Family> m;
    for (const char* n : {"StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR",
                          "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR",
                          "SequentialLR", "ChainedScheduler"}) {
      m[n] = Family::kTorch;
    }
    m["ReduceLROnPlateau"] = Family::kTorchPlateau;
    m["get_scheduler"] = Family::kHf;
    for (const char* n : {"linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
                          "constant_with_warmup", "inverse_sqrt", "reduce_lr_on_plateau",
                          "cosine_with_min_lr", "cosine_warmup_with_min_lr", "warmup_stable_decay"}) {
      m[std::string("hf.") + n] = Family::kHf;
    }
    m["get_inverse_sqrt_schedule"] = Family::kHfInverseSqrt;
    for (const char* n : {"CosineScheduler", "LinearScheduler", "ExponentialScheduler", "ConstantScheduler",
                          "PowerScheduler"}) {
      m[n] = Family::kDolomite;
    }
    m["REX_LR"] = Family::kRexCode;
    for (const char* n : {"CosineLRScheduler", "StepLRScheduler", "MultiStepLRScheduler", "PolyLRScheduler",
                          "TanhLRScheduler", "PlateauLRScheduler"}) {
      m[n] = Family::kTimm;
    }
    for (const char* n :
         {"REX", "linear_decay", "find_closed_form_schedule", "scheduled_sampling_linear",
          "scheduled_sampling_exponential", "scheduled_sampling_inverse_sigmoid", "dynamic_masking_linear",
          "masking_rate", "AdamS_weight_decay_multiplier", "AdAdaGrad_norm_test"}) {
      m[n] = Family::kFormula;
    }
    return m;
  }();
  return names;
}

std::string StripPrefix(const std::string& name) {
  for (const char* prefix :
       {"torch.optim.lr_scheduler.", "transformers.optimization.", "transformers.", "timm.scheduler.",
        "lm_engine.optimization.scheduler.", "dolomite_engine.optimization.scheduler."}) {
    const std::string p(prefix);
    if (name.rfind(p, 0) == 0) return name.substr(p.size());
  }
  return name;
}

// Sizes the per-group series and reserves the num_steps + 1 entries the run will record, so that the
// 10^6-step traces the CLI writes are filled without reallocation.
void ReserveTrace(const pytorch::Optimizer& opt, Trace& t, bool momentum, int64_t num_steps) {
  const auto n = static_cast<size_t>(std::max<int64_t>(num_steps, 0) + 1);
  t.lrs.resize(opt.param_groups.size());
  for (auto& series : t.lrs) series.reserve(n);
  if (momentum) {
    t.momentums.resize(opt.param_groups.size());
    for (auto& series : t.momentums) series.reserve(n);
  }
}

void Record(const pytorch::Optimizer& opt, Trace& t, bool momentum) {
  if (t.lrs.empty()) t.lrs.resize(opt.param_groups.size());
  if (momentum && t.momentums.empty()) t.momentums.resize(opt.param_groups.size());
  for (size_t g = 0; g < opt.param_groups.size(); ++g) {
    t.lrs[g].push_back(opt.param_groups[g].lr);
    if (momentum) t.momentums[g].push_back(opt.param_groups[g].momentum);
  }
}

pytorch::OptimizerPtr MakeOpt(const RunSetup& setup) {
  auto opt = pytorch::MakeOptimizer(setup.param_group_lrs, setup.momentum);
  if (setup.defaults_lr) opt->defaults_lr = *setup.defaults_lr;
  return opt;
}

Trace RunStepper(pytorch::LRScheduler& s, const RunSetup& setup, bool momentum) {
  Trace t;
  t.protocol = "torch_step";
  ReserveTrace(s.optimizer(), t, momentum, setup.num_steps);
  Record(s.optimizer(), t, momentum);
  for (int64_t k = 1; k <= setup.num_steps; ++k) {
    s.Step();
    Record(s.optimizer(), t, momentum);
  }
  return t;
}

Trace RunPlateau(const pytorch::OptimizerPtr& opt, const pytorch::ReduceLROnPlateauOptions& o,
                 const RunSetup& setup) {
  pytorch::ReduceLROnPlateau s(opt, o);  // validates the options first
  Require(static_cast<int64_t>(setup.metrics.size()) >= setup.num_steps, "ReduceLROnPlateau",
          "needs one metric per step: {} steps, {} metrics", setup.num_steps, setup.metrics.size());
  Trace t;
  t.protocol = "torch_plateau";
  ReserveTrace(*opt, t, false, setup.num_steps);
  Record(*opt, t, false);
  for (int64_t k = 1; k <= setup.num_steps; ++k) {
    s.Step(setup.metrics[static_cast<size_t>(k - 1)]);
    Record(*opt, t, false);
  }
  return t;
}

Trace RunTimm(const std::string& cls, const Value& kwargs, const RunSetup& setup) {
  using namespace timm;
  KwargReader kw(kwargs, cls);
  auto opt = MakeOpt(setup);
  WarmupOptions w;
  w.warmup_t = kw.Int("warmup_t", 0);
  w.warmup_lr_init = kw.Double("warmup_lr_init", 0.0);
  const bool step_family = cls == "StepLRScheduler" || cls == "MultiStepLRScheduler";
  w.warmup_prefix = kw.Bool("warmup_prefix", step_family);
  const bool t_in_epochs = kw.Bool("t_in_epochs", true);
  for (const char* noise : {"noise_range_t", "noise_pct", "noise_std", "noise_seed", "noise_type"}) {
    Require(!kw.Has(noise), cls, "argument '{}' (LR noise) is not supported", noise);
  }
  Require(kw.Bool("initialize", true), cls, "initialize=False is not supported");
  std::unique_ptr<Scheduler> s;
  auto cycle = [&] {
    CycleOptions c;
    c.t_initial = kw.Int("t_initial");
    c.lr_min = kw.Double("lr_min", 0.0);
    c.cycle_mul = kw.Double("cycle_mul", 1.0);
    c.cycle_decay = kw.Double("cycle_decay", 1.0);
    c.cycle_limit = kw.Int("cycle_limit", 1);
    c.k_decay = kw.Double("k_decay", 1.0);
    return c;
  };
  bool metric_driven = false;
  if (cls == "CosineLRScheduler") {
    auto c = cycle();
    kw.Finish();
    s = std::make_unique<CosineLRScheduler>(opt, c, w, t_in_epochs);
  } else if (cls == "PolyLRScheduler") {
    auto c = cycle();
    const double power = kw.Double("power", 0.5);
    kw.Finish();
    s = std::make_unique<PolyLRScheduler>(opt, c, power, w, t_in_epochs);
  } else if (cls == "TanhLRScheduler") {
    auto c = cycle();
    const double lb = kw.Double("lb", -7.0), ub = kw.Double("ub", 3.0);
    kw.Finish();
    s = std::make_unique<TanhLRScheduler>(opt, c, lb, ub, w, t_in_epochs);
  } else if (cls == "StepLRScheduler") {
    const double decay_t = kw.Double("decay_t");
    const double rate = kw.Double("decay_rate", 1.0);
    kw.Finish();
    s = std::make_unique<StepLRScheduler>(opt, decay_t, rate, w, t_in_epochs);
  } else if (cls == "MultiStepLRScheduler") {
    const auto decay_t = kw.Ints("decay_t");
    const double rate = kw.Double("decay_rate", 1.0);
    kw.Finish();
    s = std::make_unique<MultiStepLRScheduler>(opt, decay_t, rate, w, t_in_epochs);
  } else {
    PlateauOptions p;
    p.decay_rate = kw.Double("decay_rate", 0.1);
    p.patience_t = kw.Int("patience_t", 10);
    p.threshold = kw.Double("threshold", 1e-4);
    p.cooldown_t = kw.Int("cooldown_t", 0);
    p.lr_min = kw.Double("lr_min", 0.0);
    p.mode = kw.String("mode", "max");
    kw.Ignore("verbose");
    kw.Finish();
    Require(t_in_epochs, cls, "t_in_epochs must be true for the plateau scheduler");
    s = std::make_unique<PlateauLRScheduler>(opt, p, w);
    metric_driven = true;
  }
  Trace t;
  t.protocol = metric_driven ? "timm_step_metric" : (t_in_epochs ? "timm_step" : "timm_step_update");
  for (const auto& g : opt->param_groups) t.after_init.push_back(g.lr);
  if (metric_driven) {
    Require(static_cast<int64_t>(setup.metrics.size()) >= setup.num_steps + 1, cls,
            "needs one metric per epoch t = 0..{}: got {} metrics", setup.num_steps, setup.metrics.size());
  }
  ReserveTrace(*opt, t, false, setup.num_steps);
  for (int64_t k = 0; k <= setup.num_steps; ++k) {
    if (metric_driven) {
      s->Step(k, setup.metrics[static_cast<size_t>(k)]);
    } else if (t_in_epochs) {
      s->Step(k);
    } else {
      s->StepUpdate(k);
    }
    Record(*opt, t, false);
  }
  return t;
}

std::vector<double> NumberList(const Value* v, const std::string& where, const std::string& name) {
  Require(v != nullptr && v->is_list() && !v->items().empty(), where,
          "argument '{}' must be a non-empty list of numbers", name);
  std::vector<double> out;
  for (const auto& item : v->items()) {
    Require(item.is_number(), where, "argument '{}' must hold numbers only, got {}", name, item.ToJson());
    out.push_back(item.AsDouble());
  }
  return out;
}

Trace RunFormula(const std::string& name, const Value& kwargs, const RunSetup& setup) {
  KwargReader kw(kwargs, name);
  Trace t;
  t.protocol = "formula_index";
  SchedulePtr s;
  if (name == "REX") {
    const double max_lr = kw.Double("max_lr"), min_lr = kw.Double("min_lr");
    const auto T = kw.Int("T");
    kw.Finish();
    s = papers::RexPaper(max_lr, min_lr, T);
  } else if (name == "linear_decay") {
    const auto T = kw.Int("T");
    kw.Finish();
    s = papers::LinearDecay(T);
  } else if (name == "scheduled_sampling_linear") {
    const double k = kw.Double("k", 1.0), c = kw.Double("c"), eps = kw.Double("epsilon", 0.0);
    kw.Finish();
    s = papers::ScheduledSamplingLinear(k, c, eps);
  } else if (name == "scheduled_sampling_exponential") {
    const double k = kw.Double("k");
    kw.Finish();
    s = papers::ScheduledSamplingExponential(k);
  } else if (name == "scheduled_sampling_inverse_sigmoid") {
    const double k = kw.Double("k");
    kw.Finish();
    s = papers::ScheduledSamplingInverseSigmoid(k);
  } else if (name == "dynamic_masking_linear" || name == "masking_rate") {
    const double p0 = kw.Double("p_start", 0.3), p1 = kw.Double("p_end", 0.15);
    const auto T = kw.Int("T");
    std::string shape = "linear";
    int64_t levels = 4;
    if (name == "masking_rate") {
      shape = kw.String("shape", "linear");
      levels = kw.Int("num_levels", 4);
    }
    kw.Finish();
    s = papers::MaskingRate(p0, p1, T, shape, levels);
  } else if (name == "AdamS_weight_decay_multiplier") {
    const double wd = kw.Double("weight_decay");
    const auto lrs = NumberList(kw.Raw("lr_sequence"), name, "lr_sequence");
    const auto vhat = NumberList(kw.Raw("inputs_mean_vhat"), name, "inputs_mean_vhat");
    kw.Finish();
    Require(lrs.size() == vhat.size(), name,
            "lr_sequence ({}) and inputs_mean_vhat ({}) must have the same length", lrs.size(), vhat.size());
    for (size_t i = 0; i < lrs.size(); ++i) t.values.push_back(papers::SwdMultiplier(wd, lrs[i], vhat[i]));
    return t;
  } else if (name == "AdAdaGrad_norm_test") {
    const double eta = kw.Double("eta", 0.1);
    const auto max_b = kw.Int("max_batch_size", 50000);
    const auto b0 = kw.Int("initial_batch_size");
    const auto v = NumberList(kw.Raw("variance_one_norm"), name, "variance_one_norm");
    const auto g = NumberList(kw.Raw("batch_grad_norm_squared"), name, "batch_grad_norm_squared");
    kw.Finish();
    Require(v.size() == g.size(), name,
            "variance_one_norm ({}) and batch_grad_norm_squared ({}) must have the same length", v.size(),
            g.size());
    papers::NormTestBatchSize rule(b0, eta, max_b);
    for (size_t i = 0; i < v.size(); ++i) t.values.push_back(static_cast<double>(rule.Update(v[i], g[i])));
    return t;
  } else {  // find_closed_form_schedule
    t.protocol = "refinement_index";
    std::vector<double> smoothed;
    const Value* filtered = kw.Raw("gnorms_filtered");
    const Value* raw = kw.Raw("gnorms");
    const auto width = kw.OptInt("filter_width");
    const auto sigma = kw.OptDouble("sigma2");
    std::vector<double> weights;
    if (const Value* wv = kw.Raw("weights"); wv != nullptr && wv->is_list()) {
      weights = NumberList(wv, name, "weights");
    } else if (wv != nullptr) {
      Require(wv->kind() == Value::Kind::kString && wv->AsString().rfind("G**-2", 0) == 0, name,
              "weights must be a list of numbers or \"G**-2 (default)\", got {}", wv->ToJson());
    }
    kw.Finish();
    if (filtered != nullptr) {
      smoothed = NumberList(filtered, name, "gnorms_filtered");
    } else {
      const auto g = NumberList(raw, name, "gnorms");
      const auto n = static_cast<int64_t>(g.size());
      Require(width || sigma, name, "give filter_width or sigma2 to smooth gnorms (or pass gnorms_filtered)");
      smoothed =
          papers::MedianFilterForRefinement(g, width ? *width : papers::RefinementFilterWidth(*sigma, n));
    }
    auto r = papers::RefineFromGradNorms(smoothed, weights);
    t.values = std::move(r.values);
    t.raw = std::move(r.raw);
    return t;
  }
  detail::RequireNonNegative(setup.num_steps, name, "num_steps");
  t.values.reserve(static_cast<size_t>(setup.num_steps + 1));
  for (int64_t i = 0; i <= setup.num_steps; ++i) t.values.push_back(s->At(i));
  return t;
}

// hf.<name>: flat kwargs -> get_scheduler's layout.
Value HfShortcutKwargs(const std::string& hf_name, const Value& kwargs) {
  Value out = Value::Object();
  out.Set("name", Value(hf_name));
  Value specific = Value::Object();
  if (kwargs.is_object()) {
    for (size_t i = 0; i < kwargs.keys().size(); ++i) {
      const auto& key = kwargs.keys()[i];
      if (key == "num_warmup_steps" || key == "num_training_steps") {
        out.Set(key, kwargs.items()[i]);
      } else {
        specific.Set(key, kwargs.items()[i]);
      }
    }
  }
  out.Set("scheduler_specific_kwargs", specific);
  return out;
}

}  // namespace

std::vector<std::string> ScheduleNames() {
  std::vector<std::string> out;
  for (const auto& [name, family] : Registry()) out.push_back(name);
  return out;
}

std::string CanonicalScheduleName(const std::string& name) {
  const std::string n = StripPrefix(name);
  if (Registry().count(n) == 0) {
    throw Error(fmt::format("unknown schedule '{}' (valid: {})", name, fmt::join(ScheduleNames(), ", ")));
  }
  return n;
}

Trace RunSchedule(const std::string& name_in, const Value& kwargs, const RunSetup& setup) {
  const std::string name = CanonicalScheduleName(name_in);
  detail::RequireNonNegative(setup.num_steps, name, "num_steps");
  const Family family = Registry().at(name);
  const double defaults_lr =
      setup.defaults_lr.value_or(setup.param_group_lrs.empty() ? 0.0 : setup.param_group_lrs[0]);
  switch (family) {
    case Family::kTorch: {
      auto opt = MakeOpt(setup);
      bool cycles = false;
      auto s = detail::BuildTorchScheduler(name, kwargs, opt, &cycles);
      return RunStepper(*s, setup, cycles);
    }
    case Family::kTorchPlateau: {
      KwargReader kw(kwargs, name);
      auto o = detail::ReadPlateauOptions(kw);
      kw.Finish();
      return RunPlateau(MakeOpt(setup), o, setup);
    }
    case Family::kHf: {
      const Value kw = name == "get_scheduler" ? kwargs : HfShortcutKwargs(name.substr(3), kwargs);
      auto built = detail::BuildHfScheduler(kw, defaults_lr);
      if (built.plateau) return RunPlateau(MakeOpt(setup), *built.plateau, setup);
      auto opt = MakeOpt(setup);
      pytorch::LambdaLR s(opt, built.factor);
      return RunStepper(s, setup, false);
    }
    case Family::kHfInverseSqrt: {
      auto opt = MakeOpt(setup);
      pytorch::LambdaLR s(opt, detail::BuildInverseSqrtSchedule(kwargs));
      return RunStepper(s, setup, false);
    }
    case Family::kDolomite: {
      auto opt = MakeOpt(setup);
      pytorch::LambdaLR s(opt, detail::BuildDolomiteFactor(name, kwargs, opt->param_groups[0].lr));
      return RunStepper(s, setup, false);
    }
    case Family::kRexCode: {
      auto opt = MakeOpt(setup);
      pytorch::AbsoluteLR s(opt, detail::BuildRexCode(kwargs));
      return RunStepper(s, setup, false);
    }
    case Family::kTimm:
      return RunTimm(name, kwargs, setup);
    case Family::kFormula:
      return RunFormula(name, kwargs, setup);
  }
  throw Error("unreachable");
}

}  // namespace schedkit::train
