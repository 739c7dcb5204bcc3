// Catalogue lookup: names and aliases of data/models/catalogue.json and data/gpus/gpus.json, files given by
// path, dtype suffixes; parsed once and kept (FindModel / FindGpu hand out references).
#include "catalogue.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "schedkit/util/data_dir.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// "meta-llama/Llama-3.1-8B" -> "llama-3.1-8b".
std::string Key(std::string_view name) {
  std::string k = Lower(name);
  if (auto slash = k.rfind('/'); slash != std::string::npos) k = k.substr(slash + 1);
  return k;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json ParseFile(const std::string& path) {
  try {
    return json::parse(ReadFile(path));
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
}

struct ModelEntry {
  std::vector<std::string> keys;  // lower-case name, HF id tail, aliases
  std::string name, hf_id, source;
  json config;
};

struct GpuEntry {
  std::vector<std::string> keys;
  std::string builtin;  // resolve to this built-in entry (hardware.cpp) instead
  json value;
};

struct Registry {
  std::mutex mu;
  bool loaded = false;
  std::vector<ModelEntry> models;
  std::vector<GpuEntry> gpus;
  std::map<std::string, const ModelSpec*> model_cache;  // by lower-case query
  std::map<std::string, const GpuSpec*> gpu_cache;
  std::deque<ModelSpec> model_store;
  std::deque<GpuSpec> gpu_store;
};

Registry& Reg() {
  static Registry r;
  return r;
}

std::vector<std::string> StringList(const json& j, const char* field, const std::string& path) {
  std::vector<std::string> out;
  if (!j.contains(field)) return out;
  if (!j[field].is_array()) throw Error(fmt::format("{}: field '{}' must be a list of strings", path, field));
  for (const auto& a : j[field]) {
    if (!a.is_string()) throw Error(fmt::format("{}: field '{}' must be a list of strings", path, field));
    out.push_back(Key(a.get<std::string>()));
  }
  return out;
}

std::string Str(const json& j, const char* field, const std::string& path) {
  if (!j.contains(field) || !j[field].is_string()) {
    throw Error(fmt::format("{}: missing string field '{}'", path, field));
  }
  return j[field].get<std::string>();
}

void LoadCatalogues(Registry& r) {
  if (r.loaded) return;
  const std::string mpath = CatalogueModelsPath();
  if (fs::exists(mpath)) {
    const json j = ParseFile(mpath);
    if (!j.contains("models") || !j["models"].is_array()) {
      throw Error(fmt::format("{}: missing list field 'models'", mpath));
    }
    for (const auto& e : j["models"]) {
      ModelEntry m;
      m.name = Str(e, "name", mpath);
      m.hf_id = Str(e, "hf_id", mpath);
      m.source = Str(e, "source", mpath);
      if (!e.contains("config") || !e["config"].is_object()) {
        throw Error(fmt::format("{}: model '{}': missing object field 'config'", mpath, m.name));
      }
      m.config = e["config"];
      m.keys = StringList(e, "aliases", mpath);
      m.keys.push_back(Key(m.name));
      m.keys.push_back(Key(m.hf_id));
      r.models.push_back(std::move(m));
    }
  }
  const std::string gpath = CatalogueGpusPath();
  if (fs::exists(gpath)) {
    const json j = ParseFile(gpath);
    if (!j.contains("gpus") || !j["gpus"].is_array())
      throw Error(fmt::format("{}: missing list field 'gpus'", gpath));
    for (const auto& e : j["gpus"]) {
      GpuEntry g;
      g.value = e;
      g.keys = StringList(e, "aliases", gpath);
      g.keys.push_back(Key(Str(e, "name", gpath)));
      if (e.contains("builtin")) g.builtin = Str(e, "builtin", gpath);
      r.gpus.push_back(std::move(g));
    }
  }
  r.loaded = true;
}

// "NAME@weights=fp8,kv=fp8" -> NAME and the two byte widths (0 = unchanged).
struct DtypeSuffix {
  std::string base;
  int weight_bytes = 0, kv_bytes = 0;
  std::string text;
};

int SuffixBytes(const std::string& v, std::string_view name) {
  if (v == "bf16" || v == "fp16" || v == "bfloat16" || v == "float16") return 2;
  if (v == "fp8") return 1;
  throw Error(fmt::format("model '{}': dtype '{}' not modelled (bf16, fp16, fp8)", name, v));
}

DtypeSuffix SplitSuffix(std::string_view name) {
  DtypeSuffix s;
  const auto at = name.rfind('@');
  if (at == std::string_view::npos) {
    s.base = std::string(name);
    return s;
  }
  s.base = std::string(name.substr(0, at));
  s.text = std::string(name.substr(at));
  std::stringstream ss{std::string(name.substr(at + 1))};
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    const std::string key = Lower(item.substr(0, eq));
    const std::string value = eq == std::string::npos ? "" : Lower(item.substr(eq + 1));
    if (key == "weights") {
      s.weight_bytes = SuffixBytes(value, name);
    } else if (key == "kv") {
      s.kv_bytes = SuffixBytes(value, name);
    } else {
      throw Error(
          fmt::format("model '{}': unknown option '{}' after '@' (weights=DTYPE, kv=DTYPE)", name, key));
    }
  }
  return s;
}

bool LooksLikePath(const std::string& s) { return s.find('/') != std::string::npos && fs::exists(s); }

}  // namespace

std::string DataRoot() { return util::DataDir().string(); }

