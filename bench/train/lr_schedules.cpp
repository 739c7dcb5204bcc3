// Evaluating a schedule for 10^6 steps must take <= 50 ms. One benchmark per schedule, grouped by
// family in the name; each iteration evaluates (or steps) 10^6 times. Run with
//   build/release/bench/train/bench_lr_schedules --benchmark_repetitions=5
//   --benchmark_report_aggregates_only=true
// and read the *_median rows.
#include <benchmark/benchmark.h>

#include <cmath>

#include "schedkit/train/hf.h"
#include "schedkit/train/papers.h"
#include "schedkit/train/pytorch.h"
#include "schedkit/train/registry.h"
#include "schedkit/train/schedule.h"
#include "schedkit/train/timm.h"

namespace st = schedkit::train;

namespace {

constexpr int64_t kSteps = 1000000;

void EvalSchedule(benchmark::State& state, const st::SchedulePtr& s) {
  for (auto _ : state) {
    double acc = 0.0;
    for (int64_t i = 0; i < kSteps; ++i) acc += s->At(i);
    benchmark::DoNotOptimize(acc);
  }
}

template <typename Make>
void StepScheduler(benchmark::State& state, Make make) {
  for (auto _ : state) {
    auto s = make();
    double acc = 0.0;
    for (int64_t i = 0; i < kSteps; ++i) {
      s->Step();
      acc += s->last_lr()[0];
    }
    benchmark::DoNotOptimize(acc);
  }
}

// ---- calibration: 10^6 bare std::cos calls (the machine's speed under its current load)
void BM_Baseline_BareCos(benchmark::State& state) {
  for (auto _ : state) {
    double acc = 0.0;
    for (int64_t i = 0; i < kSteps; ++i) acc += std::cos(static_cast<double>(i) * 1e-6);
    benchmark::DoNotOptimize(acc);
  }
}

// ---- core / closed-form factor schedules
void BM_Core_Hf_Cosine(benchmark::State& s) { EvalSchedule(s, st::hf::Cosine(10000, kSteps)); }
void BM_Core_Hf_WsdOneSqrt(benchmark::State& s) {
  st::hf::WsdOptions o;
  o.num_warmup_steps = 10000;
  o.num_stable_steps = 790000;
  o.num_decay_steps = 200000;
  o.decay_type = "1-sqrt";
  EvalSchedule(s, st::hf::WarmupStableDecay(o));
}
void BM_Core_Combinators_WarmupSequenceChain(benchmark::State& s) {
  auto cosine =
      st::FromFunction([](int64_t t) { return 0.5 * (1 + std::cos(M_PI * static_cast<double>(t) / 5e5)); });
  auto seq = st::Sequence({st::LinearWarmup(cosine, 1000, 0.0), st::Constant(0.01)}, {500000});
  EvalSchedule(s, st::Chain({seq, st::Cycle(st::Scale(st::Constant(1.0), 2.0), 1000)}));
}

// ---- PyTorch stepping (recursive get_lr, one group)
void BM_Torch_StepLR(benchmark::State& s) {
  StepScheduler(
      s, [] { return std::make_unique<st::pytorch::StepLR>(st::pytorch::MakeOptimizer({0.1}), 1000, 0.5); });
}
void BM_Torch_CosineAnnealingLR(benchmark::State& s) {
  StepScheduler(s, [] {
    return std::make_unique<st::pytorch::CosineAnnealingLR>(st::pytorch::MakeOptimizer({0.1}), kSteps, 1e-5);
  });
}
void BM_Torch_CyclicLR(benchmark::State& s) {
  StepScheduler(s, [] {
    st::pytorch::CyclicLROptions o;
    o.base_lr = {0.001};
    o.max_lr = {0.1};
    o.mode = "exp_range";
    o.gamma = 0.99999;
    return std::make_unique<st::pytorch::CyclicLR>(st::pytorch::MakeOptimizer({0.1}, 0.9), o);
  });
}
void BM_Torch_OneCycleLR(benchmark::State& s) {
  StepScheduler(s, [] {
    st::pytorch::OneCycleLROptions o;
    o.max_lr = {0.1};
    o.total_steps = kSteps + 1;
    return std::make_unique<st::pytorch::OneCycleLR>(st::pytorch::MakeOptimizer({0.1}, 0.9), o);
  });
}
void BM_Torch_SequentialLR(benchmark::State& s) {
  StepScheduler(s, [] {
    auto opt = st::pytorch::MakeOptimizer({0.1});
    std::vector<st::pytorch::LRSchedulerPtr> c;
    c.push_back(std::make_unique<st::pytorch::LinearLR>(opt, 0.1, 1.0, 1000));
    c.push_back(std::make_unique<st::pytorch::CosineAnnealingLR>(opt, kSteps));
    return std::make_unique<st::pytorch::SequentialLR>(opt, std::move(c), std::vector<int64_t>{1000});
  });
}
void BM_Torch_LambdaLR_HfLinear(benchmark::State& s) {
  StepScheduler(s, [] {
    return std::make_unique<st::pytorch::LambdaLR>(st::pytorch::MakeOptimizer({0.1}),
                                                   st::hf::Linear(1000, kSteps));
  });
}
void BM_Torch_ReduceLROnPlateau(benchmark::State& state) {
  for (auto _ : state) {
    auto opt = st::pytorch::MakeOptimizer({0.1});
    st::pytorch::ReduceLROnPlateau p(opt);
    double acc = 0.0;
    for (int64_t i = 0; i < kSteps; ++i) {
      p.Step(1.0 / static_cast<double>(1 + i % 5000));
      acc += opt->param_groups[0].lr;
    }
    benchmark::DoNotOptimize(acc);
  }
}

// ---- timm explicit t
void BM_Timm_CosineCycles(benchmark::State& state) {
  auto opt = st::pytorch::MakeOptimizer({0.1});
  st::timm::CycleOptions c;
  c.t_initial = 1000;
  c.cycle_mul = 2.0;
  c.cycle_limit = 100;
  c.cycle_decay = 0.9;
  st::timm::CosineLRScheduler s(opt, c, {100, 1e-6, false});
  for (auto _ : state) {
    double acc = 0.0;
    for (int64_t t = 0; t < kSteps; ++t) {
      s.Step(t);
      acc += opt->param_groups[0].lr;
    }
    benchmark::DoNotOptimize(acc);
  }
}

void BM_Timm_CosineWarmupSingleCycle(benchmark::State& state) {
  auto opt = st::pytorch::MakeOptimizer({0.1});
  st::timm::CycleOptions c;
  c.t_initial = kSteps;
  c.lr_min = 1e-5;
  st::timm::CosineLRScheduler s(opt, c, {1000, 1e-6, false});
  for (auto _ : state) {
    double acc = 0.0;
    for (int64_t t = 0; t < kSteps; ++t) {
      s.Step(t);
      acc += opt->param_groups[0].lr;
    }
    benchmark::DoNotOptimize(acc);
  }
}

// ---- papers
void BM_Papers_Power(benchmark::State& s) {
  st::papers::PowerOptions o;
  o.num_warmup_steps = 1000;
  o.num_training_steps = kSteps;
  o.num_decay_steps = 100000;
  o.lr_decay_factor = 0.1;
  o.a = 4.0;
  o.c = 4096.0;
  o.optimizer_lr = 0.02;
  EvalSchedule(s, st::papers::Power(o));
}
void BM_Papers_RexPaper(benchmark::State& s) { EvalSchedule(s, st::papers::RexPaper(0.1, 0.0, kSteps)); }
void BM_Papers_RefineFromGradNorms(benchmark::State& state) {
  std::vector<double> g(kSteps);
  for (int64_t i = 0; i < kSteps; ++i)
    g[static_cast<size_t>(i)] = 1.0 + 0.3 * std::sin(static_cast<double>(i) / 5000.0);
  for (auto _ : state) benchmark::DoNotOptimize(st::papers::RefineFromGradNorms(g).values.back());
}
void BM_Papers_AdAdaGradNormTest(benchmark::State& state) {
  for (auto _ : state) {
    st::papers::NormTestBatchSize rule(32, 0.1, 50000);
    int64_t acc = 0;
    for (int64_t i = 0; i < kSteps; ++i) acc += rule.Update(1.0 + static_cast<double>(i % 100), 1.0);
    benchmark::DoNotOptimize(acc);
  }
}

// ---- registry end to end (what the CLI and the parity test do), 10^6 steps with recording
void BM_Registry_OneCycleLR_Trace(benchmark::State& state) {
  st::RunSetup setup;
  setup.param_group_lrs = {0.1};
  setup.momentum = 0.9;
  setup.num_steps = kSteps - 1;
  const auto kwargs = st::ParseJson(R"({"max_lr": 0.1, "total_steps": 1000000})", "bench");
  for (auto _ : state) benchmark::DoNotOptimize(st::RunSchedule("OneCycleLR", kwargs, setup).lrs[0].back());
}

}  // namespace

