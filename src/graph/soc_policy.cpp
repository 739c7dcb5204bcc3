#include "schedkit/graph/soc_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "schedkit/util/error.h"

namespace schedkit::graph {

namespace {
constexpr double kTimeUnit = 100.0;  // us, feature scale

double Dot(const std::array<double, SocPolicy::kFeatures>& w,
           const std::array<double, SocPolicy::kFeatures>& f) {
  double s = 0;
  for (int i = 0; i < SocPolicy::kFeatures; ++i) s += w[i] * f[i];
  return s;
}
}  // namespace

std::array<const char*, SocPolicy::kFeatures> SocPolicy::FeatureNames() {
  return {"-exec", "-data_wait", "-pe_wait", "-est_finish", "rank_u", "job_age", "fastest_pe", "pe_idle"};
}

std::array<double, SocPolicy::kFeatures> SocPolicy::Features(const SocObservation& o, int i, int p) {
  const SocReadyTask& t = o.ready[i];
  double fastest = kCannotRun;
  for (double w : t.exec_us) fastest = std::min(fastest, w);
  const double exec = t.exec_us[p];
  const double data = static_cast<double>(t.data_wait_us[p]);
  const double wait = static_cast<double>(o.pe_wait_us[p]);
  return {-exec / kTimeUnit,           -data / kTimeUnit,
          -wait / kTimeUnit,           -(std::max(data, wait) + exec) / kTimeUnit,
          t.rank_u / kTimeUnit,        static_cast<double>(t.job_age_us) / kTimeUnit,
          exec == fastest ? 1.0 : 0.0, o.pe_idle[p] ? 1.0 : 0.0};
}

std::pair<int, int> SocPolicy::Greedy(const SocObservation& o) const {
  std::pair<int, int> best{-1, -1};
  double best_score = -INFINITY;
  for (int i = 0; i < static_cast<int>(o.ready.size()); ++i) {
    for (int p = 0; p < static_cast<int>(o.pe_idle.size()); ++p) {
      if (o.ready[i].exec_us[p] == kCannotRun) continue;
      const double s = Dot(weights, Features(o, i, p));
      if (best.first < 0 || s > best_score) {
        best = {i, p};
        best_score = s;
      }
    }
  }
  return best;
}

PolicyTrainResult TrainSocPolicy(const Ds3Soc& soc, const SocSimConfig& config,
                                 const PolicyTrainOptions& opt) {
  if (opt.iterations < 1 || opt.episodes_per_batch < 1 || !(opt.learning_rate > 0)) {
    throw Error("policy training: iterations, episodes per batch and learning rate must be > 0");
  }
  constexpr int F = SocPolicy::kFeatures;
  SocEnv env(soc, config);
  std::mt19937_64 rng(opt.seed);
  PolicyTrainResult res;
  struct Episode {
    std::vector<std::array<double, F>> grad_logp;  // per step: f(chosen) - E_pi[f]
    double ret = 0;
    double mean_job_time = 0;
  };
  for (int it = 0; it < opt.iterations; ++it) {
    std::vector<Episode> batch(opt.episodes_per_batch);
    for (auto& ep : batch) {
      SocObservation o = env.Reset(rng());
      bool done = false;
      std::vector<std::array<double, F>> feats;
      std::vector<std::pair<int, int>> actions;
      std::vector<double> probs;
      while (!done) {
        feats.clear();
        actions.clear();
        double max_score = -INFINITY;
        probs.clear();
        for (int i = 0; i < static_cast<int>(o.ready.size()); ++i) {
          for (int p = 0; p < env.num_pes(); ++p) {
            if (o.ready[i].exec_us[p] == kCannotRun) continue;
            feats.push_back(SocPolicy::Features(o, i, p));
            actions.push_back({i, p});
            probs.push_back(Dot(res.policy.weights, feats.back()));
            max_score = std::max(max_score, probs.back());
          }
        }
        double z = 0;
        for (double& s : probs) z += (s = std::exp(s - max_score));
        std::array<double, F> mean{};
        for (size_t a = 0; a < probs.size(); ++a) {
          probs[a] /= z;
          for (int k = 0; k < F; ++k) mean[k] += probs[a] * feats[a][k];
        }
        std::discrete_distribution<size_t> pick(probs.begin(), probs.end());
        const size_t a = pick(rng);
        std::array<double, F> g{};
        for (int k = 0; k < F; ++k) g[k] = feats[a][k] - mean[k];
        ep.grad_logp.push_back(g);
        const SocStep s = env.Step(actions[a].first, actions[a].second);
        ep.ret += s.reward;
        done = s.done;
        o = s.observation;
      }
      ep.mean_job_time = env.Result().avg_job_time_us;
    }
    double mean_ret = 0, mean_time = 0;
    for (const auto& ep : batch) {
      mean_ret += ep.ret / static_cast<double>(batch.size());
      mean_time += ep.mean_job_time / static_cast<double>(batch.size());
    }
    double var = 0;
    for (const auto& ep : batch)
      var += (ep.ret - mean_ret) * (ep.ret - mean_ret) / static_cast<double>(batch.size());
    const double sd = std::sqrt(var) + 1e-9;
    std::array<double, F> grad{};
    for (const auto& ep : batch) {
      const double adv = (ep.ret - mean_ret) / sd;
      // Average over the episode's steps so the step size does not grow with the episode length.
      const double scale = adv / static_cast<double>(ep.grad_logp.size() * batch.size());
      for (const auto& g : ep.grad_logp) {
        for (int k = 0; k < F; ++k) grad[k] += scale * g[k];
      }
    }
    double norm = 0;
    for (double v : grad) norm += v * v;
    norm = std::sqrt(norm);
    for (int k = 0; k < F; ++k) res.policy.weights[k] += opt.learning_rate * grad[k] / std::max(norm, 1e-3);
    res.mean_job_time_per_iteration.push_back(mean_time);
  }
  return res;
}

double EvaluateSocPolicy(const Ds3Soc& soc, const SocSimConfig& config, const SocPolicy& policy,
                         std::uint64_t seed) {
  SocEnv env(soc, config);
  SocObservation o = env.Reset(seed);
  bool done = false;
  while (!done) {
    const auto [i, p] = policy.Greedy(o);
    const SocStep s = env.Step(i, p);
    done = s.done;
    o = s.observation;
  }
  return env.Result().avg_job_time_us;
}

}  // namespace schedkit::graph
