#include "schedkit/graph/jssp_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::graph {

std::array<const char*, JsspPolicy::kFeatures> JsspPolicy::FeatureNames() {
  return {"-proc", "work_left", "ops_left", "-start_delay", "-end_delay"};
}

std::vector<std::array<double, JsspPolicy::kFeatures>> JsspPolicy::Features(const JsspInstance& inst,
                                                                            const JsspObservation& o) {
  double mean_p = 0;
  for (int p : inst.proc) mean_p += p;
  mean_p = std::max(1.0, mean_p / inst.num_ops());
  const double m = inst.num_machines;
  int64_t min_start = -1, min_end = -1;
  for (int j : o.schedulable_jobs) {
    const int op = inst.Op(j, o.next_op[j]);
    const int64_t s = std::max(o.job_ready[j], o.machine_ready[inst.machine[op]]);
    if (min_start < 0 || s < min_start) min_start = s;
    if (min_end < 0 || s + inst.proc[op] < min_end) min_end = s + inst.proc[op];
  }
  std::vector<std::array<double, kFeatures>> out;
  for (int j : o.schedulable_jobs) {
    const int op = inst.Op(j, o.next_op[j]);
    const int64_t s = std::max(o.job_ready[j], o.machine_ready[inst.machine[op]]);
    out.push_back({-inst.proc[op] / mean_p, static_cast<double>(o.work_left[j]) / (mean_p * m),
                   (m - o.next_op[j]) / m, -static_cast<double>(s - min_start) / mean_p,
                   -static_cast<double>(s + inst.proc[op] - min_end) / mean_p});
  }
  return out;
}

namespace {
double Dot(const std::array<double, JsspPolicy::kFeatures>& w,
           const std::array<double, JsspPolicy::kFeatures>& f) {
  double s = 0;
  for (int i = 0; i < JsspPolicy::kFeatures; ++i) s += w[i] * f[i];
  return s;
}
}  // namespace

int JsspPolicy::Greedy(const JsspInstance& inst, const JsspObservation& o) const {
  const auto feats = Features(inst, o);
  int best = 0;
  for (size_t i = 1; i < feats.size(); ++i) {
    if (Dot(weights, feats[i]) > Dot(weights, feats[best])) best = static_cast<int>(i);
  }
  return o.schedulable_jobs[best];
}

JsspPolicyTrainResult TrainJsspPolicy(const JsspPolicyTrainOptions& opt) {
  if (opt.iterations < 1 || opt.episodes_per_batch < 2 || !(opt.learning_rate > 0)) {
    throw Error("job-shop policy training: iterations >= 1, episodes per batch >= 2 and learning rate > 0");
  }
  constexpr int F = JsspPolicy::kFeatures;
  std::mt19937_64 rng(opt.seed);
  JsspPolicyTrainResult res;
  for (int it = 0; it < opt.iterations; ++it) {
    // All episodes of a batch schedule the same instance, so the baseline compares like with like.
    const JsspInstance inst = RandomJsspInstance(opt.jobs, opt.machines, rng());
    std::vector<std::vector<std::array<double, F>>> grads(opt.episodes_per_batch);
    std::vector<double> makespans(opt.episodes_per_batch);
    for (int e = 0; e < opt.episodes_per_batch; ++e) {
      JsspEnv env(inst);
      JsspObservation o = env.Reset();
      bool done = false;
      while (!done) {
        const auto feats = JsspPolicy::Features(inst, o);
        std::vector<double> prob(feats.size());
        double mx = -INFINITY;
        for (size_t i = 0; i < feats.size(); ++i)
          mx = std::max(mx, prob[i] = Dot(res.policy.weights, feats[i]));
        double z = 0;
        for (double& p : prob) z += (p = std::exp(p - mx));
        std::array<double, F> mean{};
        for (size_t i = 0; i < feats.size(); ++i) {
          prob[i] /= z;
          for (int k = 0; k < F; ++k) mean[k] += prob[i] * feats[i][k];
        }
        std::discrete_distribution<size_t> pick(prob.begin(), prob.end());
        const size_t a = pick(rng);
        std::array<double, F> g{};
        for (int k = 0; k < F; ++k) g[k] = feats[a][k] - mean[k];
        grads[e].push_back(g);
        const JsspStep s = env.Step(o.schedulable_jobs[a]);
        done = s.done;
        o = s.observation;
      }
      makespans[e] = static_cast<double>(env.schedule().makespan);
    }
    double mean = 0, var = 0;
    for (double c : makespans) mean += c / opt.episodes_per_batch;
    for (double c : makespans) var += (c - mean) * (c - mean) / opt.episodes_per_batch;
    const double sd = std::sqrt(var) + 1e-9;
    std::array<double, F> grad{};
    for (int e = 0; e < opt.episodes_per_batch; ++e) {
      const double adv = -(makespans[e] - mean) / sd;  // shorter than the batch mean is good
      const double scale = adv / static_cast<double>(grads[e].size() * opt.episodes_per_batch);
      for (const auto& g : grads[e]) {
        for (int k = 0; k < F; ++k) grad[k] += scale * g[k];
      }
    }
    double norm = 0;
    for (double v : grad) norm += v * v;
    norm = std::max(std::sqrt(norm), 1e-3);
    for (int k = 0; k < F; ++k) res.policy.weights[k] += opt.learning_rate * grad[k] / norm;
    res.mean_makespan_per_iteration.push_back(mean);
  }
  return res;
}

int64_t EvaluateJsspPolicy(const JsspInstance& inst, const JsspPolicy& policy) {
  JsspEnv env(inst);
  JsspObservation o = env.Reset();
  bool done = false;
  while (!done) {
    const JsspStep s = env.Step(policy.Greedy(inst, o));
    done = s.done;
    o = s.observation;
  }
  ValidateJsspSchedule(inst, env.schedule());
  return env.schedule().makespan;
}

}  // namespace schedkit::graph
