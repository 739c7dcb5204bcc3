// CLI subcommands of the diffusion module: `diffusion sigmas`, `diffusion bench`, `diffusion list`.
#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "schedkit/diffusion/gmm_benchmark.h"
#include "schedkit/diffusion/schedule_optimizer.h"
#include "schedkit/diffusion/scheduler.h"
#include "schedkit/util/error.h"

namespace schedkit::cli {

namespace {
namespace dif = schedkit::diffusion;

dif::ConfigValue JsonToValue(const nlohmann::json& v, const std::string& key) {
  if (v.is_null()) return std::monostate{};
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "-inf") return -INFINITY;
    if (s == "inf") return INFINITY;
    return s;
  }
  if (v.is_array()) {
    std::vector<double> out;
    for (const auto& e : v) {
      if (!e.is_number()) throw Error(fmt::format("--config: key '{}' must be a list of numbers", key));
      out.push_back(e.get<double>());
    }
    return out;
  }
  throw Error(fmt::format("--config: key '{}' has an unsupported value {}", key, v.dump()));
}

// --config is inline JSON or a path to a JSON file (diffusers' scheduler_config.json).
void ApplyJsonConfig(dif::SchedulerConfig& cfg, const std::string& text) {
  std::string body = text;
  if (!text.empty() && text.front() != '{') {
    std::ifstream in(text);
    if (!in) throw Error(fmt::format("--config: '{}' is neither JSON nor a readable file", text));
    body.assign(std::istreambuf_iterator<char>(in), {});
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(fmt::format("--config: invalid JSON: {}", e.what()));
  }
  if (!j.is_object()) throw Error("--config: expected a JSON object of config keys");
  for (const auto& [k, v] : j.items()) {
    if (!k.empty() && k[0] == '_') continue;  // diffusers metadata such as _class_name
    cfg.Set(k, JsonToValue(v, k));
  }
}

std::string Num(double v) { return fmt::format("{:.9g}", v); }
}  // namespace

