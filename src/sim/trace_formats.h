// The per-format trace readers behind LoadTrace. Each returns the rows of a file as they are, with times in
// seconds from any origin; LoadTrace sorts, windows, rebases and truncates. Private to src/sim.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schedkit/sim/workload.h"

namespace schedkit::sim::detail {

struct RawRow {
  double time = 0.0;  // seconds, from any origin (0 for every row of a lengths-only file)
  int32_t prompt = 0;
  int32_t output = 0;
  int64_t line = 0;  // file line, for messages
  std::vector<uint64_t> hashes;
  bool has_hashes = false;
};

struct RawTrace {
  TraceFormat format = TraceFormat::kAuto;
  bool has_arrival_times = true;
  int32_t hash_block_tokens = 0;
  std::vector<RawRow> rows;
};

// Azure 2023, Vidur, BurstGPT and lengths-only CSVs. `format` kAuto: chosen from the header.
RawTrace ReadCsvTrace(const std::string& path, std::string_view text, TraceFormat format);
// Mooncake JSON Lines.
RawTrace ReadMooncakeTrace(const std::string& path, std::string_view text);

inline constexpr int32_t kMooncakeBlockTokens = 512;

}  // namespace schedkit::sim::detail
