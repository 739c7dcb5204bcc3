// CLI of the train module: `schedkit lr NAME --arg value ... --steps N` prints a schedule as CSV or JSON,
// and --plot draws it as SVG. Arguments are named as in the reference library; --kwargs takes them as JSON
// (a golden case's "kwargs" can be pasted as is).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "schedkit/train/plot.h"
#include "schedkit/train/registry.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::cli {
namespace {

struct LrArgs {
  std::string name;
  int64_t steps = 100;
  std::string kwargs_json;
  std::string format = "csv";
  std::string output;
  std::string plot;
  std::vector<double> group_lrs = {1.0};
  double defaults_lr = -1.0;
  double momentum = 0.0;
  std::string metrics;  // comma-separated numbers, or @file with one number per line
};

// The --name value / --name=value pairs CLI11 left over, merged over --kwargs.
train::Value CollectKwargs(const LrArgs& a, const std::vector<std::string>& extras) {
  train::Value kwargs =
      a.kwargs_json.empty() ? train::Value::Object() : train::ParseJson(a.kwargs_json, "--kwargs");
  if (!kwargs.is_object()) throw Error("--kwargs must be a JSON object, e.g. '{\"step_size\": 30}'");
  for (size_t i = 0; i < extras.size(); ++i) {
    const std::string& tok = extras[i];
    if (tok.rfind("--", 0) != 0 || tok.size() < 3) {
      throw Error(
          fmt::format("lr: unexpected argument '{}' (schedule arguments are given as --name value)", tok));
    }
    std::string key = tok.substr(2), value;
    if (const auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else {
      if (i + 1 >= extras.size()) throw Error(fmt::format("lr: argument --{} needs a value", key));
      value = extras[++i];
    }
    kwargs.Set(key, train::ParseCliValue(value));
  }
  return kwargs;
}

std::vector<double> ParseMetrics(const std::string& spec) {
  std::vector<double> out;
  if (spec.empty()) return out;
  std::string text = spec;
  std::string where = "--metrics";
  if (spec[0] == '@') {
    std::ifstream in(spec.substr(1));
    if (!in) throw Error(fmt::format("--metrics: cannot read file '{}'", spec.substr(1)));
    text.assign(std::istreambuf_iterator<char>(in), {});
    where = spec.substr(1);
  }
  const auto lines = util::SplitList(text, '\n');
  for (size_t line = 0; line < lines.size(); ++line) {
    for (std::string_view tok : util::SplitList(lines[line], ',')) {
      const size_t first = tok.find_first_not_of(" \t\r");
      if (first == std::string_view::npos) continue;  // blank item
      tok = tok.substr(first, tok.find_last_not_of(" \t\r") + 1 - first);
      out.push_back(util::ParseDouble(tok, fmt::format("{}: line {}", where, line + 1)));
    }
  }
  return out;
}

// Column name -> series, in output order.
std::vector<train::PlotSeries> Columns(const train::Trace& t) {
  std::vector<train::PlotSeries> cols;
  const bool many = t.lrs.size() > 1;
  for (size_t g = 0; g < t.lrs.size(); ++g)
    cols.push_back({many ? fmt::format("lr_g{}", g) : "lr", t.lrs[g]});
  for (size_t g = 0; g < t.momentums.size(); ++g) {
    cols.push_back({many ? fmt::format("momentum_g{}", g) : "momentum", t.momentums[g]});
  }
  if (!t.values.empty()) cols.push_back({"value", t.values});
  return cols;
}

std::string RenderCsv(const train::Trace& t) {
  const auto cols = Columns(t);
  std::string out = "step";
  for (const auto& c : cols) out += "," + c.label;
  out += "\n";
  const size_t n = cols.empty() ? 0 : cols[0].values.size();
  for (size_t i = 0; i < n; ++i) {
    out += std::to_string(i);
    for (const auto& c : cols) out += fmt::format(",{:.17g}", c.values[i]);
    out += "\n";
  }
  return out;
}

std::string RenderJson(const std::string& name, const train::Value& kwargs, const train::Trace& t) {
  nlohmann::json j;
  j["name"] = name;
  j["kwargs"] = nlohmann::json::parse(kwargs.ToJson());
  j["protocol"] = t.protocol;
  if (!t.lrs.empty()) j["lrs"] = t.lrs;
  if (!t.momentums.empty()) j["momentums"] = t.momentums;
  if (!t.after_init.empty()) j["after_init"] = t.after_init;
  if (!t.values.empty()) j["values"] = t.values;
  if (!t.raw.empty()) j["raw"] = t.raw;
  return j.dump(1) + "\n";
}

void WriteFile(const std::string& path, const std::string& text, const char* flag) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(fmt::format("{}: cannot write '{}'", flag, path));
  out << text;
  if (!out) throw Error(fmt::format("{}: error writing '{}'", flag, path));
}

void RunLr(const LrArgs& a, const std::vector<std::string>& extras) {
  const std::string name = train::CanonicalScheduleName(a.name);
  const train::Value kwargs = CollectKwargs(a, extras);
  if (a.format != "csv" && a.format != "json") {
    throw Error(fmt::format("--format must be csv or json, got '{}'", a.format));
  }
  if (!a.plot.empty()) {
    const auto dot = a.plot.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : a.plot.substr(dot);
    if (ext != ".svg") {
      throw Error(fmt::format("--plot: '{}': only .svg output is supported (PNG is not built in)", a.plot));
    }
  }
  train::RunSetup setup;
  setup.num_steps = a.steps;
  setup.param_group_lrs = a.group_lrs;
  if (a.defaults_lr >= 0) setup.defaults_lr = a.defaults_lr;
  setup.momentum = a.momentum;
  setup.metrics = ParseMetrics(a.metrics);
  const train::Trace t = train::RunSchedule(name, kwargs, setup);
  const std::string text = a.format == "csv" ? RenderCsv(t) : RenderJson(name, kwargs, t);
  if (a.output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    WriteFile(a.output, text, "--output");
  }
  if (!a.plot.empty()) {
    // Momentum (about 0.9) would flatten the LR curves on a shared axis: the plot shows LRs / values only.
    std::vector<train::PlotSeries> series;
    for (auto& c : Columns(t)) {
      if (c.label.rfind("momentum", 0) != 0) series.push_back(std::move(c));
    }
    WriteFile(a.plot, train::RenderSvgPlot(series, fmt::format("{} {}", name, kwargs.ToJson())), "--plot");
  }
}

}  // namespace

