// Vidur-format profile CSVs -> interpolation curves.
#include "schedkit/sim/profile_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "schedkit/util/data_dir.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A whole CSV file as strings (the profiles have no quoted fields).
struct Csv {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // rows[i] is on line i + 2

  int Column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw Error(fmt::format("{}: missing column '{}'", path, name));
    return static_cast<int>(it - header.begin());
  }
  // The number in a cell, NaN when the cell is empty; throws on anything else that is not a number.
  double Number(size_t row, int col) const {
    const std::string& cell = rows[row][static_cast<size_t>(col)];
    if (cell.empty()) return kNaN;
    char* end = nullptr;
    const double v = std::strtod(cell.c_str(), &end);
    if (end == cell.c_str() || *end != '\0') {
      throw Error(fmt::format("{}:{}: column '{}' is not a number: '{}'", path, row + 2,
                              header[static_cast<size_t>(col)], cell));
    }
    return v;
  }
  const std::string& Text(size_t row, int col) const { return rows[row][static_cast<size_t>(col)]; }
};

std::vector<std::string> SplitComma(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Csv ReadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("{}: cannot open profile file", path));
  Csv csv;
  csv.path = path;
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1) {
      csv.header = SplitComma(line);
      continue;
    }
    if (line.empty()) continue;
    auto cells = SplitComma(line);
    if (cells.size() != csv.header.size()) {
      throw Error(
          fmt::format("{}:{}: {} fields, header has {}", path, line_no, cells.size(), csv.header.size()));
    }
    csv.rows.push_back(std::move(cells));
  }
  if (csv.header.empty()) throw Error(fmt::format("{}: empty profile file", path));
  return csv;
}

bool IsTrue(const std::string& s) { return s == "True" || s == "true" || s == "1"; }

std::string Median(const std::string& op) { return "time_stats." + op + ".median"; }

}  // namespace

const std::vector<std::string>& LinearOperatorNames() {
  static const std::vector<std::string> names = {"attn_pre_proj",
                                                 "attn_post_proj",
                                                 "mlp_up_proj",
                                                 "mlp_down_proj",
                                                 "mlp_act",
                                                 "input_layernorm",
                                                 "post_attention_layernorm",
                                                 "attn_rope",
                                                 "add"};
  return names;
}

const TokenOpProfile& MlpProfile::op(const std::string& name) const {
  for (const auto& o : ops) {
    if (o.op == name) return o;
  }
  throw Error(fmt::format("{}: no operator '{}'", path, name));
}

MlpProfile LoadMlpProfile(const std::string& path, const ModelSpec& model, int tp,
                          bool drop_incomplete_rows) {
  const Csv csv = ReadCsv(path);
  const int c_head = csv.Column("n_head"), c_kv = csv.Column("n_kv_head"), c_embd = csv.Column("n_embd");
  const int c_ffn = csv.Column("n_expanded_embd"), c_gated = csv.Column("use_gated_mlp");
  const int c_tp = csv.Column("num_tensor_parallel_workers"), c_tokens = csv.Column("num_tokens");
  std::vector<size_t> matched;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    if (csv.Number(r, c_head) == model.num_q_heads && csv.Number(r, c_kv) == model.num_kv_heads &&
        csv.Number(r, c_embd) == model.hidden_size && csv.Number(r, c_ffn) == model.ffn_size &&
        IsTrue(csv.Text(r, c_gated)) == model.gated_mlp && csv.Number(r, c_tp) == tp) {
      matched.push_back(r);
    }
  }
  if (matched.empty()) throw Error(fmt::format("{}: no row for {} at TP {}", path, model.name, tp));
  const auto rows_matched = static_cast<int64_t>(matched.size());
  if (drop_incomplete_rows) {
    std::vector<int> cols;
    for (const auto& name : LinearOperatorNames()) cols.push_back(csv.Column(Median(name)));
    std::erase_if(matched, [&](size_t r) {
      return std::any_of(cols.begin(), cols.end(), [&](int c) { return std::isnan(csv.Number(r, c)); });
    });
  }
  MlpProfile profile;
  profile.path = path;
  profile.rows_matched = rows_matched;
  const int64_t rows_dropped_whole = rows_matched - static_cast<int64_t>(matched.size());
  for (const auto& name : LinearOperatorNames()) {
    TokenOpProfile op;
    op.op = name;
    op.rows_dropped = rows_dropped_whole;
    const int col = csv.Column(Median(name));
    std::vector<std::pair<double, double>> points;
    for (size_t r : matched) {
      const double t = csv.Number(r, col);
      if (std::isnan(t)) {
        ++op.rows_dropped;
        continue;
      }
      points.emplace_back(csv.Number(r, c_tokens), t);
    }
    op.rows_used = static_cast<int64_t>(points.size());
    if (points.empty())
      throw Error(fmt::format("{}: operator '{}' has no timing for {}", path, name, model.name));
    op.ms_by_tokens = PiecewiseLinear(std::move(points));
    profile.ops.push_back(std::move(op));
  }
  return profile;
}

