// Calibration (`schedkit calibrate`): fits the roofline profile's factors (efficiencies, all-reduce latency,
// the engine's per-step and per-sequence overhead) to measured runs, by Nelder-Mead in log space minimising
// median + 1/4 mean |relative error| over every measured metric of every run (the score `schedkit validate`
// reports). Runs come from validation recipes or from measurement files (calibrate_inputs.h).
#pragma once

#include <string>
#include <vector>

#include "schedkit/sim/roofline_profile.h"
#include "schedkit/sim/validate.h"

namespace schedkit::sim {

struct CalibrationOptions {
  // Parameter names (ProfileParameterNames) to fit; empty = every factor the runs exercise (all-reduce terms
  // only with TP > 1, PCIe only without NVLink, the overhead of the runtimes the runs use).
  std::vector<std::string> parameters;
  int max_evaluations = 800;
  bool leave_one_out = false;  // also refit without each run in turn and score the run left out
};

struct HeldOutRun {
  std::string run;
  ErrorSummary error;  // of the run's rows under the profile fitted on the other runs
};

struct CalibrationResult {
  RooflineProfile profile;
  std::vector<std::string> parameters;
  ErrorSummary before, after;  // every row, start profile and fitted profile
  double objective_before = 0, objective_after = 0;
  int evaluations = 0;
  std::vector<ValidationRow> rows;  // under the fitted profile
  std::vector<HeldOutRun> leave_one_out;
  ErrorSummary leave_one_out_all;  // every held-out row together
};

// median + 0.25 x mean of |relative error|.
double CalibrationObjective(const std::vector<ValidationRow>& rows);

// Parameters a set of runs can pin down (see CalibrationOptions::parameters).
std::vector<std::string> DefaultCalibrationParameters(const std::vector<ValidationRun>& runs,
                                                      const RooflineProfile& profile);

// Throws schedkit::Error for no runs or an unknown parameter name.
CalibrationResult Calibrate(const std::vector<ValidationRun>& runs, const RooflineProfile& start,
                            const CalibrationOptions& options = {});

}  // namespace schedkit::sim
