// SplitwiseSim calibration of the tier-2 prefill attention (see profile_roofline.h).
#include <algorithm>
#include <filesystem>
#include <map>

#include "schedkit/sim/profile_roofline.h"
#include "schedkit/sim/profile_tables.h"

namespace schedkit::sim {

SplitwiseCalibration FitSplitwisePrefillScale(const std::string& profile_root, const GpuSpec& gpu,
                                              const AttentionRoofline& fit, double nccl_launch_ms) {
  SplitwiseCalibration cal;
  const std::string hardware = gpu.name + "-80gb";
  const std::string perf_path = profile_root + "/splitwise_sim/perf_model.csv";
  const ModelSpec& model = FindModel("Llama-2-70B");
  constexpr int kTp = 2;
  const std::string mlp_path = FindComputeProfile(profile_root, gpu.name, model.profile_name, "mlp.csv");
  const std::string ar_path = FindNetworkProfile(profile_root, gpu.name + "_dgx", "all_reduce.csv");
  std::error_code ec;
  if (mlp_path.empty() || ar_path.empty() || !std::filesystem::is_regular_file(perf_path, ec)) return cal;

  std::map<int, std::vector<double>> times;  // prompt -> prefill times of its repeats
  for (const auto& row : LoadSplitwiseRows(perf_path)) {
    if (row.model == "llama2-70b" && row.hardware == hardware && row.tp == kTp && row.batch == 1 &&
        row.prompt >= 1024 && row.prompt <= 4096) {
      times[row.prompt].push_back(row.prompt_ms);
    }
  }
  if (times.empty()) return cal;
  const MlpProfile mlp = LoadMlpProfile(mlp_path, model, kTp);
  const AllReduceProfile ar = LoadAllReduceProfile(ar_path, kTp);
  RooflineTerm unscaled = fit.prefill;
  unscaled.scale = 1.0;
  double num = 0.0, den = 0.0;
  for (auto& [prompt, v] : times) {
    std::sort(v.begin(), v.end());
    const double measured = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
    double linear = 0.0;
    for (const auto& op : mlp.ops) linear += op.ms_by_tokens(prompt);
    const double comm = 2.0 * (ar.ms_by_bytes(2.0 * model.hidden_size * prompt) + nccl_launch_ms);
    const double att = unscaled.Ms(gpu, 1, PrefillAttentionWork(model, kTp, 0, prompt));
    const double rest = model.num_layers * (linear + comm);
    const double a = model.num_layers * att;
    // minimise sum((rest + k a - measured) / measured)^2
    num += a * (measured - rest) / (measured * measured);
    den += a * a / (measured * measured);
    ++cal.points;
  }
  if (den > 0 && num > 0) cal.scale = num / den;
  cal.path = perf_path;
  return cal;
}

}  // namespace schedkit::sim
