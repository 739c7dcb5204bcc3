#include "schedkit/graph/jssp_bench.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <set>

#include "schedkit/util/error.h"
#include "schedkit/util/parse.h"

namespace schedkit::graph {

double GapPercent(int64_t makespan, int64_t ub) {
  return ub > 0 ? 100.0 * static_cast<double>(makespan - ub) / static_cast<double>(ub) : 0.0;
}

std::string SizeClass(const std::string& instance, const std::string& family) {
  if (family != "ta" && family != "dmu") return family;
  const int32_t num =
      util::ParseInt32(std::string_view(instance).substr(std::min(family.size(), instance.size())),
                       fmt::format("number of instance '{}' in family '{}'", instance, family));
  const int lo = (num - 1) / 10 * 10 + 1;
  return fmt::format("{}{:02d}-{:02d}", family, lo, lo + 9);
}

std::vector<JsspBenchRow> RunJsspBench(const JsspBenchOptions& o) {
  const auto bounds = ReadJsspBounds(o.data_dir + "/bounds.csv");
  std::set<std::string> families, classes;
  std::vector<const JsspBounds*> chosen;
  for (const auto& [name, b] : bounds) {
    families.insert(b.family);
    classes.insert(SizeClass(name, b.family));
    if (b.family == o.family || SizeClass(name, b.family) == o.family) chosen.push_back(&b);
  }
  if (chosen.empty()) {
    std::string known;
    for (const auto& f : families) known += (known.empty() ? "" : ", ") + f;
    throw Error(
        fmt::format("unknown instance family '{}' (valid: {}, or a class such as ta01-10)", o.family, known));
  }
  std::vector<JsspBenchRow> rows;
  for (const JsspBounds* b : chosen) {
    const JsspInstance inst = ReadJsspInstance(o.data_dir + "/instances/" + b->instance + ".txt");
    JsspBenchRow row;
    row.instance = b->instance;
    row.size_class = SizeClass(b->instance, b->family);
    row.jobs = inst.num_jobs;
    row.machines = inst.num_machines;
    row.ub = b->ub;
    row.cpsat600_ub = b->cpsat600_ub;
    JsspSchedule best_start;
    for (DispatchRule r : o.rules) {
      const JsspSchedule s = ScheduleByRule(inst, r);
      ValidateJsspSchedule(inst, s);
      row.rule_makespan.push_back(s.makespan);
      if (best_start.start.empty() || s.makespan < best_start.makespan) {
        best_start = s;
        row.tabu_start_rule = DispatchRuleName(r);
      }
    }
    if (o.tabu) {
      if (best_start.start.empty()) {
        best_start = ScheduleByRule(inst, DispatchRule::kFddMwkr);
        row.tabu_start_rule = "FDD/MWKR";
      }
      TabuOptions t = o.tabu_options;
      t.lower_bound = std::max(t.lower_bound, b->lb);
      const TabuResult res = TabuSearch(inst, best_start, t);
      ValidateJsspSchedule(inst, res.best);
      row.tabu_makespan = res.best.makespan;
      row.tabu_stopped_by = res.stopped_by;
      row.tabu_iterations = res.iterations;
      row.tabu_seconds = res.seconds;
      row.tabu_cpu_seconds = res.cpu_seconds;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string FormatJsspBench(const JsspBenchOptions& o, const std::vector<JsspBenchRow>& rows) {
  std::string out = "| instance | size | ub |";
  std::string sep = "|---|---|---|";
  for (DispatchRule r : o.rules) {
    out += fmt::format(" {} |", DispatchRuleName(r));
    sep += "---|";
  }
  if (o.tabu) {
    out += " tabu | stopped by | iterations | cpu s | CP-SAT 600 s |";
    sep += "---|---|---|---|---|";
  }
  out += "\n" + sep + "\n";
  for (const auto& row : rows) {
    out += fmt::format("| {} | {}x{} | {} |", row.instance, row.jobs, row.machines, row.ub);
    for (int64_t m : row.rule_makespan) out += fmt::format(" {} ({:.1f} %) |", m, GapPercent(m, row.ub));
    if (o.tabu) {
      out += fmt::format(" {} ({:.2f} %) | {} | {} | {:.1f} | {} ({:.2f} %) |", row.tabu_makespan,
                         GapPercent(row.tabu_makespan, row.ub), row.tabu_stopped_by, row.tabu_iterations,
                         row.tabu_cpu_seconds, row.cpsat600_ub, GapPercent(row.cpsat600_ub, row.ub));
    }
    out += "\n";
  }
  // Mean gap per class.
  std::vector<std::string> classes;
  for (const auto& row : rows) {
    if (std::find(classes.begin(), classes.end(), row.size_class) == classes.end())
      classes.push_back(row.size_class);
  }
  out += "\nMean gap to the best known upper bound (%), per class:\n\n| class | n |";
  sep = "|---|---|";
  for (DispatchRule r : o.rules) {
    out += fmt::format(" {} |", DispatchRuleName(r));
    sep += "---|";
  }
  if (o.tabu) {
    out += " tabu | CP-SAT 600 s |";
    sep += "---|---|";
  }
  out += "\n" + sep + "\n";
  for (const auto& c : classes) {
    std::vector<double> sum(o.rules.size(), 0.0);
    double tabu = 0, cpsat = 0;
    int n = 0;
    for (const auto& row : rows) {
      if (row.size_class != c) continue;
      ++n;
      for (size_t i = 0; i < o.rules.size(); ++i) sum[i] += GapPercent(row.rule_makespan[i], row.ub);
      tabu += GapPercent(row.tabu_makespan, row.ub);
      cpsat += GapPercent(row.cpsat600_ub, row.ub);
    }
    out += fmt::format("| {} | {} |", c, n);
    for (double s : sum) out += fmt::format(" {:.2f} |", s / n);
    if (o.tabu) out += fmt::format(" {:.2f} | {:.2f} |", tabu / n, cpsat / n);
    out += "\n";
  }
  return out;
}

}  // namespace schedkit::graph
