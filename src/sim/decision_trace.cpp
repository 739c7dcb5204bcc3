#include "schedkit/sim/decision_trace.h"

#include <fmt/core.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "schedkit/util/error.h"

namespace schedkit::sim {

std::string DecisionJson(const std::string& label, int32_t replica, const serve::Decision& d) {
  nlohmann::ordered_json j;
  j["t"] = d.now;
  j["policy"] = label;
  j["replica"] = replica;
  j["iteration"] = d.iteration;
  j["event"] = serve::DecisionKindName(d.kind);
  j["request"] = d.request;
  if (d.num_tokens != 0) j["tokens"] = d.num_tokens;
  if (d.reason != serve::DecisionReason::kNone) j["reason"] = serve::DecisionReasonName(d.reason);
  if (d.beneficiary >= 0) j["for"] = d.beneficiary;
  if (d.finish_reason != serve::FinishReason::kNone)
    j["finish_reason"] = serve::FinishReasonName(d.finish_reason);
  return j.dump();
}

DecisionTraceWriter::DecisionTraceWriter(const std::string& path) : path_(path), tmp_(path + ".tmp") {
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (file_ == nullptr) throw Error(fmt::format("decision trace {}: cannot write", path));
}

DecisionTraceWriter::~DecisionTraceWriter() {
  if (file_ != nullptr) {  // not committed: the run failed, leave nothing behind
    std::fclose(file_);
    std::remove(tmp_.c_str());
  }
}

void DecisionTraceWriter::OnDecision(int32_t replica, const serve::Decision& decision) {
  const std::string line = DecisionJson(label_, replica, decision);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  ++num_lines_;
}

void DecisionTraceWriter::Commit() {
  const bool ok = std::ferror(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) {
    std::remove(tmp_.c_str());
    throw Error(fmt::format("decision trace {}: write failed (disk full?)", path_));
  }
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw Error(fmt::format("decision trace {}: cannot write ({})", path_, ec.message()));
}

}  // namespace schedkit::sim
