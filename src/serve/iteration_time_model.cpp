#include "iteration_time_model.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "schedkit/util/error.h"

namespace schedkit::serve {

IterationTimeModel::IterationTimeModel(int32_t bin_tokens, double forget)
    : bin_(bin_tokens), forget_(forget) {
  if (bin_tokens < 1) throw Error(fmt::format("iteration time model: bin width {} must be >= 1", bin_tokens));
  if (!(forget > 0 && forget <= 1)) {
    throw Error(fmt::format("iteration time model: forgetting factor {} must be in (0, 1]", forget));
  }
}

void IterationTimeModel::FitDecodes() {
  const double var = sw_ * sdd_ - sd_ * sd_;
  if (!(var > 1e-9 * sw_ * sw_)) return;  // one decode count only: the slope is unknown
  per_decode_ = std::max(0.0, (sw_ * sdt_ - sd_ * st_) / var);
  intercept_ = std::max(0.0, (st_ - per_decode_ * sd_) / sw_);
  decodes_fitted_ = true;
}

void IterationTimeModel::Add(int32_t prefill_tokens, int32_t decodes, double seconds) {
  if (prefill_tokens == 0) {
    const double d = decodes;
    sw_ = forget_ * sw_ + 1;
    sd_ = forget_ * sd_ + d;
    sdd_ = forget_ * sdd_ + d * d;
    st_ = forget_ * st_ + seconds;
    sdt_ = forget_ * sdt_ + d * seconds;
    FitDecodes();
    return;
  }
  if (!decodes_fitted_) return;  // the prefill share needs the decode cost
  const size_t k = static_cast<size_t>((prefill_tokens - 1) / bin_);
  if (k >= bins_.size()) {
    bins_.resize(k + 1);
    envelope_.resize(k + 1, 0.0);
  }
  const double share = std::max(0.0, seconds - DecodeSeconds(decodes));
  Bin& b = bins_[k];
  b.values[b.count++ % kKeep] = share;
  largest_bin_ = std::max(largest_bin_, static_cast<int32_t>(k));
  double running = 0;
  for (size_t j = 0; j < bins_.size(); ++j) {
    const Bin& bj = bins_[j];
    const size_t n = std::min(bj.count, kKeep);
    for (size_t i = 0; i < n; ++i) running = std::max(running, bj.values[i]);
    envelope_[j] = running;
  }
}

bool IterationTimeModel::Usable() const { return decodes_fitted_ && largest_bin_ >= 0; }

int32_t IterationTimeModel::MaxPredictable() const { return (largest_bin_ + 2) * bin_; }

double IterationTimeModel::PrefillSeconds(int32_t prefill_tokens) const {
  if (prefill_tokens <= 0) return 0.0;
  const size_t k = static_cast<size_t>((prefill_tokens - 1) / bin_);
  // Samples of the next bin are all larger than p: their envelope bounds p's cost from above.
  if (k + 1 < bins_.size() && bins_[k + 1].count > 0) return envelope_[k + 1];
  // Otherwise scale the envelope up to the next bin's upper edge, proportionally.
  const size_t j = std::min(k, envelope_.size() - 1);
  return envelope_[j] * static_cast<double>(k + 2) / static_cast<double>(j + 1);
}

}  // namespace schedkit::serve
