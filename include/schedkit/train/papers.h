// Schedules from the papers users cite: Power scheduler and WSD variants (dolomite-engine), REX in both
// forms, linear decay and its refinement from observed gradient norms, scheduled weight decay (SWD),
// masking-rate schedules, scheduled sampling, and the AdAdaGrad norm-test batch-size rule.
// Factor schedules (dolomite, Power) multiply the base LR via pytorch::LambdaLR; the others return values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "schedkit/train/schedule.h"

namespace schedkit::train::papers {

// ---- dolomite-engine (lm_engine/optimization/scheduler.py) LambdaLR factors: warmup to 1 at step W
// (inclusive), constant to W + C, then the decay to lr_decay_factor at the decay boundary
// (W + C + D, or num_training_steps when D is absent); linear and cosine hold lr_decay_factor after it,
// exponential keeps decaying.
struct DolomiteOptions {
  int64_t num_warmup_steps = 0;
  int64_t num_constant_steps = 0;
  std::optional<int64_t> num_decay_steps;
  int64_t num_training_steps = 0;
  double lr_decay_factor = 0.0;
};
enum class DecayShape { kLinear, kCosine, kExponential };
DecayShape ParseDecayShape(const std::string& name, const char* argument);  // linear | cosine | exponential
SchedulePtr DolomiteWsd(DecayShape shape, const DolomiteOptions& options);
SchedulePtr DolomiteConstant(int64_t num_warmup_steps);

// ---- Power scheduler (Shen et al. 2024, arXiv:2408.13359; dolomite PowerScheduler):
// n <= W: n * min(1, (a/lr)(W c)^b) / W; else min(1, (a/lr)(n c)^b), with lr = param_groups[0].lr.
// Decay phase (no golden; our reading, docs/train.md): with num_decay_steps = D > 0 the last D steps before
// num_training_steps multiply the factor reached at N - D by the dolomite decay shape from 1 to
// lr_decay_factor (exponential by default), and the value after N is held.
struct PowerOptions {
  int64_t num_warmup_steps = 0;
  int64_t num_training_steps = 0;
  std::optional<int64_t> num_decay_steps;
  double lr_decay_factor = 0.0;
  double a = 0.0, b = -0.51, c = 1.0;
  double optimizer_lr = 0.0;
  DecayShape decay_shape = DecayShape::kExponential;
};
SchedulePtr Power(const PowerOptions& options);

// ---- REX (Chen, Wolfe, Kyrillidis, MLSys 2022).
// Paper form: z = 1 - t/T, lr = min + (max - min) z / (0.5 + 0.5 z) (values; t > T holds min).
SchedulePtr RexPaper(double max_lr, double min_lr, int64_t T);
// Reference code form (IvanVassi/REX_LR): z = (T - t mod T)/T, lr = min + (max - min) z / (0.1 + 0.9 z).
SchedulePtr RexCode(double max_val, double min_val, int64_t num_epochs);

// ---- Linear decay (Defazio et al. 2023, arXiv:2310.07831): 1 - t/T (multiply by the peak LR).
SchedulePtr LinearDecay(int64_t T);

// ---- Refinement of linear decay from observed gradient norms (facebookresearch/adaptive_scheduling).
// Median filter of odd width with 'nearest' edges, after right-padding 2*width samples by reflection
// (the README's recipe); width = 2 floor(sigma T / 2) + 1 when derived from sigma.
int64_t RefinementFilterWidth(double sigma, int64_t T);
std::vector<double> MedianFilterForRefinement(const std::vector<double>& gnorms, int64_t width);
struct RefinedSchedule {
  std::vector<double> raw;     // w_t * sum_{p>t} w_p / w_{T-1}; raw[T-1] = 0
  std::vector<double> values;  // raw / max(raw): multiply by the peak LR
};
// weights default to G^-2 (SGD); pass the paper's Adam weights through `weights`.
RefinedSchedule RefineFromGradNorms(const std::vector<double>& smoothed_gnorms,
                                    const std::vector<double>& weights = {});

// ---- Scheduled weight decay (Xie et al., NeurIPS 2023; AdamS): the multiplier applied to the parameters
// before the Adam step, p <- p * (1 - weight_decay * lr / sqrt(mean_vhat)), where mean_vhat is the mean over
// all parameter elements of the bias-corrected second moment (or its AMSGrad max).
double SwdMultiplier(double weight_decay, double lr, double mean_vhat);
double MeanOfSecondMoments(const std::vector<double>& vhat);
// SGDS: p <- p * (1 - lr * weight_decay * (1 - dampening) / (1 - momentum)).
double SgdsMultiplier(double weight_decay, double lr, double momentum, double dampening = 0.0);

// ---- Masking-rate schedules (Ankner et al. 2023; LMD-style progressive masking): from p_start to p_end over
// T steps with shape linear | cosine | step (num_levels equal steps); t > T holds p_end.
SchedulePtr MaskingRate(double p_start, double p_end, int64_t T, const std::string& shape = "linear",
                        int64_t num_levels = 4);

// ---- Scheduled sampling (Bengio et al. 2015, sec. 2.4): probability of feeding the ground truth.
SchedulePtr ScheduledSamplingLinear(double k, double c, double epsilon);  // max(epsilon, k - c i)
SchedulePtr ScheduledSamplingExponential(double k);                       // k^i, 0 < k < 1
SchedulePtr ScheduledSamplingInverseSigmoid(double k);                    // k / (k + exp(i / k)), k >= 1

// ---- AdAdaGrad norm test (Lau, Liu, Kolar 2024; timlautk/AdAdaGrad): the batch size grows to
// ceil(max(b, V / (eta^2 G))), capped at max_batch_size, with V = ||Var_i(g_i)||_1 (unbiased) and
// G = ||mean_i g_i||^2 from the per-sample gradients of the current batch.
struct NormTestStatistics {
  double variance_one_norm = 0.0;
  double grad_norm_squared = 0.0;
};
// per_sample_grads: one row per sample (at least 2), all rows the same length.
NormTestStatistics ComputeNormTestStatistics(const std::vector<std::vector<double>>& per_sample_grads);

class NormTestBatchSize {
 public:
  NormTestBatchSize(int64_t initial_batch_size, double eta = 0.1, int64_t max_batch_size = 50000);
  // Feeds the statistics of the batch just used; returns the next batch size.
  int64_t Update(double variance_one_norm, double grad_norm_squared);
  int64_t Update(const NormTestStatistics& s) { return Update(s.variance_one_norm, s.grad_norm_squared); }
  int64_t batch_size() const { return batch_size_; }

 private:
  int64_t batch_size_;
  double eta_;
  int64_t max_batch_size_;
};

}  // namespace schedkit::train::papers
