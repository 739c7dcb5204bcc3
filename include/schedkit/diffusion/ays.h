// Align Your Steps (Sabour et al. 2024): published schedules and their log-linear interpolation.
#pragma once

#include <string>
#include <vector>

namespace schedkit::diffusion {

// diffusers AysSchedules: "StableDiffusionTimesteps", "StableDiffusionSigmas", "StableDiffusionXLTimesteps",
// "StableDiffusionXLSigmas", "StableDiffusionVideoSigmas".
const std::vector<double>& AysSchedule(const std::string& name);
std::vector<std::string> AysScheduleNames();
// NVIDIA how-to 11-level noise lists ("SD1", "SDXL", "SVD"), ending at sigma_min.
const std::vector<double>& AysNoiseLevels(const std::string& model);
// Log-linear interpolation of a descending level list to `steps` steps: steps+1 sigmas, the last set to 0.
std::vector<double> LogLinearInterpolate(const std::vector<double>& levels, int steps);
std::vector<double> AysSigmas(const std::string& model, int steps);

}  // namespace schedkit::diffusion