std::string CatalogueModelsPath() { return DataRoot() + "/models/catalogue.json"; }
std::string CatalogueGpusPath() { return DataRoot() + "/gpus/gpus.json"; }

const ModelSpec* FindCatalogueModel(std::string_view query) {
  Registry& r = Reg();
  std::unique_lock<std::mutex> lock(r.mu);
  const std::string cache_key = Lower(query);
  if (auto it = r.model_cache.find(cache_key); it != r.model_cache.end()) return it->second;
  LoadCatalogues(r);
  const DtypeSuffix sfx = SplitSuffix(query);
  ModelSpec m;
  bool found = false;
  if (LooksLikePath(sfx.base) || sfx.base.ends_with(".json")) {
    std::string path = sfx.base;
    if (fs::is_directory(path)) path = (fs::path(path) / "config.json").string();
    m = ModelFromConfigJson(ReadFile(path), path);
    m.name = m.profile_name.empty() ? fs::path(path).parent_path().filename().string() : m.profile_name;
    if (m.name.empty()) m.name = path;
    found = true;
  } else {
    const std::string key = Key(sfx.base);
    for (const auto& e : r.models) {
      if (std::find(e.keys.begin(), e.keys.end(), key) == e.keys.end()) continue;
      m = ModelFromConfigJson(e.config.dump(), fmt::format("{} (model '{}')", CatalogueModelsPath(), e.name));
      m.name = e.name;
      m.profile_name = e.hf_id;
      m.source = e.source;
      found = true;
      break;
    }
  }
  if (!found) {
    if (!sfx.text.empty()) {  // a built-in model with a dtype suffix
      lock.unlock();
      m = FindModel(sfx.base);
      lock.lock();
    } else {
      return nullptr;
    }
  }
  if (sfx.weight_bytes > 0) m.weight_bytes = sfx.weight_bytes;
  if (sfx.kv_bytes > 0) m.kv_cache_bytes = sfx.kv_bytes;
  m.name += sfx.text;
  const ModelSpec* out = &r.model_store.emplace_back(std::move(m));
  r.model_cache[cache_key] = out;
  return out;
}

GpuSpec GpuFromJson(const std::string& json_text, const std::string& path) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (j.contains("gpus") && j["gpus"].is_array() && j["gpus"].size() == 1) j = j["gpus"][0];
  if (!j.is_object()) throw Error(fmt::format("{}: expected one GPU entry (a JSON object)", path));
  auto num = [&](const char* field, bool required, bool positive) {
    if (!j.contains(field) || j[field].is_null()) {
      if (required) throw Error(fmt::format("{}: missing field '{}'", path, field));
      return 0.0;
    }
    if (!j[field].is_number()) throw Error(fmt::format("{}: field '{}' must be a number", path, field));
    const double v = j[field].get<double>();
    if (v < 0 || (positive && v == 0)) {
      throw Error(
          fmt::format("{}: field '{}' must be {}, got {}", path, field, positive ? "> 0" : ">= 0", v));
    }
    return v;
  };
  GpuSpec g;
  g.name = Str(j, "name", path);
  g.memory_gib = num("memory_gib", true, true);
  g.peak_tflops_fp16 = num("bf16_tflops", true, true);
  g.peak_tflops_fp8 = num("fp8_tflops", false, false);
  g.mem_bandwidth_gbs = num("memory_bandwidth_gbs", true, true);
  g.pcie_gbs = num("pcie_gbs", true, true);
  g.nvlink_gbs = num("nvlink_gbs", false, false);
  g.source = j.contains("source") && j["source"].is_string() ? j["source"].get<std::string>() : path;
  return g;
}

const GpuSpec* FindCatalogueGpu(std::string_view query) {
  Registry& r = Reg();
  std::unique_lock<std::mutex> lock(r.mu);
  const std::string cache_key = Lower(query);
  if (auto it = r.gpu_cache.find(cache_key); it != r.gpu_cache.end()) return it->second;
  LoadCatalogues(r);
  const std::string q(query);
  const GpuSpec* out = nullptr;
  if (LooksLikePath(q) || q.ends_with(".json")) {
    out = &r.gpu_store.emplace_back(GpuFromJson(ReadFile(q), q));
  } else {
    const std::string key = Key(q);
    for (const auto& e : r.gpus) {
      if (std::find(e.keys.begin(), e.keys.end(), key) == e.keys.end()) continue;
      if (!e.builtin.empty()) {
        const std::string builtin = e.builtin;
        lock.unlock();
        out = &FindGpu(builtin);
        lock.lock();
      } else {
        out = &r.gpu_store.emplace_back(GpuFromJson(e.value.dump(), CatalogueGpusPath()));
      }
      break;
    }
  }
  if (out != nullptr) r.gpu_cache[cache_key] = out;
  return out;
}

std::vector<std::string> CatalogueModelNames() {
  Registry& r = Reg();
  std::lock_guard<std::mutex> lock(r.mu);
  LoadCatalogues(r);
  std::vector<std::string> out;
  for (const auto& e : r.models) out.push_back(e.name);
  return out;
}

std::vector<std::string> CatalogueGpuNames() {
  Registry& r = Reg();
  std::lock_guard<std::mutex> lock(r.mu);
  LoadCatalogues(r);
  std::vector<std::string> out;
  for (const auto& e : r.gpus) {
    if (e.builtin.empty()) out.push_back(e.value["name"].get<std::string>());
  }
  return out;
}

}  // namespace schedkit::sim