void AddTrainCommands(CLI::App& app) {
  auto args = std::make_shared<LrArgs>();
  CLI::App* lr = app.add_subcommand(
      "lr",
      "Print a training schedule (LR or other scheduled value): schedkit lr NAME --arg value ... --steps N. "
      "Arguments are named as in PyTorch / transformers / timm / the papers; --kwargs '{json}' takes them as "
      "JSON. "
      "An unknown NAME lists the valid ones.");
  lr->allow_extras();
  lr->add_option("name", args->name,
                 "schedule name (e.g. StepLR, hf.cosine, get_scheduler, CosineLRScheduler)")
      ->required();
  lr->add_option("--steps", args->steps, "number of scheduler steps N (the output has N+1 rows)");
  lr->add_option("--kwargs", args->kwargs_json,
                 "schedule arguments as a JSON object (per-arg flags override)");
  lr->add_option("--format", args->format, "csv (default) or json");
  lr->add_option("--output,-o", args->output, "write to FILE instead of stdout");
  lr->add_option("--plot", args->plot, "also draw the schedule to an .svg file");
  lr->add_option("--group-lrs", args->group_lrs, "initial LR of each param group (default 1.0)")
      ->delimiter(',');
  lr->add_option("--defaults-lr", args->defaults_lr, "optimizer.defaults['lr'] (default: first group's LR)");
  lr->add_option("--momentum", args->momentum, "optimizer momentum (cycled by CyclicLR / OneCycleLR)");
  lr->add_option("--metrics", args->metrics,
                 "metrics for plateau schedules: comma-separated, or @FILE with one number per line");
  lr->callback([args, lr]() { RunLr(*args, lr->remaining()); });
}

}  // namespace schedkit::cli
