// Small shared pieces of the workload API: format names, Vidur's max_tokens rule, the bundled trace, and the
// vector-backed request source.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "schedkit/sim/workload.h"
#include "schedkit/util/data_dir.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

constexpr std::array<std::pair<TraceFormat, const char*>, 6> kFormatNames = {{
    {TraceFormat::kAuto, "auto"},
    {TraceFormat::kAzure2023, "azure2023"},
    {TraceFormat::kVidur, "vidur"},
    {TraceFormat::kMooncake, "mooncake"},
    {TraceFormat::kBurstGpt, "burstgpt"},
    {TraceFormat::kLengthsOnly, "lengths"},
}};

class VectorSource final : public RequestSource {
 public:
  explicit VectorSource(std::vector<serve::RequestSpec> requests) : requests_(std::move(requests)) {}
  std::optional<serve::RequestSpec> Next() override {
    if (next_ >= requests_.size()) return std::nullopt;
    return std::move(requests_[next_++]);
  }

 private:
  std::vector<serve::RequestSpec> requests_;
  size_t next_ = 0;
};

}  // namespace

const char* TraceFormatName(TraceFormat format) {
  for (const auto& [value, name] : kFormatNames) {
    if (value == format) return name;
  }
  return "unknown";
}

TraceFormat ParseTraceFormat(const std::string& name) {
  std::string valid;
  for (const auto& [value, known] : kFormatNames) {
    if (name == known) return value;
    valid += fmt::format("{}{}", valid.empty() ? "" : ", ", known);
  }
  throw Error(fmt::format("unknown trace format '{}' (valid: {})", name, valid));
}

bool TruncateToMaxTokens(int32_t max_tokens, int32_t& prompt, int32_t& output) {
  const int32_t p = std::max(prompt, 1);
  const int32_t o = std::max(output, 1);
  if (max_tokens <= 0) {
    prompt = p;
    output = o;
    return true;
  }
  if (o >= max_tokens) return false;
  const int64_t excess = std::max<int64_t>(0, static_cast<int64_t>(p) + o - max_tokens);
  prompt = static_cast<int32_t>(p - excess);
  output = o;
  return true;
}

std::string BundledTracePath() {
  return (util::DataDir() / "traces" / "azure_conv_2023_first2000.csv").string();
}

std::unique_ptr<RequestSource> MakeVectorSource(std::vector<serve::RequestSpec> requests) {
  return std::make_unique<VectorSource>(std::move(requests));
}

}  // namespace schedkit::sim
