// Golden check against Vidur itself: for each reference run in ../shared/data/vidur_reference, reading its
// input trace with the run's time_scale_factor and max_tokens (from its config.json) gives, request by
// request, the prefill and decode token counts and the inter-arrival delays of Vidur's request_metrics.csv.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "schedkit/sim/workload.h"

namespace schedkit::sim {
namespace {

const std::string kReference = std::string(SCHEDKIT_SHARED_DIR) + "/data/vidur_reference";

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

struct VidurRequest {
  int32_t prefill = 0, decode = 0;
  std::optional<double> inter_arrival_delay;  // empty for the first request
};

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// Vidur's request_metrics.csv.gz by request id, through the gzip tool (nothing in schedkit links zlib).
std::optional<std::map<int64_t, VidurRequest>> ReadRequestMetrics(const std::string& path) {
  FILE* pipe = popen(("gzip -dc '" + path + "'").c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string text;
  char buffer[65536];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  if (pclose(pipe) != 0 || text.empty()) return std::nullopt;
  std::stringstream lines(text);
  std::string line;
  std::getline(lines, line);
  const std::vector<std::string> header = Split(line);
  const auto column = [&](const std::string& name) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    ADD_FAILURE() << "no column " << name << " in " << path;
    return size_t{0};
  };
  const size_t id = column("Request Id");
  const size_t prefill = column("request_num_prefill_tokens");
  const size_t decode = column("request_num_decode_tokens");
  const size_t delay = column("request_inter_arrival_delay");
  std::map<int64_t, VidurRequest> out;
  while (std::getline(lines, line)) {
    const std::vector<std::string> f = Split(line);
    if (f.size() != header.size()) continue;
    VidurRequest& r = out[std::stoll(f[id])];
    r.prefill = static_cast<int32_t>(std::stod(f[prefill]));
    r.decode = static_cast<int32_t>(std::stod(f[decode]));
    if (!f[delay].empty()) r.inter_arrival_delay = std::stod(f[delay]);
  }
  return out;
}

TEST(TraceVidurReference, TokenCountsAndArrivalsMatchVidurPerRequest) {
  if (!std::filesystem::exists(kReference)) {
    if (InCi()) FAIL() << "CI=true but the Vidur reference data is missing: " << kReference;
    GTEST_SKIP() << "Vidur reference data not found (needs ../shared next to the repository): " << kReference;
  }
  int runs = 0;
  for (const char* run : {"code2000_tsf1_sarathi", "code2000_tsf2_vllm", "arxiv1000_rate1.4_sarathi",
                          "arxiv1000_rate2.8_vllm"}) {
    SCOPED_TRACE(run);
    const std::string dir = kReference + "/" + run;
    std::ifstream config_file(dir + "/config.json");
    ASSERT_TRUE(config_file) << dir;
    const nlohmann::json config = nlohmann::json::parse(config_file)["request_generator_config"];
    TraceOptions options;
    options.time_scale = config["time_scale_factor"].get<double>();
    options.max_tokens = config["max_tokens"].get<int32_t>();
    options.keep_time_origin = true;  // as trace_replay does
    const auto requests = ReadTrace(kReference + "/" + config["trace_file"].get<std::string>(), options);

    const auto vidur = ReadRequestMetrics(dir + "/request_metrics.csv.gz");
    if (!vidur) GTEST_SKIP() << "cannot run gzip -dc on " << dir << "/request_metrics.csv.gz";
    ASSERT_EQ(vidur->size(), requests.size());
    int truncated = 0;
    for (const serve::RequestSpec& r : requests) {
      const VidurRequest& v = vidur->at(r.id);
      ASSERT_EQ(r.prompt_tokens, v.prefill) << "request " << r.id;
      ASSERT_EQ(r.output_tokens, v.decode) << "request " << r.id;
      ASSERT_EQ(r.id == 0, !v.inter_arrival_delay.has_value()) << "request " << r.id;
      if (r.id > 0) {
        ASSERT_NEAR(r.arrival_time - requests[static_cast<size_t>(r.id - 1)].arrival_time,
                    *v.inter_arrival_delay, 1e-9)
            << "request " << r.id;
      }
      truncated += r.prompt_tokens + r.output_tokens == options.max_tokens;
    }
    if (std::string(run).rfind("code", 0) == 0) {
      EXPECT_GT(truncated, 100);  // truncation was exercised
    }
    ++runs;
  }
  EXPECT_EQ(runs, 4);
}

}  // namespace
}  // namespace schedkit::sim