#define SK_BENCH(f) BENCHMARK(f)->Unit(benchmark::kMillisecond)
SK_BENCH(BM_Baseline_BareCos);
SK_BENCH(BM_Core_Hf_Cosine);
SK_BENCH(BM_Core_Hf_WsdOneSqrt);
SK_BENCH(BM_Core_Combinators_WarmupSequenceChain);
SK_BENCH(BM_Torch_StepLR);
SK_BENCH(BM_Torch_CosineAnnealingLR);
SK_BENCH(BM_Torch_CyclicLR);
SK_BENCH(BM_Torch_OneCycleLR);
SK_BENCH(BM_Torch_SequentialLR);
SK_BENCH(BM_Torch_LambdaLR_HfLinear);
SK_BENCH(BM_Torch_ReduceLROnPlateau);
SK_BENCH(BM_Timm_CosineCycles);
SK_BENCH(BM_Timm_CosineWarmupSingleCycle);
SK_BENCH(BM_Papers_Power);
SK_BENCH(BM_Papers_RexPaper);
SK_BENCH(BM_Papers_RefineFromGradNorms);
SK_BENCH(BM_Papers_AdAdaGradNormTest);
SK_BENCH(BM_Registry_OneCycleLR_Trace);

BENCHMARK_MAIN();
