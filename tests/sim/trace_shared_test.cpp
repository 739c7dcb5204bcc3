// Every reader on the real traces in ../shared/data/traces: counts, first and last rows and the statistics
// that its README states; the Azure and Vidur copies of the same trace agree row by row; the bundled slice is
// the first rows of the shared original. Skipped with a reason when ../shared is absent, failed when CI=true.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "schedkit/sim/workload.h"

namespace schedkit::sim {
namespace {

std::string SharedTrace(const std::string& relative) {
  return std::string(SCHEDKIT_SHARED_DIR) + "/data/traces/" + relative;
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Skips (or, under CI=true, fails) the test when the shared file is absent.
#define REQUIRE_SHARED_FILE(path)                                                                    \
  do {                                                                                               \
    if (!std::filesystem::exists(path)) {                                                            \
      if (InCi()) FAIL() << "CI=true but the shared trace is missing: " << (path);                   \
      GTEST_SKIP() << "shared trace not found (needs ../shared next to the repository): " << (path); \
    }                                                                                                \
  } while (0)

struct Moments {
  double prompt_mean = 0, output_mean = 0;
  int32_t prompt_max = 0, output_max = 0;
};

Moments Measure(const std::vector<serve::RequestSpec>& requests) {
  Moments m;
  for (const auto& r : requests) {
    m.prompt_mean += r.prompt_tokens;
    m.output_mean += r.output_tokens;
    m.prompt_max = std::max(m.prompt_max, r.prompt_tokens);
    m.output_max = std::max(m.output_max, r.output_tokens);
  }
  m.prompt_mean /= static_cast<double>(requests.size());
  m.output_mean /= static_cast<double>(requests.size());
  return m;
}

void ExpectSortedWithIds(const std::vector<serve::RequestSpec>& requests) {
  for (size_t i = 0; i < requests.size(); ++i) {
    ASSERT_EQ(requests[i].id, static_cast<serve::RequestId>(i));
    if (i > 0) {
      ASSERT_GE(requests[i].arrival_time, requests[i - 1].arrival_time) << i;
    }
  }
}

TEST(TraceShared, AzureConv) {
  const std::string path = SharedTrace("azure_llm_2023/AzureLLMInferenceTrace_conv.csv");
  REQUIRE_SHARED_FILE(path);
  const Trace trace = LoadTrace(path);
  const auto& r = trace.requests;
  ASSERT_EQ(r.size(), 19366u);
  EXPECT_EQ(trace.report.format, TraceFormat::kAzure2023);
  EXPECT_EQ(trace.report.Warnings(path).size(), 0u);
  ExpectSortedWithIds(r);
  EXPECT_EQ(r.front().arrival_time, 0.0);
  EXPECT_EQ(r.front().prompt_tokens, 374);
  EXPECT_EQ(r.front().output_tokens, 44);
  // Last row: 2023-11-16 19:14:08.4025270 - 18:15:46.6805900.
  EXPECT_NEAR(r.back().arrival_time, 3501.721937, 1e-9);
  EXPECT_EQ(r.back().prompt_tokens, 197);
  EXPECT_EQ(r.back().output_tokens, 183);
  // README: prompt mean 1,155, max 14,050; output mean 211, max 1,000; 5.53 req/s.
  const Moments m = Measure(r);
  EXPECT_NEAR(m.prompt_mean, 1155, 0.5);
  EXPECT_EQ(m.prompt_max, 14050);
  EXPECT_NEAR(m.output_mean, 211, 0.5);
  EXPECT_EQ(m.output_max, 1000);
  EXPECT_NEAR(static_cast<double>(r.size()) / r.back().arrival_time, 5.53, 0.005);
}

TEST(TraceShared, AzureConvLognormalFit) {
  const std::string path = SharedTrace("azure_llm_2023/AzureLLMInferenceTrace_conv.csv");
  REQUIRE_SHARED_FILE(path);
  std::vector<int32_t> prompts, outputs;
  for (const auto& [p, o] : ReadTraceLengths(path)) {
    prompts.push_back(p);
    outputs.push_back(o);
  }
  // Computed independently with Python (exp of the mean log, population sd of the logs).
  const LengthDistribution prompt = FitLognormal(prompts);
  EXPECT_NEAR(prompt.a, 759.9958161309481, 1e-9);
  EXPECT_NEAR(prompt.b, 0.9851542700933112, 1e-12);
  const LengthDistribution output = FitLognormal(outputs);
  EXPECT_NEAR(output.a, 151.25949732746085, 1e-9);
  EXPECT_NEAR(output.b, 0.8590092837592874, 1e-12);
}

TEST(TraceShared, AzureCode) {
  const std::string path = SharedTrace("azure_llm_2023/AzureLLMInferenceTrace_code.csv");
  REQUIRE_SHARED_FILE(path);
  const auto r = ReadTrace(path);
  ASSERT_EQ(r.size(), 8819u);
  ExpectSortedWithIds(r);
  EXPECT_EQ(r.front().prompt_tokens, 4808);
  EXPECT_EQ(r.front().output_tokens, 10);
  EXPECT_NEAR(r[1].arrival_time, 0.052, 1e-9);
  EXPECT_NEAR(r.back().arrival_time, 3435.948056, 1e-9);
  EXPECT_EQ(r.back().prompt_tokens, 549);
  // README: 3,436 s, 2.57 req/s; prompt mean 2,048, max 7,437; output mean 28, max 1,899.
  const Moments m = Measure(r);
  EXPECT_NEAR(m.prompt_mean, 2048, 0.5);
  EXPECT_EQ(m.prompt_max, 7437);
  EXPECT_NEAR(m.output_mean, 28, 0.5);
  EXPECT_EQ(m.output_max, 1899);
}

// The Vidur copies are the Azure traces with times relative to the first request.
TEST(TraceShared, AzureAndVidurCopiesAgreeRowByRow) {
  for (const auto& [azure_file, vidur_file] :
       {std::pair<std::string, std::string>{"azure_llm_2023/AzureLLMInferenceTrace_conv.csv",
                                            "vidur_processed/splitwise_conv.csv"},
        std::pair<std::string, std::string>{"azure_llm_2023/AzureLLMInferenceTrace_code.csv",
                                            "vidur_processed/splitwise_code.csv"}}) {
    const std::string azure_path = SharedTrace(azure_file);
    const std::string vidur_path = SharedTrace(vidur_file);
    REQUIRE_SHARED_FILE(azure_path);
    REQUIRE_SHARED_FILE(vidur_path);
    const Trace vidur = LoadTrace(vidur_path);
    EXPECT_EQ(vidur.report.format, TraceFormat::kVidur);
    const auto azure = ReadTrace(azure_path);
    ASSERT_EQ(azure.size(), vidur.requests.size()) << vidur_file;
    double max_error = 0;
    for (size_t i = 0; i < azure.size(); ++i) {
      ASSERT_EQ(azure[i].prompt_tokens, vidur.requests[i].prompt_tokens) << vidur_file << " row " << i;
      ASSERT_EQ(azure[i].output_tokens, vidur.requests[i].output_tokens) << vidur_file << " row " << i;
      max_error = std::max(max_error, std::abs(azure[i].arrival_time - vidur.requests[i].arrival_time));
    }
    EXPECT_LE(max_error, 1e-6) << vidur_file;
  }
}

TEST(TraceShared, VidurCodeTruncatedToMaxTokens4096) {
  const std::string path = SharedTrace("vidur_processed/splitwise_code.csv");
  REQUIRE_SHARED_FILE(path);
  TraceOptions options;
  options.max_tokens = 4096;
  options.max_requests = 2000;  // the Vidur reference runs' code2000 input
  const Trace trace = LoadTrace(path, options);
  ASSERT_EQ(trace.requests.size(), 2000u);
  int64_t total_prompt = 0;
  for (const auto& r : trace.requests) {
    ASSERT_LE(r.prompt_tokens + r.output_tokens, 4096);
    total_prompt += r.prompt_tokens;
  }
  EXPECT_EQ(trace.requests[0].prompt_tokens, 4086);  // 4808 + 10 > 4096
  // Sum over the 2,000 rows of min(prompt, 4096 - output), computed from the CSV independently.
  EXPECT_EQ(total_prompt, 3450260);
}

TEST(TraceShared, LengthsOnlyArxivAndShareGpt) {
  const std::string arxiv =
      SharedTrace("vidur_processed/arxiv_summarization_stats_llama2_tokenizer_filtered_v2.csv");
  const std::string sharegpt = SharedTrace("sharegpt_lengths/sharegpt_val_10k_llama2.csv");
  REQUIRE_SHARED_FILE(arxiv);
  REQUIRE_SHARED_FILE(sharegpt);
  const Trace a = LoadTrace(arxiv);
  EXPECT_EQ(a.report.format, TraceFormat::kLengthsOnly);
  EXPECT_FALSE(a.report.has_arrival_times);
  ASSERT_EQ(a.requests.size(), 28257u);
  EXPECT_EQ(a.requests.front().prompt_tokens, 3772);
  EXPECT_EQ(a.requests.back().output_tokens, 313);
  EXPECT_EQ(a.requests.back().arrival_time, 0.0);
  const Moments ma =
      Measure(a.requests);  // README: prompt mean 2,588 (max 4,054), output mean 291 (max 4,056)
  EXPECT_NEAR(ma.prompt_mean, 2588, 0.5);
  EXPECT_EQ(ma.prompt_max, 4054);
  EXPECT_NEAR(ma.output_mean, 291, 0.5);
  EXPECT_EQ(ma.output_max, 4056);

  const auto s = ReadTraceLengths(sharegpt);
  ASSERT_EQ(s.size(), 10000u);
  EXPECT_EQ(s.front(), std::make_pair(3742, 284));
  EXPECT_EQ(s.back(), std::make_pair(154, 134));
  double prompt_sum = 0, output_sum = 0;
  for (const auto& [p, o] : s) {
    prompt_sum += p;
    output_sum += o;
  }
  EXPECT_NEAR(prompt_sum / 1e4, 246, 0.5);  // README: prompt mean 246, output mean 326
  EXPECT_NEAR(output_sum / 1e4, 326, 0.5);
}

void CheckMooncake(const std::string& path, size_t rows, double last_time, int64_t blocks,
                   size_t unique_blocks, int32_t prompt_max) {
  const Trace trace = LoadTrace(path);
  const auto& r = trace.requests;
  EXPECT_EQ(trace.report.format, TraceFormat::kMooncake);
  ASSERT_EQ(r.size(), rows);
  ExpectSortedWithIds(r);
  EXPECT_NEAR(r.back().arrival_time, last_time, 1e-9);
  int64_t total_blocks = 0;
  std::set<uint64_t> unique;
  for (const auto& request : r) {
    ASSERT_EQ(request.prefix_hash_block_tokens, 512);
    ASSERT_EQ(request.prefix_hashes.size(), static_cast<size_t>((request.prompt_tokens + 511) / 512));
    total_blocks += static_cast<int64_t>(request.prefix_hashes.size());
    unique.insert(request.prefix_hashes.begin(), request.prefix_hashes.end());
  }
  EXPECT_EQ(total_blocks, blocks);
  EXPECT_EQ(unique.size(), unique_blocks);
  EXPECT_EQ(Measure(r).prompt_max, prompt_max);
}

TEST(TraceShared, MooncakeConversation) {
  const std::string path = SharedTrace("mooncake_fast25/conversation_trace.jsonl");
  REQUIRE_SHARED_FILE(path);
  // README: 12,031 requests over 3,537 s; 288,500 blocks, 182,790 unique; input max 126,195.
  CheckMooncake(path, 12031, 3536.999, 288500, 182790, 126195);
  const auto r = ReadTrace(path);
  EXPECT_EQ(r.front().prompt_tokens, 6758);
  EXPECT_EQ(r.front().output_tokens, 500);
  EXPECT_EQ(r.front().prefix_hashes.size(), 14u);
  EXPECT_EQ(r.back().prompt_tokens, 20774);
  EXPECT_EQ(r.back().output_tokens, 508);
  const Moments m = Measure(r);  // input mean 12,035; output mean 343, max 2,000
  EXPECT_NEAR(m.prompt_mean, 12035, 0.5);
  EXPECT_NEAR(m.output_mean, 343, 0.5);
  EXPECT_EQ(m.output_max, 2000);
}

TEST(TraceShared, MooncakeSynthetic) {
  const std::string path = SharedTrace("mooncake_fast25/synthetic_trace.jsonl");
  REQUIRE_SHARED_FILE(path);
  // README: 3,993 requests over 1,022 s, input max 191,378; 64.0% of blocks are repeats.
  CheckMooncake(path, 3993, 1022.025, 121877, 43924, 191378);
  EXPECT_NEAR(1.0 - 43924.0 / 121877.0, 0.640, 0.0005);
}

TEST(TraceShared, MooncakeTruncationKeepsTheHashesOfTheKeptBlocks) {
  const std::string path = SharedTrace("mooncake_fast25/conversation_trace.jsonl");
  REQUIRE_SHARED_FILE(path);
  TraceOptions options;
  options.max_tokens = 4096;
  options.max_requests = 1;
  const auto r = ReadTrace(path, options);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].prompt_tokens, 3596);       // 6758 + 500 -> 4096 - 500
  EXPECT_EQ(r[0].prefix_hashes.size(), 8u);  // ceil(3596 / 512)
  EXPECT_EQ(r[0].prefix_hashes[7], 7u);
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(TraceBundled, SliceEqualsTheFirstRowsOfTheSharedOriginal) {
  const std::string bundled = std::string(SCHEDKIT_SOURCE_DIR) + "/data/traces/azure_conv_2023_first2000.csv";
  ASSERT_TRUE(std::filesystem::exists(bundled)) << bundled;
  if (std::getenv("SCHEDKIT_DATA_DIR") == nullptr) {
    EXPECT_EQ(BundledTracePath(), bundled);
  }
  const auto slice = ReadTrace(bundled);
  ASSERT_EQ(slice.size(), 2000u);  // the README's row count

  const std::string original = SharedTrace("azure_llm_2023/AzureLLMInferenceTrace_conv.csv");
  REQUIRE_SHARED_FILE(original);
  const std::string bytes = ReadBytes(bundled);
  const std::string full = ReadBytes(original);
  ASSERT_LT(bytes.size(), full.size());
  EXPECT_EQ(full.compare(0, bytes.size(), bytes), 0) << "the slice is not a prefix of the original";
  EXPECT_EQ(bytes.back(), '\n');  // ends on a whole line
  const auto first = ReadTrace(original);
  for (size_t i = 0; i < slice.size(); ++i) {
    ASSERT_EQ(slice[i].prompt_tokens, first[i].prompt_tokens) << i;
    ASSERT_EQ(slice[i].output_tokens, first[i].output_tokens) << i;
    ASSERT_EQ(slice[i].arrival_time, first[i].arrival_time) << i;
  }
}

}  // namespace
}  // namespace schedkit::sim
