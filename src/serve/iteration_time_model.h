// An engine's iteration time learned from its own measurements, for policies that size iterations to
// deadlines (SLAI). Two parts:
//   * decode-only iterations: T = a + c d (d decodes), exponentially weighted least squares;
//   * iterations with p > 0 prefill tokens: an upper envelope over prefill-size bins of width `bin` tokens. A
//     sample's prefill share (T - a - c d) is projected to its bin's upper edge (x upper / p, exact for a
//     cost linear in p, conservative for a concave one) and each bin keeps the largest of its last 8; a bin's
//     estimate is the largest over it and every smaller bin, so predictions never fall as p grows.
// Predict(p, d) = a + c d + envelope(bin of p). The model extrapolates one bin only (proportionally to the
// bins' upper edges): MaxPredictable is one bin above the largest observed, so a caller's budget grows one
// bin at a time as it observes larger iterations.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace schedkit::serve {

class IterationTimeModel {
 public:
  IterationTimeModel(int32_t bin_tokens, double forget);

  void Add(int32_t prefill_tokens, int32_t decodes, double seconds);
  // Whether the decode fit is determined (two distinct decode counts seen) and some prefill bin is observed.
  bool Usable() const;
  // Largest prefill size with a prediction: the upper edge of the bin above the largest observed one.
  int32_t MaxPredictable() const;
  // Seconds for an iteration with `prefill_tokens` (<= MaxPredictable(); requires Usable()) and `decodes`:
  // DecodeSeconds(decodes) + PrefillSeconds(prefill_tokens).
  double Predict(int32_t prefill_tokens, int32_t decodes) const {
    return DecodeSeconds(decodes) + PrefillSeconds(prefill_tokens);
  }
  double DecodeSeconds(int32_t decodes) const { return intercept_ + per_decode_ * decodes; }
  double PrefillSeconds(int32_t prefill_tokens) const;

 private:
  static constexpr size_t kKeep = 8;  // samples kept per bin
  void FitDecodes();

  int32_t bin_;
  double forget_;
  // Decode-only fit: weighted sums of 1, d, d^2, T, d T.
  double sw_ = 0, sd_ = 0, sdd_ = 0, st_ = 0, sdt_ = 0;
  double intercept_ = 0, per_decode_ = 0;
  bool decodes_fitted_ = false;
  struct Bin {
    std::array<double, kKeep> values{};
    size_t count = 0;
  };
  std::vector<Bin> bins_;         // bins_[k] covers prefill sizes ((k) * bin, (k + 1) * bin]
  std::vector<double> envelope_;  // running maximum over bins 0..k (NaN-free; 0 before any sample)
  int32_t largest_bin_ = -1;
};

}  // namespace schedkit::serve
