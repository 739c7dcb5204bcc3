// Validation recipes (docs/validate.md): JSON runs, optionally one template expanded over a CSV table's
// rows; workloads from arrival stages or a per-request trace; measured values from numbers or CSV columns.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "schedkit/sim/hardware.h"
#include "schedkit/sim/validate.h"
#include "schedkit/sim/workload.h"
#include "schedkit/util/data_dir.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using Row = std::map<std::string, std::string>;

struct Csv {
  std::vector<std::string> header;
  std::vector<Row> rows;
};

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (char ch : line) {
    if (ch == '"') {
      quoted = !quoted;
    } else if (ch == ',' && !quoted) {
      out.push_back(cell);
      cell.clear();
    } else if (ch != '\r') {
      cell += ch;
    }
  }
  out.push_back(cell);
  return out;
}

Csv ReadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read {}", path));
  Csv csv;
  std::string line;
  if (!std::getline(in, line)) throw Error(fmt::format("{}: empty file", path));
  csv.header = SplitCsvLine(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto cells = SplitCsvLine(line);
    Row r;
    for (size_t i = 0; i < csv.header.size() && i < cells.size(); ++i) r[csv.header[i]] = cells[i];
    csv.rows.push_back(std::move(r));
  }
  return csv;
}

class Ctx {
 public:
  Ctx(std::string file) : file_(std::move(file)) {}
  std::string Path(const std::string& p) const {
    std::string s = p;
    if (s.rfind("${shared}", 0) == 0) return SharedDataDir() + s.substr(9);
    if (!s.empty() && s[0] != '/') return (fs::path(file_).parent_path() / s).string();
    return s;
  }
  // "{Column}" replaced by the row's (mapped) value.
  std::string Sub(const std::string& text, const Row& row) const {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '{' && (i == 0 || text[i - 1] != '$')) {
        const auto end = text.find('}', i);
        if (end != std::string::npos) {
          const std::string col = text.substr(i + 1, end - i - 1);
          auto it = row.find(col);
          if (it == row.end()) throw Error(fmt::format("{}: no column '{}' for '{}'", file_, col, text));
          out += it->second;
          i = end;
          continue;
        }
      }
      out += text[i];
    }
    return out;
  }
  double Num(const json& j, const char* field, const Row& row, double fallback, bool required = false) const {
    if (!j.contains(field)) {
      if (required) throw Error(fmt::format("{}: missing field '{}'", file_, field));
      return fallback;
    }
    if (j[field].is_number()) return j[field].get<double>();
    if (j[field].is_string()) {
      const std::string s = Sub(j[field].get<std::string>(), row);
      char* end = nullptr;
      const double v = std::strtod(s.c_str(), &end);
      if (end != s.c_str() && *end == '\0') return v;
      throw Error(fmt::format("{}: field '{}' = '{}' is not a number", file_, field, s));
    }
    throw Error(fmt::format("{}: field '{}' must be a number or a string", file_, field));
  }
  std::string Str(const json& j, const char* field, const Row& row, const std::string& fallback,
                  bool required = false) const {
    if (!j.contains(field)) {
      if (required) throw Error(fmt::format("{}: missing field '{}'", file_, field));
      return fallback;
    }
    if (!j[field].is_string()) throw Error(fmt::format("{}: field '{}' must be a string", file_, field));
    return Sub(j[field].get<std::string>(), row);
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// Stages of arrivals: "burst" (all at `start`), "even" (rate x duration, evenly spaced) or "poisson";
// lengths from ParseLengthDistribution forms; optional shared-prefix groups.
void AddStage(const Ctx& c, const json& st, const Row& row, int32_t block_size, uint64_t seed,
              std::vector<serve::RequestSpec>* out) {
  const std::string arrivals = c.Str(st, "arrivals", row, "burst");
  const double start = c.Num(st, "start_s", row, 0.0);
  const double rate = c.Num(st, "rate", row, 0.0);
  const double duration = c.Num(st, "duration_s", row, 0.0);
  int64_t count = static_cast<int64_t>(c.Num(st, "count", row, -1));
  if (count < 0) count = static_cast<int64_t>(std::llround(rate * duration));
  if (count <= 0)
    throw Error(fmt::format("{}: a workload stage needs count > 0 or rate x duration_s", c.file()));
  const LengthDistribution pd = ParseLengthDistribution(c.Str(st, "prompt", row, "", true), "prompt");
  const LengthDistribution od = ParseLengthDistribution(c.Str(st, "output", row, "", true), "output");
  // Lengths: reuse the synthetic generator's distributions through a static source.
  SyntheticOptions so;
  so.arrivals = SyntheticOptions::Arrivals::kStatic;
  so.num_requests = count;
  so.prompt = pd;
  so.output = od;
  so.seed = seed;
  auto lengths = MakeSyntheticSource(so);
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
  std::exponential_distribution<double> gap(rate > 0 ? rate : 1.0);
  int64_t groups = 0, users = 0, prefix_tokens = 0;
  if (st.contains("shared_prefix")) {
    const json& sp = st["shared_prefix"];
    groups = static_cast<int64_t>(c.Num(sp, "groups", row, 0, true));
    users = static_cast<int64_t>(c.Num(sp, "users", row, 0, true));
    prefix_tokens = static_cast<int64_t>(c.Num(sp, "tokens", row, 0, true));
    count = groups * users;
  }
  double t = start;
  for (int64_t i = 0; i < count; ++i) {
    auto r = lengths->Next();
    if (!r) break;
    serve::RequestSpec q;
    q.id = static_cast<serve::RequestId>(out->size());
    if (arrivals == "burst") {
      q.arrival_time = start;
    } else if (arrivals == "even") {
      q.arrival_time = start + (rate > 0 ? i / rate : duration * i / count);
    } else if (arrivals == "poisson") {
      t += gap(rng);
      q.arrival_time = t;
    } else {
      throw Error(fmt::format("{}: arrivals '{}' unknown (burst, even, poisson)", c.file(), arrivals));
    }
    q.prompt_tokens = r->prompt_tokens;
    q.output_tokens = r->output_tokens;
    if (groups > 0) {
      const int64_t g = i % groups;
      q.prompt_tokens += static_cast<int32_t>(prefix_tokens);
      q.prefix_hash_block_tokens = block_size;
      const int64_t shared_blocks = prefix_tokens / block_size;
      const int64_t blocks = (q.prompt_tokens + block_size - 1) / block_size;
      for (int64_t b = 0; b < blocks; ++b) {
        q.prefix_hashes.push_back(b < shared_blocks ? (uint64_t{1} << 62) + g * 1000003ULL + b
                                                    : (uint64_t{1} << 61) + q.id * 1000003ULL + b);
      }
    }
    out->push_back(std::move(q));
  }
}

double Parse(const std::string& s, const std::string& where) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end == s.c_str()) throw Error(fmt::format("{}: '{}' is not a number", where, s));
  return v;
}

