// Fits roofline profiles to measured runs (Nelder-Mead in log space), with leave-one-run-out scoring.
#include "schedkit/sim/calibrate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "schedkit/sim/hardware.h"
#include "schedkit/sim/nelder_mead.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

std::vector<ValidationRow> Score(const std::vector<ValidationRun>& runs, const RooflineProfile& p) {
  std::vector<ValidationRow> rows;
  for (const auto& run : runs) {
    auto r = RunValidationRun(run, &p);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  return rows;
}

// Search coordinates: efficiencies in (0, 1) through the logit (smooth at the cap), the rest by their log.
double ToSearch(const std::string& name, double v) {
  if (IsEfficiencyParameter(name)) {
    v = std::clamp(v, 1e-4, 1.0 - 1e-4);
    return std::log(v / (1.0 - v));
  }
  return std::log(std::max(v, 1e-6));
}

double FromSearch(const std::string& name, double x) {
  return IsEfficiencyParameter(name) ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x);
}

RooflineProfile Apply(const RooflineProfile& start, const std::vector<std::string>& names,
                      const std::vector<double>& x) {
  RooflineProfile p = start;
  for (size_t i = 0; i < names.size(); ++i) {
    SetProfileParameter(p, names[i], FromSearch(names[i], x[i]));
  }
  return p;
}

struct Fit {
  RooflineProfile profile;
  double objective = 0;
  int evaluations = 0;
};

Fit FitOn(const std::vector<ValidationRun>& runs, const RooflineProfile& start,
          const std::vector<std::string>& names, int max_evaluations) {
  std::vector<double> x0;
  for (const auto& n : names) x0.push_back(ToSearch(n, GetProfileParameter(start, n)));
  NelderMeadOptions o;
  o.max_evaluations = max_evaluations;
  o.tolerance = 1e-5;
  // Each engine runtime's runs weigh equally, however many rows each has (a grid of 500 offline batches
  // of one engine must not drown a handful of online runs of another).
  std::map<std::string, std::vector<ValidationRun>> groups;
  for (const auto& run : runs) groups[RunRuntime(run)].push_back(run);
  auto f = [&](const std::vector<double>& x) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (x[i] > 12.0 || x[i] < -14.0) return 1e9;  // outside any physical range
    }
    const RooflineProfile p = Apply(start, names, x);
    double sum = 0;
    for (const auto& [runtime, rs] : groups) sum += CalibrationObjective(Score(rs, p));
    return sum / static_cast<double>(groups.size());
  };
  const NelderMeadResult r = NelderMead(f, x0, o);
  return {Apply(start, names, r.x), r.value, r.evaluations};
}

}  // namespace

double CalibrationObjective(const std::vector<ValidationRow>& rows) {
  if (rows.empty()) return 0;
  std::vector<double> e;
  double sum = 0;
  for (const auto& r : rows) {
    const double x = std::abs(r.rel_error());
    e.push_back(std::isfinite(x) ? x : 1e6);
    sum += e.back();
  }
  return ValidationPercentile(e, 0.5) + 0.25 * sum / static_cast<double>(e.size());
}

std::vector<std::string> DefaultCalibrationParameters(const std::vector<ValidationRun>& runs,
                                                      const RooflineProfile& profile) {
  bool nvlink_tp = false, pcie_tp = false;
  std::set<std::string> runtimes;
  for (const auto& run : runs) {
    if (run.tp > 1) (FindGpu(run.gpu).nvlink_gbs > 0 ? nvlink_tp : pcie_tp) = true;
    runtimes.insert(RunRuntime(run));
  }
  std::vector<std::string> names = {"gemm_compute_eff", "gemm_memory_eff", "attn_compute_eff",
                                    "attn_memory_eff"};
  if (nvlink_tp) names.push_back("link_eff");
  if (pcie_tp) names.push_back("pcie_eff");
  if (nvlink_tp || pcie_tp) names.push_back("allreduce_ms");
  for (const auto& rt : runtimes) {
    if (!profile.runtimes.count(rt)) continue;
    names.push_back(rt + ".step_ms");
    names.push_back(rt + ".per_seq_ms");
  }
  return names;
}

CalibrationResult Calibrate(const std::vector<ValidationRun>& runs, const RooflineProfile& start,
                            const CalibrationOptions& options) {
  if (runs.empty()) throw Error("calibrate: no runs to fit");
  CalibrationResult out;
  out.parameters =
      options.parameters.empty() ? DefaultCalibrationParameters(runs, start) : options.parameters;
  for (const auto& n : out.parameters) GetProfileParameter(start, n);  // names checked
  const auto before = Score(runs, start);
  out.before = SummarizeErrors(before);
  out.objective_before = CalibrationObjective(before);
  const Fit fit = FitOn(runs, start, out.parameters, options.max_evaluations);
  out.profile = fit.profile;
  out.evaluations = fit.evaluations;
  out.rows = Score(runs, out.profile);
  out.after = SummarizeErrors(out.rows);
  out.objective_after = CalibrationObjective(out.rows);
  if (options.leave_one_out && runs.size() > 1) {
    std::vector<ValidationRow> held;
    for (size_t i = 0; i < runs.size(); ++i) {
      std::vector<ValidationRun> rest;
      for (size_t k = 0; k < runs.size(); ++k) {
        if (k != i) rest.push_back(runs[k]);
      }
      // Parameters the remaining runs cannot pin keep the full fit's value.
      std::vector<std::string> names;
      const auto pinned = DefaultCalibrationParameters(rest, start);
      for (const auto& n : out.parameters) {
        if (std::find(pinned.begin(), pinned.end(), n) != pinned.end()) names.push_back(n);
      }
      const Fit f = FitOn(rest, start, names, options.max_evaluations);
      const auto rows = RunValidationRun(runs[i], &f.profile);
      out.leave_one_out.push_back({runs[i].name, SummarizeErrors(rows)});
      held.insert(held.end(), rows.begin(), rows.end());
    }
    out.leave_one_out_all = SummarizeErrors(held);
  }
  return out;
}

}  // namespace schedkit::sim
