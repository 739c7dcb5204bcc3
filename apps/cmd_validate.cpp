// schedkit validate: replays real engine runs from recipe files and prints ours / measured / error.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "commands.h"
#include "schedkit/sim/execution_roofline.h"
#include "schedkit/sim/validate.h"
#include "schedkit/util/error.h"

namespace schedkit::cli {
namespace {

struct ValidateArgs {
  std::vector<std::string> recipes;
  std::string only;
  std::string roofline_params;  // 8 comma-separated factors (refitting)
  bool quiet = false;
};

sim::RooflineParams ParseParams(const std::string& text) {
  std::vector<double> v;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) v.push_back(std::stod(item));
  if (v.size() != 8) {
    throw Error(
        "--roofline-params takes 8 numbers: gemm_compute_eff,gemm_memory_eff,attn_compute_eff,"
        "attn_memory_eff,link_eff,allreduce_ms,step_ms,per_seq_ms");
  }
  return {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
}

void Run(const ValidateArgs& a) {
  std::optional<sim::RooflineParams> params;
  if (!a.roofline_params.empty()) params = ParseParams(a.roofline_params);
  for (const std::string& path : a.recipes) {
    const sim::ValidationRecipe recipe = sim::LoadValidationRecipe(path);
    fmt::print("recipe {}: {} runs{}\n", recipe.name, recipe.runs.size(),
               recipe.source.empty() ? "" : " (" + recipe.source + ")");
    for (const auto& s : recipe.skipped) fmt::print("  skipped {}\n", s);
    const auto rows = sim::RunValidation(recipe, a.only, params ? &*params : nullptr);
    if (!a.quiet) {
      fmt::print("{:<64} {:<16} {:>12} {:>12} {:>8}\n", "run", "metric", "ours", "measured", "error");
      for (const auto& r : rows) {
        fmt::print("{:<64} {:<16} {:>12.4f} {:>12.4f} {:>7.1f}%\n", r.run, r.metric, r.ours, r.measured,
                   100 * r.rel_error());
      }
    }
    std::map<std::string, std::vector<sim::ValidationRow>> by_metric;
    for (const auto& r : rows) by_metric[r.metric].push_back(r);
    for (const auto& [metric, rs] : by_metric) {
      const auto s = sim::SummarizeErrors(rs);
      fmt::print("summary {} {}: n {} median |error| {:.1f}% worst {:.1f}% ({})\n", recipe.name, metric,
                 s.count, 100 * s.median, 100 * s.worst, s.worst_row);
    }
    const auto all = sim::SummarizeErrors(rows);
    fmt::print("summary {} all: n {} median |error| {:.1f}% worst {:.1f}% ({})\n", recipe.name, all.count,
               100 * all.median, 100 * all.worst, all.worst_row);
  }
}

}  // namespace

void AddValidateCommands(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "replay real engine runs (recipe files, docs/validate.md) and compare the simulator with them");
  cmd->add_option("recipes", args->recipes, "recipe JSON files (data/validate/*.json)")->required();
  cmd->add_option("--only", args->only, "only runs whose name contains this text");
  cmd->add_option("--roofline-params", args->roofline_params,
                  "8 roofline factors instead of the fitted ones (for refitting; docs/execution-model.md)");
  cmd->add_flag("--quiet", args->quiet, "summaries only");
  cmd->callback([args] { Run(*args); });
}

}  // namespace schedkit::cli