ValidationRun ReadRun(const Ctx& c, const json& j, const Row& row) {
  ValidationRun r;
  r.model = c.Str(j, "model", row, "", true);
  r.gpu = c.Str(j, "gpu", row, "", true);
  r.tp = static_cast<int32_t>(c.Num(j, "tp", row, 1));
  r.name = c.Str(j, "name", row, fmt::format("{} {} TP{}", r.model, r.gpu, r.tp));
  const json e = j.value("engine", json::object());
  ValidationEngine& en = r.engine;
  en.policy = c.Str(e, "policy", row, en.policy);
  if (en.policy == "vllm-v1") {  // `vllm serve` defaults of the V1 engine (docs/validate.md)
    const VllmServeDefaults d = VllmV1ServeDefaults(FindGpu(r.gpu));
    en.max_num_seqs = d.max_num_seqs;
    en.token_budget = d.max_num_batched_tokens;
  }
  en.max_num_seqs = static_cast<int32_t>(c.Num(e, "max_num_seqs", row, en.max_num_seqs));
  en.token_budget = static_cast<int32_t>(c.Num(e, "max_num_batched_tokens", row, en.token_budget));
  en.max_model_len = static_cast<int32_t>(c.Num(e, "max_model_len", row, en.max_model_len));
  en.block_size = static_cast<int32_t>(c.Num(e, "block_size", row, en.block_size));
  en.kv_blocks = static_cast<int64_t>(c.Num(e, "kv_blocks", row, 0));
  en.gpu_memory_utilization = c.Num(e, "gpu_memory_utilization", row, en.gpu_memory_utilization);
  en.prefix_caching = c.Str(e, "prefix_caching", row, en.prefix_caching);
  en.execution = c.Str(e, "execution", row, en.execution);
  en.replicas = static_cast<int32_t>(c.Num(e, "replicas", row, 1));
  en.runtime = c.Str(e, "runtime", row, en.runtime);
  en.kv_reserve_gib = c.Num(e, "kv_reserve_gib", row, en.kv_reserve_gib);
  if (en.runtime != "auto" && en.runtime != "vllm-v0" && en.runtime != "vllm-v1") {
    throw Error(
        fmt::format("{}: engine.runtime '{}' unknown (vllm-v0, vllm-v1, auto)", c.file(), en.runtime));
  }
  if (en.execution != "roofline" && en.execution != "auto") {
    throw Error(fmt::format("{}: engine.execution '{}' unknown (roofline, auto)", c.file(), en.execution));
  }
  const json w = j.value("workload", json::object());
  const uint64_t seed = static_cast<uint64_t>(c.Num(w, "seed", row, 0));
  if (w.contains("stages")) {
    for (const auto& st : w["stages"])
      AddStage(c, st, row, en.block_size, seed + r.requests.size(), &r.requests);
  } else if (w.contains("trace")) {
    const json& t = w["trace"];
    const std::string path = c.Path(c.Str(t, "csv", row, "", true));
    const Csv csv = ReadCsv(path);
    const std::string ac = c.Str(t, "arrival_s", row, "", true), pc = c.Str(t, "prompt", row, "", true),
                      oc = c.Str(t, "output", row, "", true);
    for (const auto& rr : csv.rows) {
      serve::RequestSpec q;
      q.id = static_cast<serve::RequestId>(r.requests.size());
      q.arrival_time = Parse(rr.count(ac) ? rr.at(ac) : "", path + " column " + ac);
      q.prompt_tokens = static_cast<int32_t>(Parse(rr.count(pc) ? rr.at(pc) : "", path + " column " + pc));
      q.output_tokens = static_cast<int32_t>(Parse(rr.count(oc) ? rr.at(oc) : "", path + " column " + oc));
      r.requests.push_back(std::move(q));
    }
    std::stable_sort(r.requests.begin(), r.requests.end(),
                     [](const auto& a, const auto& b) { return a.arrival_time < b.arrival_time; });
    for (size_t i = 0; i < r.requests.size(); ++i) r.requests[i].id = static_cast<serve::RequestId>(i);
  } else {
    throw Error(fmt::format("{}: run '{}': workload needs 'stages' or 'trace'", c.file(), r.name));
  }
  const json m = j.value("measured", json::object());
  for (const auto& [key, value] : m.items()) {
    if (key == "per_request") {
      // Columns of per-request measurements (ms); compared as mean / p50 / p90 / p99.
      const std::string path = c.Path(c.Str(value, "csv", row, "", true));
      const Csv csv = ReadCsv(path);
      for (const char* metric : {"ttft_ms", "tpot_ms", "e2e_ms"}) {
        if (!value.contains(metric)) continue;
        const std::string col = c.Str(value, metric, row, "");
        std::vector<double> v;
        for (const auto& rr : csv.rows) {
          if (rr.count(col) && !rr.at(col).empty()) v.push_back(Parse(rr.at(col), path + " column " + col));
        }
        double mean = 0;
        for (double x : v) mean += x;
        mean /= std::max<size_t>(1, v.size());
        r.measured.push_back({std::string(metric) + ".mean", mean});
        r.measured.push_back({std::string(metric) + ".p50", ValidationPercentile(v, 0.5)});
        r.measured.push_back({std::string(metric) + ".p90", ValidationPercentile(v, 0.9)});
        r.measured.push_back({std::string(metric) + ".p99", ValidationPercentile(v, 0.99)});
      }
    } else if (key == "windows") {
      for (const auto& win : value) {
        const double s = c.Num(win, "start_s", row, 0, true), e = c.Num(win, "end_s", row, 0, true);
        for (const auto& [metric, stats] : win.items()) {
          if (metric == "start_s" || metric == "end_s") continue;
          for (const auto& [stat, v] : stats.items()) {
            r.measured.push_back({metric + "." + stat, c.Num(stats, stat.c_str(), row, 0, true), s, e});
          }
        }
      }
    } else {
      r.measured.push_back({key, c.Num(m, key.c_str(), row, 0, true)});
    }
  }
  if (r.measured.empty())
    throw Error(fmt::format("{}: run '{}': nothing under 'measured'", c.file(), r.name));
  return r;
}

}  // namespace

