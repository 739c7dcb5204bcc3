// Workloads: trace readers and synthetic generators, producing serve::RequestSpec in arrival order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::sim {

enum class TraceFormat { kAuto, kAzure2023, kVidur, kMooncake, kBurstGpt, kLengthsOnly };

struct TraceOptions {
  TraceFormat format = TraceFormat::kAuto;  // kAuto: from the header / extension
  double time_scale = 1.0;    // arrival times multiplied by this (Vidur time_scale_factor; 2 = half rate)
  int64_t max_requests = 0;   // 0 = all
  double window_start = 0.0;  // seconds from the first request (before scaling)
  double window_end = -1.0;   // < 0 = to the end
  int32_t max_tokens = 0;     // > 0: truncate prompt so prompt + output <= max_tokens (Vidur)
};

// Reads a whole trace. Arrival times start at 0 at the first request of the file. Throws schedkit::Error
// naming the file and line for a malformed row, a missing column, a negative length or an empty result.
std::vector<serve::RequestSpec> ReadTrace(const std::string& path, const TraceOptions& options = {});

// A lazily generated stream of requests (so 10^6 synthetic requests need no array of them).
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  virtual std::optional<serve::RequestSpec> Next() = 0;
};

std::unique_ptr<RequestSource> MakeVectorSource(std::vector<serve::RequestSpec> requests);

struct LengthDistribution {
  enum class Kind { kFixed, kUniform, kZipf, kLognormal, kTrace } kind = Kind::kFixed;
  double a = 0, b = 0;  // fixed: a; uniform: [a, b]; zipf: theta=a over [1, b]; lognormal: median=a, sigma=b
  int32_t min = 1, max = 0;  // clip range after sampling (max 0 = no upper clip)
};

struct SyntheticOptions {
  enum class Arrivals { kPoisson, kGamma, kStatic } arrivals = Arrivals::kPoisson;
  double rate = 1.0;      // requests per second (> 0)
  double gamma_cv = 2.0;  // coefficient of variation of inter-arrival gaps (bursty when > 1)
  int64_t num_requests = 1000;
  LengthDistribution prompt, output;
  // kTrace lengths: resampled (with replacement) from these (prompt, output) pairs.
  std::vector<std::pair<int32_t, int32_t>> trace_lengths;
  int32_t max_tokens = 0;  // as in TraceOptions
  uint64_t seed = 0;
};

std::unique_ptr<RequestSource> MakeSyntheticSource(const SyntheticOptions& options);

}  // namespace schedkit::sim
