// Workloads: trace readers and synthetic generators, producing serve::RequestSpec in arrival order.
// Formats, options and the decisions behind them: docs/workloads.md.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schedkit/serve/request.h"

namespace schedkit::sim {

enum class TraceFormat { kAuto, kAzure2023, kVidur, kMooncake, kBurstGpt, kLengthsOnly };

// "auto", "azure2023", "vidur", "mooncake", "burstgpt", "lengths".
const char* TraceFormatName(TraceFormat format);
// Inverse of TraceFormatName; throws schedkit::Error listing the valid names.
TraceFormat ParseTraceFormat(const std::string& name);

struct TraceOptions {
  TraceFormat format = TraceFormat::kAuto;  // kAuto: .jsonl/.json or a leading '{', else the CSV header
  double time_scale = 1.0;    // arrival times multiplied by this (Vidur time_scale_factor; 2 = half rate)
  int64_t max_requests = 0;   // 0 = all; else the first N requests (after the window)
  double window_start = 0.0;  // seconds from the first request (before scaling), inclusive
  double window_end = -1.0;   // exclusive; < 0 = to the end
  int32_t max_tokens = 0;     // > 0: prompt -= max(0, prompt + output - max_tokens) (Vidur trace_replay)
  // Vidur raises 0-token prompts and outputs to 1; with this set a 0 length is an error instead.
  bool reject_zero_lengths = false;
  // Keep the file's own time origin (arrival = file time x time_scale) as Vidur's trace_replay does, instead
  // of starting at 0 at the first request. For Vidur, BurstGPT and Mooncake files; Azure wall-clock times
  // still start at 0 at the first row. A negative time is then an error.
  bool keep_time_origin = false;
};

// What reading a trace did besides producing requests, so that nothing is changed silently.
struct TraceReport {
  TraceFormat format = TraceFormat::kAuto;  // the format actually read
  bool has_arrival_times = true;            // false for lengths-only files: every arrival is 0
  int64_t rows = 0;                         // data rows in the file
  int64_t zero_lengths_raised = 0;          // rows with a 0-token prompt or output raised to 1
  int64_t out_of_order_rows = 0;            // rows earlier than the row before them (the trace was sorted)
  int64_t first_out_of_order_line = 0;      // file line of the first of them (0 = none)
  int64_t outside_window = 0;               // rows left out by the time window
  int64_t beyond_cap = 0;                   // rows left out by max_requests
  int64_t truncated = 0;                    // prompts shortened by max_tokens
  // One line per non-zero counter above, to print as warnings.
  std::vector<std::string> Warnings(const std::string& path) const;
};

struct Trace {
  std::vector<serve::RequestSpec> requests;
  TraceReport report;
};

// Reads a whole trace. Rows are stably sorted by time, arrival times start at 0 at the first kept request
// (unless keep_time_origin), and ids are 0..n-1 in that order (file order for a sorted file). Throws
// schedkit::Error naming the file, line and column for a malformed row, a missing column (listing the
// expected ones), a negative length, an unreadable file or an empty result. Rows outside the window or the
// cap, raised zero lengths, truncated prompts and a re-sort are counted in the report, never done silently.
Trace LoadTrace(const std::string& path, const TraceOptions& options = {});
std::vector<serve::RequestSpec> ReadTrace(const std::string& path, const TraceOptions& options = {});

// (prompt, output) pairs of a trace of any format, for SyntheticOptions::trace_lengths (window, cap and
// max_tokens apply; time_scale is irrelevant).
std::vector<std::pair<int32_t, int32_t>> ReadTraceLengths(const std::string& path,
                                                          const TraceOptions& options = {});

// Vidur's max_tokens rule on one request: both lengths raised to >= 1, then the prompt shortened so that
// prompt + output <= max_tokens (max_tokens <= 0: no limit). Returns false, lengths unchanged, when
// output >= max_tokens leaves no room for a prompt token (Vidur asserts there).
bool TruncateToMaxTokens(int32_t max_tokens, int32_t& prompt, int32_t& output);

// The trace slice bundled with schedkit for the default run: traces/azure_conv_2023_first2000.csv under
// util::DataDir() ($SCHEDKIT_DATA_DIR, else the install layout, else the source tree's data/).
std::string BundledTracePath();

// A lazily generated stream of requests (so 10^6 synthetic requests need no array of them).
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  virtual std::optional<serve::RequestSpec> Next() = 0;

  // Sources whose requests depend on others (agentic programs: a call arrives when its parents finish). The
  // simulator reports every finished or rejected request to a reactive source, then puts back the request it
  // holds (PutBack) and asks Next() again, since a released call may arrive before it.
  virtual bool reactive() const { return false; }
  virtual void OnRequestDone(const serve::Request& /*request*/, double /*now*/) {}
  virtual void PutBack(const serve::RequestSpec& /*spec*/) {}
};

std::unique_ptr<RequestSource> MakeVectorSource(std::vector<serve::RequestSpec> requests);

struct LengthDistribution {
  enum class Kind { kFixed, kUniform, kZipf, kLognormal, kTrace } kind = Kind::kFixed;
  // fixed: a; uniform: integers in [a, b]; zipf: P(k) ~ k^-a over k in [1, b]; lognormal: median a, sigma b.
  double a = 0, b = 0;
  int32_t min = 1, max = 0;  // clip range after sampling (max 0 = no upper clip)
};

struct SyntheticOptions {
  enum class Arrivals { kPoisson, kGamma, kStatic } arrivals = Arrivals::kPoisson;
  double rate = 1.0;      // requests per second (> 0)
  double gamma_cv = 2.0;  // coefficient of variation of inter-arrival gaps (bursty when > 1)
  int64_t num_requests = 1000;
  LengthDistribution prompt, output;
  // kTrace lengths: (prompt, output) pairs resampled with replacement (prompt and output stay paired).
  std::vector<std::pair<int32_t, int32_t>> trace_lengths;
  int32_t max_tokens = 0;  // as in TraceOptions
  uint64_t seed = 0;
};

// Validates the options (schedkit::Error naming the option) and returns a generator. Same seed, same
// requests, bit for bit (given the same libm). The first request arrives after one gap, as in Vidur.
std::unique_ptr<RequestSource> MakeSyntheticSource(const SyntheticOptions& options);

// Maximum-likelihood lognormal for observed lengths (median = exp(mean ln x), sigma = standard deviation of
// ln x), e.g. "lognormal lengths like the conv trace". Throws schedkit::Error for no lengths or a length < 1.
LengthDistribution FitLognormal(const std::vector<int32_t>& lengths);

// The one text form of the synthetic options, in flags and config files alike. `flag` names the field or
// option in errors.
//   lengths: "fixed:N", "uniform:LO:HI", "zipf:THETA:MAX", "lognormal:MEDIAN:SIGMA", "trace" (resampled
//   from trace_lengths); arrivals: "poisson", "gamma", "static"
// Unknown names list the valid ones; parameters are checked later by MakeSyntheticSource.
LengthDistribution ParseLengthDistribution(const std::string& spec, const std::string& flag);
SyntheticOptions::Arrivals ParseArrivals(const std::string& name, const std::string& flag);
std::string_view ArrivalsName(SyntheticOptions::Arrivals arrivals);

// Writes requests as a Vidur trace_replay CSV (arrived_at with 9 decimals, num_prefill_tokens,
// num_decode_tokens), e.g. to replay a synthetic workload in Vidur. Throws schedkit::Error if it cannot
// write.
void WriteVidurTrace(const std::string& path, const std::vector<serve::RequestSpec>& requests);

}  // namespace schedkit::sim