AttentionProfile LoadAttentionProfile(const std::string& path, const ModelSpec& model, int tp,
                                      int block_size) {
  const Csv csv = ReadCsv(path);
  const int c_embd = csv.Column("n_embd"), c_q = csv.Column("n_q_head"), c_kv = csv.Column("n_kv_head");
  const int c_block = csv.Column("block_size"), c_tp = csv.Column("num_tensor_parallel_workers");
  const int c_batch = csv.Column("batch_size"), c_chunk = csv.Column("prefill_chunk_size");
  const int c_kvsize = csv.Column("kv_cache_size");
  const int c_prefill = csv.Column(Median("attn_prefill")), c_decode = csv.Column(Median("attn_decode"));
  const int c_save = csv.Column(Median("attn_kv_cache_save"));
  std::vector<double> px, py, pz, dx, dy, dz;
  std::vector<std::pair<double, double>> save;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    if (csv.Number(r, c_embd) != model.hidden_size || csv.Number(r, c_q) != model.num_q_heads ||
        csv.Number(r, c_kv) != model.num_kv_heads || csv.Number(r, c_block) != block_size ||
        csv.Number(r, c_tp) != tp) {
      continue;
    }
    const double chunk = csv.Number(r, c_chunk), batch = csv.Number(r, c_batch), kv = csv.Number(r, c_kvsize);
    if (chunk > 0) {  // Vidur: is_decode = (prefill_chunk_size == 0)
      const double t = csv.Number(r, c_prefill);
      if (!std::isnan(t)) {
        px.push_back(chunk * chunk);
        py.push_back(kv);
        pz.push_back(t);
      }
    } else {
      const double t = csv.Number(r, c_decode);
      if (!std::isnan(t)) {
        dx.push_back(batch);
        dy.push_back(kv);
        dz.push_back(t);
      }
    }
    const double s = csv.Number(r, c_save);
    if (!std::isnan(s)) save.emplace_back(std::max(chunk, batch), s);
  }
  if (px.empty() || dx.empty() || save.empty()) {
    throw Error(fmt::format("{}: no prefill, decode or KV-save rows for {} at TP {} (block size {})", path,
                            model.name, tp, block_size));
  }
  AttentionProfile profile;
  profile.path = path;
  profile.prefill_rows = static_cast<int64_t>(px.size());
  profile.decode_rows = static_cast<int64_t>(dx.size());
  profile.kv_save_rows = static_cast<int64_t>(save.size());
  profile.prefill_ms = BuildRows(px, py, pz);
  profile.decode_ms = BuildRows(dx, dy, dz);
  profile.kv_save_ms = PiecewiseLinear(std::move(save));
  // Prefill rows of long chunks were profiled at kv = 0 only. Give them a KV slope: the slope of the nearest
  // shorter chunk that has several kv points, scaled by the chunk ratio (attention work ~ chunk x kv).
  auto rows = profile.prefill_ms.rows();
  auto row_x = profile.prefill_ms.row_x();
  double ref_slope = 0.0, ref_chunk = 0.0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const double chunk = std::sqrt(row_x[i]);
    if (rows[i].size() >= 2) {
      ref_slope = rows[i].mean_slope();
      ref_chunk = chunk;
    } else if (ref_chunk > 0) {
      rows[i].set_fallback_slope(ref_slope * chunk / ref_chunk);
    }
  }
  profile.prefill_ms = RowInterpolated2D(std::move(row_x), std::move(rows));
  return profile;
}

