// Roofline profiles: the built-in fitted values, per-runtime engine terms, named parameters and JSON I/O.
#include "schedkit/sim/roofline_profile.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using nlohmann::json;

struct SharedField {
  const char* name;
  double RooflineParams::*member;
  bool efficiency;
};

constexpr SharedField kShared[] = {
    {"gemm_compute_eff", &RooflineParams::gemm_compute_eff, true},
    {"gemm_memory_eff", &RooflineParams::gemm_memory_eff, true},
    {"attn_compute_eff", &RooflineParams::attn_compute_eff, true},
    {"attn_memory_eff", &RooflineParams::attn_memory_eff, true},
    {"link_eff", &RooflineParams::link_eff, true},
    {"pcie_eff", &RooflineParams::pcie_eff, true},
    {"allreduce_ms", &RooflineParams::allreduce_ms, false},
    {"step_ms", &RooflineParams::step_ms, false},
    {"per_seq_ms", &RooflineParams::per_seq_ms, false},
};

struct EngineField {
  const char* name;
  double EngineOverhead::*member;
};

constexpr EngineField kEngine[] = {
    {"step_ms", &EngineOverhead::step_ms},
    {"per_seq_ms", &EngineOverhead::per_seq_ms},
    {"kv_reserve_gib", &EngineOverhead::kv_reserve_gib},
};

RooflineProfile MakeFitted() {
  // Shared factors fitted on every row of data/validate/argonne_vllm.json and llmservingsim_vllm019.json by a
  // coordinate search minimising median + 1/4 mean |relative error| (docs/execution-model.md, section 8). The
  // engine terms are those factors' overheads for both runtimes; the KV reserves are read off vLLM's own
  // numbers (V0: the A100-40GB TP 4 Llama-2-70B rows of the Argonne grid; V1: the RTX 4090 run's meta.json).
  RooflineProfile p;
  RooflineParams& r = p.params;
  r.gemm_compute_eff = 1.0;
  r.gemm_memory_eff = 0.8;
  r.attn_compute_eff = 0.07876;
  r.attn_memory_eff = 0.7704;
  r.link_eff = 1.0;
  r.pcie_eff = 1.0;
  r.allreduce_ms = 0.03852;
  r.step_ms = 2.054;
  r.per_seq_ms = 0.06521;
  p.runtimes[kRuntimeVllmV0] = {2.054, 0.06521, 3.3};
  p.runtimes[kRuntimeVllmV1] = {2.054, 0.06521, 1.6};
  return p;
}

std::pair<std::string, std::string> SplitRuntime(const std::string& name) {
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return {"", name};
  return {name.substr(0, dot), name.substr(dot + 1)};
}

}  // namespace

RooflineParams RooflineProfile::For(const std::string& runtime) const {
  RooflineParams out = params;
  auto it = runtimes.find(runtime);
  if (it == runtimes.end()) {
    std::vector<std::string> known;
    for (const auto& [k, v] : runtimes) known.push_back(k);
    throw Error(fmt::format("runtime '{}' unknown (known: {})", runtime, fmt::join(known, ", ")));
  }
  out.step_ms = it->second.step_ms;
  out.per_seq_ms = it->second.per_seq_ms;
  return out;
}

double RooflineProfile::KvReserveGib(const std::string& runtime) const {
  auto it = runtimes.find(runtime);
  return it == runtimes.end() ? 0.0 : it->second.kv_reserve_gib;
}

const RooflineProfile& FittedRooflineProfile() {
  static const RooflineProfile p = MakeFitted();
  return p;
}

std::string RuntimeForPolicy(const std::string& policy) {
  return policy == "vllm" ? kRuntimeVllmV0 : kRuntimeVllmV1;
}

std::vector<std::string> ProfileParameterNames(const RooflineProfile& profile) {
  std::vector<std::string> names;
  for (const auto& f : kShared) {
    if (std::string(f.name) != "step_ms" && std::string(f.name) != "per_seq_ms") names.push_back(f.name);
  }
  for (const auto& [runtime, e] : profile.runtimes) {
    for (const auto& f : kEngine) names.push_back(runtime + "." + f.name);
  }
  return names;
}