void AddDiffusionCommands(CLI::App& app) {
  auto* d = app.add_subcommand("diffusion", "diffusion samplers: schedules, quality benchmark");
  d->require_subcommand(1);

  // sigmas
  auto* sig = d->add_subcommand("sigmas", "print a scheduler's timesteps and sigmas after set_timesteps");
  auto scheduler = std::make_shared<std::string>();
  auto steps = std::make_shared<int>(0);
  auto config_json = std::make_shared<std::string>();
  auto assignments = std::make_shared<std::vector<std::string>>();
  auto mu = std::make_shared<double>(NAN);
  sig->add_option("--scheduler", *scheduler, "scheduler id or diffusers class name")->required();
  sig->add_option("--steps", *steps, "num_inference_steps")->required();
  sig->add_option("--config", *config_json, "diffusers config as JSON text or a JSON file");
  sig->add_option("--mu", *mu, "mu for dynamic shifting");
  sig->add_option("overrides", *assignments, "config overrides key=value");
  sig->callback([=] {
    dif::SchedulerConfig cfg = dif::DefaultConfig(*scheduler);
    if (!config_json->empty()) ApplyJsonConfig(cfg, *config_json);
    for (const auto& a : *assignments) cfg.SetAssignment(a);
    auto s = dif::MakeScheduler(*scheduler, cfg);
    dif::TimestepRequest r;
    r.num_inference_steps = *steps;
    if (!std::isnan(*mu)) r.mu = *mu;
    s->SetTimesteps(r);
    fmt::print("# {} steps={} init_noise_sigma={}\n", s->class_name(), *steps, Num(s->init_noise_sigma()));
    fmt::print("index,timestep,sigma\n");
    const size_t rows = std::max(s->timesteps().size(), s->sigmas().size());
    for (size_t i = 0; i < rows; ++i) {
      const std::string t = i < s->timesteps().size() ? Num(s->timesteps()[i]) : "";
      const std::string g = i < s->sigmas().size() ? Num(s->sigmas()[i]) : "";
      fmt::print("{},{},{}\n", i, t, g);
    }
  });

  // list
  auto* list = d->add_subcommand("list", "list schedulers and their config keys with defaults");
  list->callback([] {
    for (const auto& n : dif::SchedulerNames()) {
      const std::string id = n.substr(0, n.find(' '));
      fmt::print("{}\n", n);
      const dif::SchedulerConfig cfg = dif::DefaultConfig(id);
      for (const auto& k : cfg.keys()) {
        fmt::print("  {}={}\n", k.name, dif::SchedulerConfig::ValueToString(k.default_value));
      }
    }
  });

  // bench
  auto* bench =
      d->add_subcommand("bench", "2-D Gaussian-mixture quality benchmark (ODE RMSE / sliced W2 vs NFE)");
  auto samples = std::make_shared<int>(2000);
  auto nfes = std::make_shared<std::vector<int>>();
  auto only = std::make_shared<std::string>();
  bench->add_option("--samples", *samples, "number of starting states (default 2000)");
  bench->add_option("--nfe", *nfes, "NFE values (default 1 2 3 4 5 6 8 10 15 20 25 30 40 50)");
  bench->add_option("--sampler", *only, "run only the sampler with this label");
  bench->callback([=] {
    if (*samples < 1) throw Error("--samples must be at least 1");
    const std::vector<int> list_nfe = nfes->empty() ? dif::GmmNfeList() : *nfes;
    for (int n : list_nfe) {
      if (n < 1) throw Error(fmt::format("--nfe values must be at least 1, got {}", n));
    }
    dif::GmmBenchmark b(*samples);
    bool found = only->empty();
    fmt::print("sampler");
    for (int n : list_nfe) fmt::print(",NFE {}", n);
    fmt::print("\n");
    for (const auto& s : dif::GmmSamplers()) {
      if (!only->empty() && s.label != *only) continue;
      found = true;
      fmt::print("{}", s.label);
      for (int n : list_nfe) {
        const dif::GmmResult r = b.Evaluate(s, n);
        if (!r.reachable) {
          fmt::print(",");
        } else if (std::isnan(r.ode_rmse)) {
          fmt::print(",- / {:.3g}", r.sw2);
        } else {
          fmt::print(",{:.3g} / {:.3g}", r.ode_rmse, r.sw2);
        }
      }
      fmt::print("\n");
    }
    if (!found) {
      std::string labels;  // NOLINT
      for (const auto& s : dif::GmmSamplers()) labels += (labels.empty() ? "" : ", ") + s.label;
      throw Error(fmt::format("--sampler: unknown label '{}'; valid labels: {}", *only, labels));
    }
  });

  // optimize
  auto* opt =
      d->add_subcommand("optimize", "search a sampler's timesteps minimising the GMM trajectory error");
  auto label = std::make_shared<std::string>("UniPC bh1 o3");
  auto nfe = std::make_shared<int>(10);
  auto train_n = std::make_shared<int>(2000);
  auto passes = std::make_shared<int>(8);
  opt->add_option("--sampler", *label, "sampler label of the benchmark (deterministic)");
  opt->add_option("--nfe", *nfe, "number of steps (= NFE)");
  opt->add_option("--train", *train_n, "training starting states (seed 7)");
  opt->add_option("--passes", *passes, "coordinate-descent passes");
  opt->callback([=] {
    if (*nfe < 1 || *train_n < 1 || *passes < 1)
      throw Error("--nfe, --train and --passes must be at least 1");
    const dif::GmmSampler* chosen = nullptr;
    const auto samplers = dif::GmmSamplers();
    std::string labels;
    for (const auto& s : samplers) {
      labels += (labels.empty() ? "" : ", ") + s.label;
      if (s.label == *label) chosen = &s;
    }
    if (chosen == nullptr)
      throw Error(fmt::format("--sampler: unknown label '{}'; valid labels: {}", *label, labels));
    if (chosen->heun) throw Error("--sampler: Heun's NFE is 2 steps - 1; choose a single-evaluation sampler");
    dif::GmmBenchmark train(*train_n, 2, 7);
    const dif::ScheduleSearchResult r = dif::OptimizeTimesteps(train, *chosen, *nfe, *passes);
    dif::GmmBenchmark test(2000);
    dif::TimestepRequest req;
    req.timesteps = r.timesteps;
    const bool ve = chosen->scheduler == "euler";
    const double before = test.Evaluate(*chosen, *nfe).ode_rmse;
    const double after = test.OdeRmse(test.Sample(*chosen, req), ve);
    fmt::print("sampler: {}\nnfe: {}\ntimesteps: [{}]\n", chosen->label, *nfe, fmt::join(r.timesteps, ", "));
    fmt::print("train ode_rmse: {:.4f} -> {:.4f} ({} evaluations)\n", r.initial_error, r.final_error,
               r.evaluations);
    fmt::print("test ode_rmse (2000 states): {:.4f} -> {:.4f}\n", before, after);
  });
}

}  // namespace schedkit::cli