AllReduceProfile LoadAllReduceProfile(const std::string& path, int tp) {
  const Csv csv = ReadCsv(path);
  const int c_workers = csv.Column("num_workers"), c_dpn = csv.Column("devices_per_node");
  const int c_size = csv.Column("size"), c_time = csv.Column(Median("all_reduce"));
  const int c_coll = csv.Column("collective");
  int best_dpn = 0;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    if (csv.Number(r, c_workers) != tp || csv.Text(r, c_coll) != "all_reduce") continue;
    const int dpn = static_cast<int>(csv.Number(r, c_dpn));
    if (best_dpn != tp && (dpn == tp || dpn > best_dpn)) best_dpn = dpn;
  }
  if (best_dpn == 0) throw Error(fmt::format("{}: no all_reduce row with num_workers {}", path, tp));
  std::vector<std::pair<double, double>> points;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    if (csv.Number(r, c_workers) != tp || csv.Text(r, c_coll) != "all_reduce" ||
        static_cast<int>(csv.Number(r, c_dpn)) != best_dpn) {
      continue;
    }
    const double t = csv.Number(r, c_time);
    if (!std::isnan(t)) points.emplace_back(csv.Number(r, c_size), t);
  }
  AllReduceProfile profile;
  profile.path = path;
  profile.rows = static_cast<int64_t>(points.size());
  profile.devices_per_node = best_dpn;
  profile.ms_by_bytes = PiecewiseLinear(std::move(points));
  return profile;
}

std::vector<SplitwiseRow> LoadSplitwiseRows(const std::string& path) {
  const Csv csv = ReadCsv(path);
  const int c_model = csv.Column("model"), c_hw = csv.Column("hardware"),
            c_tp = csv.Column("tensor_parallel");
  const int c_prompt = csv.Column("prompt_size"), c_batch = csv.Column("batch_size"),
            c_tok = csv.Column("token_size");
  const int c_pt = csv.Column("prompt_time"), c_tt = csv.Column("token_time");
  std::vector<SplitwiseRow> rows;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    SplitwiseRow row;
    row.model = csv.Text(r, c_model);
    row.hardware = csv.Text(r, c_hw);
    row.tp = static_cast<int>(csv.Number(r, c_tp));
    row.prompt = static_cast<int>(csv.Number(r, c_prompt));
    row.batch = static_cast<int>(csv.Number(r, c_batch));
    row.tokens = static_cast<int>(csv.Number(r, c_tok));
    row.prompt_ms = csv.Number(r, c_pt);
    row.token_ms = csv.Number(r, c_tt);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string ProfileRoot(const std::string& override_dir) {
  if (!override_dir.empty()) return override_dir;
  return (util::DataDir() / "profiles").string();
}

std::string FindComputeProfile(const std::string& root, const std::string& gpu,
                               const std::string& profile_name, const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> sources;
  for (const auto& entry : fs::directory_iterator(fs::path(root) / "vidur", ec)) {
    if (entry.is_directory()) sources.push_back(entry.path());
  }
  std::sort(sources.begin(), sources.end());
  for (const auto& src : sources) {
    const fs::path p = src / "compute" / gpu / profile_name / file;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

std::string FindNetworkProfile(const std::string& root, const std::string& network_device,
                               const std::string& file) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> sources;
  for (const auto& entry : fs::directory_iterator(fs::path(root) / "vidur", ec)) {
    if (entry.is_directory()) sources.push_back(entry.path());
  }
  std::sort(sources.begin(), sources.end());
  for (const auto& src : sources) {
    const fs::path p = src / "network" / network_device / file;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

}  // namespace schedkit::sim