double GetProfileParameter(const RooflineProfile& profile, const std::string& name) {
  const auto [runtime, field] = SplitRuntime(name);
  if (runtime.empty()) {
    for (const auto& f : kShared) {
      if (field == f.name) return profile.params.*f.member;
    }
  } else if (auto it = profile.runtimes.find(runtime); it != profile.runtimes.end()) {
    for (const auto& f : kEngine) {
      if (field == f.name) return it->second.*f.member;
    }
  }
  throw Error(fmt::format("roofline parameter '{}' unknown (known: {})", name,
                          fmt::join(ProfileParameterNames(profile), ", ")));
}

void SetProfileParameter(RooflineProfile& profile, const std::string& name, double value) {
  GetProfileParameter(profile, name);  // checks the name
  const auto [runtime, field] = SplitRuntime(name);
  if (runtime.empty()) {
    for (const auto& f : kShared) {
      if (field == f.name) profile.params.*f.member = value;
    }
    return;
  }
  for (const auto& f : kEngine) {
    if (field == f.name) profile.runtimes[runtime].*f.member = value;
  }
}

bool IsEfficiencyParameter(const std::string& name) {
  for (const auto& f : kShared) {
    if (name == f.name) return f.efficiency;
  }
  return false;
}

RooflineProfile ReadRooflineProfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("cannot read roofline profile {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::parse_error& e) {
    throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!j.is_object() || j.value("format", "") != "schedkit-roofline-profile") {
    throw Error(
        fmt::format("{}: not a roofline profile (expected \"format\": \"schedkit-roofline-profile\")", path));
  }
  RooflineProfile p = FittedRooflineProfile();
  auto number = [&](const json& v, const std::string& key) {
    if (!v.is_number()) throw Error(fmt::format("{}: '{}' must be a number", path, key));
    const double x = v.get<double>();
    if (!(x >= 0)) throw Error(fmt::format("{}: '{}' must be at least 0", path, key));
    return x;
  };
  if (j.contains("params")) {
    for (const auto& [key, v] : j["params"].items()) {
      bool known = false;
      for (const auto& f : kShared) known = known || key == f.name;
      if (!known) throw Error(fmt::format("{}: params.{} unknown", path, key));
      SetProfileParameter(p, key, number(v, "params." + key));
    }
  }
  if (j.contains("runtimes")) {
    for (const auto& [runtime, fields] : j["runtimes"].items()) {
      EngineOverhead e = p.runtimes.count(runtime) ? p.runtimes[runtime] : EngineOverhead{};
      for (const auto& [key, v] : fields.items()) {
        bool known = false;
        for (const auto& f : kEngine) {
          if (key == f.name) {
            e.*f.member = number(v, "runtimes." + runtime + "." + key);
            known = true;
          }
        }
        if (!known) throw Error(fmt::format("{}: runtimes.{}.{} unknown", path, runtime, key));
      }
      p.runtimes[runtime] = e;
    }
  }
  return p;
}

std::string RooflineProfileJson(const RooflineProfile& profile, const std::string& extra) {
  json j;
  j["format"] = "schedkit-roofline-profile";
  json params = json::object();
  for (const auto& f : kShared) params[f.name] = profile.params.*f.member;
  j["params"] = params;
  json runtimes = json::object();
  for (const auto& [runtime, e] : profile.runtimes) {
    json r = json::object();
    for (const auto& f : kEngine) r[f.name] = e.*f.member;
    runtimes[runtime] = r;
  }
  j["runtimes"] = runtimes;
  if (!extra.empty()) {
    const json more = json::parse(extra);
    for (auto it = more.begin(); it != more.end(); ++it) j[it.key()] = it.value();
  }
  return j.dump(1) + "\n";
}

}  // namespace schedkit::sim
