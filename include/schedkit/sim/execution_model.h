// Execution-time model: predicts one iteration's duration from its batch for a model x GPU x TP degree.
// Per-iteration time = num_layers x (token-count operators + attention + 2 all-reduces), as in Vidur; the
// formulas, tiers and calibration are in docs/execution-model.md.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/sim/batch_shape.h"
#include "schedkit/sim/hardware.h"

namespace schedkit::sim {

struct RooflineProfile;  // roofline_profile.h

// Where an operator's timing comes from: measured tables, or a calibrated roofline.
enum class TimingTier { kMeasured, kCalibratedRoofline };
const char* TierName(TimingTier tier);  // "measured" / "calibrated roofline"

struct OperatorSource {
  std::string op;  // e.g. "mlp_up_proj", "attn_prefill", "all_reduce"
  TimingTier tier = TimingTier::kMeasured;
  std::string detail;  // table path, or the fitted efficiency and what it was calibrated on
};

// Breakdown of one iteration (seconds).
struct IterationTime {
  double linear = 0.0;     // token-count operators (projections, MLP, norms, rope, add, KV save)
  double attention = 0.0;  // prefill + decode attention
  double comm = 0.0;       // tensor-parallel all-reduce
  double total() const { return linear + attention + comm; }
};

class ExecutionTimeModel {
 public:
  virtual ~ExecutionTimeModel() = default;
  // Called once per simulated iteration: must be cheap (table lookups, no allocation).
  virtual IterationTime Predict(const BatchShape& batch) const = 0;
  double Seconds(const BatchShape& batch) const { return Predict(batch).total(); }
  // One entry per operator: which tier it came from, for the simulator's summary.
  virtual const std::vector<OperatorSource>& Sources() const = 0;
};

struct ExecutionModelOptions {
  std::string profile_dir;  // root holding vidur/... profiles; empty = $SCHEDKIT_DATA_DIR/profiles, else the
                            // bundled copy
  bool vidur_rounding =
      true;  // round token counts up to 8, KV to 64, mean-KV decode attention (Vidur's choices)
  bool gqa_overhead = true;      // Vidur's +10% on attention for GQA models with more than one prefill/decode
  double nccl_launch_ms = 0.02;  // Vidur's NCCL CPU launch overhead, added to each all-reduce
  int block_size = 16;           // selects attention.csv rows
  // All-reduce table: "" = Vidur's default node (<gpu>_pairwise_nvlink up to TP 4, <gpu>_dgx for TP 8;
  // a30_single_gpu on an A30), or "dgx" / "pairwise_nvlink" to force one (SplitwiseSim measured on DGX
  // nodes).
  std::string network_node;
  // mlp.csv rows with an empty median: false = dropped per operator (keeps more data); true = the whole row
  // is dropped for every operator, as the Vidur reference runs did (167 of 261 rows for Qwen2-7B on the A30).
  bool drop_incomplete_rows = false;
  // Beyond the profiled points: false = linear extrapolation (docs/execution-model.md); true = the edge
  // value, as Vidur's random forests predict (e.g. decode attention flat above the A30 profile's batch 48).
  bool clamp_to_profile = false;
  // Tier-2 prefill attention: also scale the A30-fitted roofline to SplitwiseSim's measured A100/H100 times.
  bool splitwise_calibration = true;
  // Use the calibrated roofline of execution_roofline.h (fitted on real vLLM runs, engine overhead included)
  // even where Vidur profiles exist. Models or GPUs outside Vidur's four models and three GPUs always use it.
  bool roofline = false;
  // Calibrated roofline: whose engine overhead to charge ("vllm-v0" or "vllm-v1", roofline_profile.h), and
  // the factors (null = the built-in FittedRooflineProfile()). A profile given here selects the roofline for
  // every model, as `roofline` does.
  std::string runtime = "vllm-v1";
  std::shared_ptr<const RooflineProfile> roofline_profile;
};

// Whether MakeExecutionModel uses the calibrated roofline of execution_roofline.h (engine overhead included)
// rather than Vidur profiles for this model and GPU.
bool UsesCalibratedRoofline(const ModelSpec& model, const GpuSpec& gpu, const ExecutionModelOptions& options);

// Vidur's models on Vidur's GPUs use the profiles (throwing schedkit::Error for an unsupported TP, listing
// the supported combinations); any other model or GPU uses the calibrated roofline of execution_roofline.h.
std::unique_ptr<ExecutionTimeModel> MakeExecutionModel(const ModelSpec& model, const GpuSpec& gpu, int tp,
                                                       const ExecutionModelOptions& options = {});

// "Llama-2-7B on a100 TP 1/2/4/8; ..." for error messages and --help.
std::string SupportedCombinations();

}  // namespace schedkit::sim