VllmServeDefaults VllmV1ServeDefaults(const GpuSpec& gpu) {
  // vLLM's engine arguments for the OpenAI server: GPUs with at least 70 GiB other than the A100 get 8,192
  // tokens and 1,024 sequences per step, the rest 2,048 and 256.
  std::string name = gpu.name;
  for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (gpu.memory_gib >= 70 && name.find("a100") == std::string::npos) return {1024, 8192};
  return {256, 2048};
}

std::string SharedDataDir() {
  if (const char* env = std::getenv("SCHEDKIT_SHARED_DIR"); env != nullptr && env[0] != '\0') return env;
  // A developer checkout keeps the shared reference data beside the repository: <repo>/../shared.
  return (util::DataDir().parent_path().parent_path() / "shared").string();
}

ValidationRecipe LoadValidationRecipe(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read recipe {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseValidationRecipe(ss.str(), path);
}

ValidationRecipe ParseValidationRecipe(const std::string& text, const std::string& path) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  const Ctx c(path);
  ValidationRecipe recipe;
  recipe.name = c.Str(j, "name", {}, fs::path(path).stem().string());
  recipe.source = c.Str(j, "source", {}, "");
  if (j.contains("runs")) {
    for (const auto& run : j["runs"]) recipe.runs.push_back(ReadRun(c, run, {}));
  }
  if (j.contains("table")) {
    const json& t = j["table"];
    if (!j.contains("run")) throw Error(fmt::format("{}: 'table' needs a 'run' template", path));
    const std::string csv_path = c.Path(c.Str(t, "csv", {}, "", true));
    const Csv csv = ReadCsv(csv_path);
    const json where = t.value("where", json::object());
    const json map = t.value("map", json::object());
    for (const auto& row0 : csv.rows) {
      bool keep = true;
      for (const auto& [col, allowed] : where.items()) {
        const std::string v = row0.count(col) ? row0.at(col) : "";
        bool any = false;
        for (const auto& a : allowed) any = any || a.get<std::string>() == v;
        keep = keep && any;
      }
      if (!keep) continue;
      Row row = row0;
      for (const auto& [col, values] : map.items()) {
        if (row.count(col) && values.contains(row[col])) row[col] = values[row[col]].get<std::string>();
      }
      try {
        const std::string model = c.Str(j["run"], "model", row, "", true);
        FindModel(model);  // rows of models schedkit cannot describe are listed, not failed
      } catch (const Error& e) {
        recipe.skipped.push_back(fmt::format("{}: {}", c.Sub(c.Str(j["run"], "name", row, "row"), row),
                                             std::string(e.what()).substr(0, 120)));
        continue;
      }
      recipe.runs.push_back(ReadRun(c, j["run"], row));
    }
  }
  if (recipe.runs.empty()) throw Error(fmt::format("{}: no runs ('runs' or 'table' + 'run')", path));
  return recipe;
}

}  // namespace schedkit::sim
