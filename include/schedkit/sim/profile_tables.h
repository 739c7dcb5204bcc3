// Readers for Vidur-format profile CSVs (mlp.csv, attention.csv, network all_reduce.csv). Times in ms.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schedkit/sim/hardware.h"
#include "schedkit/sim/profile_interp.h"

namespace schedkit::sim {

// The token-count operators of one transformer layer, in Vidur's names (mlp.csv columns
// time_stats.<op>.median).
const std::vector<std::string>& LinearOperatorNames();

// One operator's curve over num_tokens, with the rows kept / dropped (empty median) for it.
struct TokenOpProfile {
  std::string op;
  PiecewiseLinear ms_by_tokens;
  int64_t rows_used = 0;
  int64_t rows_dropped = 0;  // rows of this model x TP whose median for this operator is empty
};

struct MlpProfile {
  std::string path;
  int64_t rows_matched = 0;         // rows of the file for this model x TP
  std::vector<TokenOpProfile> ops;  // in LinearOperatorNames() order
  const TokenOpProfile& op(const std::string& name) const;
};

struct AttentionProfile {
  std::string path;
  RowInterpolated2D prefill_ms;  // x = prefill_chunk_size^2, y = kv_cache_size (Vidur's features)
  RowInterpolated2D decode_ms;   // x = batch_size, y = kv_cache_size
  PiecewiseLinear kv_save_ms;    // over num_tokens = max(prefill_chunk_size, batch_size), all rows
  int64_t prefill_rows = 0, decode_rows = 0, kv_save_rows = 0;
};

struct AllReduceProfile {
  std::string path;
  PiecewiseLinear ms_by_bytes;
  int64_t rows = 0;
  int devices_per_node = 0;
};

// Filters rows on the model's shape (n_head, n_kv_head, n_embd, n_expanded_embd, use_gated_mlp) and TP, as
// Vidur does except for vocab_size (the Llama-2 rows say 32,768, the HF config 32,000). Empty medians are
// dropped per operator. Throws schedkit::Error naming the file (and line) when it is unreadable, malformed or
// has no row.
// With drop_incomplete_rows, a row with any empty operator median is dropped for every operator (what the
// Vidur reference runs did: 167 of the A30 Qwen2-7B file's 261 rows); rows_dropped then counts those rows.
MlpProfile LoadMlpProfile(const std::string& path, const ModelSpec& model, int tp,
                          bool drop_incomplete_rows = false);
AttentionProfile LoadAttentionProfile(const std::string& path, const ModelSpec& model, int tp,
                                      int block_size = 16);
// Rows with num_workers == tp; among their devices_per_node values, tp itself if present (Vidur), else the
// largest.
AllReduceProfile LoadAllReduceProfile(const std::string& path, int tp);

// One row of SplitwiseSim's perf_model.csv (whole-model batch times on DGX-A100/H100, ms).
struct SplitwiseRow {
  std::string model;     // "llama2-70b", "bloom-176b"
  std::string hardware;  // "a100-80gb", "h100-80gb", "h100-80gb-pcap"
  int tp = 0;
  int prompt = 0, batch = 0, tokens = 0;
  double prompt_ms = 0, token_ms = 0;
};
std::vector<SplitwiseRow> LoadSplitwiseRows(const std::string& path);

// The root holding vidur/<source>/{compute,network}/... and splitwise_sim/perf_model.csv: `override_dir` if
// set, else util::DataDir()/profiles ($SCHEDKIT_DATA_DIR, else the install layout, else the source tree's
// data/).
std::string ProfileRoot(const std::string& override_dir = {});

// <root>/vidur/<source>/compute/<gpu>/<profile_name>/<file> for the first source (sorted) that has it; "" if
// none.
std::string FindComputeProfile(const std::string& root, const std::string& gpu,
                               const std::string& profile_name, const std::string& file);
std::string FindNetworkProfile(const std::string& root, const std::string& network_device,
                               const std::string& file);

}  // namespace schedkit::sim
