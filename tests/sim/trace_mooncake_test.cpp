// Mooncake JSON Lines on small fixtures: milliseconds to seconds, hash ids into prefix hashes of 512-token
// blocks, detection, and every error path with its exact file:line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

std::string WriteFixture(const std::string& name, const std::string& content) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "schedkit_trace_mooncake" / info->name();
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string ReadError(const std::string& path, const TraceOptions& options = {}) {
  try {
    ReadTrace(path, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kGood =
    "{\"timestamp\": 1000, \"input_length\": 1024, \"output_length\": 7, \"hash_ids\": [0, 1]}\r\n"
    "\r\n"
    "{\"timestamp\": 1250, \"input_length\": 1025, \"output_length\": 3, \"hash_ids\": [0, 1, 9], \"x\": "
    "true}\r\n"
    "{\"output_length\": 1, \"input_length\": 10, \"timestamp\": 4000.5}\r\n";

TEST(TraceMooncake, MillisecondsHashIdsAndBlockSize) {
  const std::string path = WriteFixture("trace.jsonl", kGood);
  const Trace trace = LoadTrace(path);
  EXPECT_EQ(trace.report.format, TraceFormat::kMooncake);
  const auto& r = trace.requests;
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].arrival_time, 0.0);
  EXPECT_DOUBLE_EQ(r[1].arrival_time, 0.25);
  EXPECT_DOUBLE_EQ(r[2].arrival_time, 3.0005);
  EXPECT_EQ(r[1].prompt_tokens, 1025);
  EXPECT_EQ(r[1].output_tokens, 3);
  EXPECT_EQ(r[1].prefix_hashes, (std::vector<uint64_t>{0, 1, 9}));
  EXPECT_EQ(r[1].prefix_hash_block_tokens, 512);
  EXPECT_TRUE(r[2].prefix_hashes.empty());  // no hash_ids: no prefix information
  EXPECT_EQ(r[2].prefix_hash_block_tokens, 0);
}

TEST(TraceMooncake, DetectedByContentWhateverTheExtension) {
  const std::string path = WriteFixture("trace.txt", kGood);
  EXPECT_EQ(LoadTrace(path).report.format, TraceFormat::kMooncake);
}

TEST(TraceMooncake, TruncationDropsTheHashesOfRemovedBlocks) {
  const std::string path = WriteFixture("trace.jsonl", kGood);
  TraceOptions options;
  options.max_tokens = 1027;  // 1025 + 3 > 1027: prompt 1024, which covers 2 blocks
  const auto r = ReadTrace(path, options);
  EXPECT_EQ(r[1].prompt_tokens, 1024);
  EXPECT_EQ(r[1].prefix_hashes, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(r[0].prefix_hashes.size(), 2u);  // 1024 + 7 > 1027 too: 1020 tokens, still 2 blocks
}

TEST(TraceMooncakeErrors, InvalidJsonNamesLineAndColumn) {
  const std::string path = WriteFixture("bad.jsonl",
                                        "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n"
                                        "{\"timestamp\": 1, \"input_length\": 5,}\n");
  EXPECT_EQ(ReadError(path),
            path +
                ":2: column 36: invalid JSON: syntax error while parsing object key - unexpected "
                "'}'; expected string literal");
}

TEST(TraceMooncakeErrors, TrailingGarbageAfterTheObject) {
  const std::string path =
      WriteFixture("garbage.jsonl", "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1} x\n");
  const std::string message = ReadError(path);
  EXPECT_EQ(message.rfind(path + ":1: column 57: invalid JSON: syntax error", 0), 0u) << message;
}

TEST(TraceMooncakeErrors, MissingAndMistypedFields) {
  const std::string missing = WriteFixture("missing.jsonl", "{\"timestamp\": 0, \"output_length\": 1}\n");
  EXPECT_EQ(
      ReadError(missing),
      missing +
          ":1: field 'input_length': missing (a Mooncake row needs timestamp, input_length, output_length)");
  const std::string no_time = WriteFixture("no_time.jsonl", "{\"input_length\": 3, \"output_length\": 1}\n");
  EXPECT_EQ(ReadError(no_time),
            no_time + ":1: field 'timestamp': missing (milliseconds from the trace start)");
  const std::string text_time =
      WriteFixture("text_time.jsonl", "{\"timestamp\": \"0\", \"input_length\": 3, \"output_length\": 1}\n");
  EXPECT_EQ(ReadError(text_time), text_time + ":1: field 'timestamp': \"0\" is not a number");
  const std::string fraction =
      WriteFixture("fraction.jsonl", "{\"timestamp\": 0, \"input_length\": 3.5, \"output_length\": 1}\n");
  EXPECT_EQ(ReadError(fraction), fraction + ":1: field 'input_length': 3.5 is not an integer token count");
  const std::string array = WriteFixture("array.jsonl", "[1, 2, 3]\n");
  EXPECT_EQ(ReadError(array), array + ":1: expected a JSON object per line");
}

TEST(TraceMooncakeErrors, NegativeLength) {
  const std::string path = WriteFixture("negative.jsonl",
                                        "{\"timestamp\": 0, \"input_length\": 5, \"output_length\": 1}\n"
                                        "{\"timestamp\": 5, \"input_length\": 5, \"output_length\": -1}\n");
  EXPECT_EQ(ReadError(path), path + ":2: field 'output_length': negative length -1");
}

TEST(TraceMooncakeErrors, HashIdsBeyondThePrompt) {
  const std::string path =
      WriteFixture("hashes.jsonl",
                   "{\"timestamp\": 0, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [1, 2]}\n");
  EXPECT_EQ(
      ReadError(path),
      path + ":1: field 'hash_ids': 2 ids for a 512-token prompt: more than ceil(input_length / 512) = 1");
  const std::string negative =
      WriteFixture("neg_hash.jsonl",
                   "{\"timestamp\": 0, \"input_length\": 512, \"output_length\": 1, \"hash_ids\": [-3]}\n");
  EXPECT_EQ(ReadError(negative), negative + ":1: field 'hash_ids': -3 is not a non-negative integer");
}

TEST(TraceMooncakeErrors, OnlyBlankLines) {
  const std::string path = WriteFixture("blank.jsonl", "\n\r\n  \n");
  EXPECT_EQ(ReadError(path), path + ": the trace has no requests (no data rows)");
}

}  // namespace
}  // namespace schedkit::sim
