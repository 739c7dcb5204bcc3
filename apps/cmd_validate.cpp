// schedkit validate: replays real engine runs from recipe files and prints ours / measured / error.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

#include "commands.h"
#include "schedkit/sim/roofline_profile.h"
#include "schedkit/sim/validate.h"
#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::cli {
namespace {

struct ValidateArgs {
  std::vector<std::string> recipes;
  std::string only;
  std::string profile;            // roofline profile JSON (schedkit calibrate)
  std::vector<std::string> sets;  // NAME=VALUE overrides of profile parameters
  bool quiet = false;
};

void Run(const ValidateArgs& a) {
  sim::RooflineProfile profile =
      a.profile.empty() ? sim::FittedRooflineProfile() : sim::ReadRooflineProfile(a.profile);
  for (const std::string& kv : a.sets) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw Error("--set " + kv + ": expected NAME=VALUE");
    sim::SetProfileParameter(profile, kv.substr(0, eq), util::ParseDouble(kv.substr(eq + 1), "--set " + kv));
  }
  for (const std::string& path : a.recipes) {
    const sim::ValidationRecipe recipe = sim::LoadValidationRecipe(path);
    fmt::print("recipe {}: {} runs{}\n", recipe.name, recipe.runs.size(),
               recipe.source.empty() ? "" : " (" + recipe.source + ")");
    for (const auto& s : recipe.skipped) fmt::print("  skipped {}\n", s);
    const auto rows = sim::RunValidation(recipe, a.only, &profile);
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
  cmd->add_option("--profile", args->profile,
                  "roofline profile JSON (schedkit calibrate) instead of the built-in factors");
  cmd->add_option("--set", args->sets,
                  "NAME=VALUE: override one profile parameter (gemm_memory_eff, vllm-v1.step_ms, ...)");
  cmd->add_flag("--quiet", args->quiet, "summaries only");
  cmd->callback([args] { Run(*args); });
}

}  // namespace schedkit::cli
