// CSV trace readers on small fixtures: each format, CSV details (quotes, CRLF, extra columns), and every
// error path with its exact file:line.
#include <gtest/gtest.h>

#include <cmath>
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
      std::filesystem::path(::testing::TempDir()) / "schedkit_trace_csv" / info->name();
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// The message of the schedkit::Error that reading `path` throws ("" when none).
std::string ReadError(const std::string& path, const TraceOptions& options = {}) {
  try {
    ReadTrace(path, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TraceCsv, AzureWallClockTimesBecomeSecondsFromTheFirstRow) {
  const std::string path = WriteFixture("azure.csv",
                                        "TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
                                        "2023-11-16 18:15:46.6805900,374,44\r\n"
                                        "2023-11-16 18:15:50.9951690,396,109\r\n"
                                        "2023-11-16 23:59:59.9999999,1,2\r\n"
                                        "2023-11-17 00:00:00.5,3,4");  // across midnight, no final newline
  const Trace trace = LoadTrace(path);
  EXPECT_EQ(trace.report.format, TraceFormat::kAzure2023);
  ASSERT_EQ(trace.requests.size(), 4u);
  EXPECT_EQ(trace.requests[0].arrival_time, 0.0);
  EXPECT_NEAR(trace.requests[1].arrival_time, 4.314579, 1e-12);
  // 18:15:46.68059 -> 23:59:59.9999999 = 5 h 44 min 13.3194099 s
  EXPECT_NEAR(trace.requests[2].arrival_time, 5 * 3600 + 44 * 60 + 13.3194099, 1e-9);
  EXPECT_NEAR(trace.requests[3].arrival_time, 5 * 3600 + 44 * 60 + 13.81941, 1e-9);
  EXPECT_EQ(trace.requests[1].prompt_tokens, 396);
  EXPECT_EQ(trace.requests[1].output_tokens, 109);
  for (size_t i = 0; i < trace.requests.size(); ++i) {
    EXPECT_EQ(trace.requests[i].id, static_cast<serve::RequestId>(i));
    EXPECT_TRUE(trace.requests[i].prefix_hashes.empty());
  }
}

TEST(TraceCsv, AzureTimestampsWithATimeZoneAreConvertedToUtc) {
  const std::string path = WriteFixture("azure_tz.csv",
                                        "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                        "2024-05-10T00:00:00Z,10,1\n"
                                        "2024-05-10 02:00:01.25+02:00,10,1\n");  // 00:00:01.25 UTC
  const auto requests = ReadTrace(path);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_DOUBLE_EQ(requests[1].arrival_time, 1.25);
}

TEST(TraceCsv, VidurColumnsAreFoundByNameAndExtraColumnsIgnored) {
  const std::string path = WriteFixture("vidur.csv",
                                        "num_decode_tokens,extra,arrived_at,num_prefill_tokens\n"
                                        "44,\"x, y\",10.5,374\n"
                                        "109,z,14.814579,396.0\n");  // pandas-style integral float
  const Trace trace = LoadTrace(path);
  EXPECT_EQ(trace.report.format, TraceFormat::kVidur);
  ASSERT_EQ(trace.requests.size(), 2u);
  EXPECT_EQ(trace.requests[0].arrival_time, 0.0);  // rebased to the first request
  EXPECT_NEAR(trace.requests[1].arrival_time, 4.314579, 1e-12);
  EXPECT_EQ(trace.requests[0].prompt_tokens, 374);
  EXPECT_EQ(trace.requests[0].output_tokens, 44);
  EXPECT_EQ(trace.requests[1].prompt_tokens, 396);
}

TEST(TraceCsv, BurstGptSchemaFromItsReadme) {
  const std::string path =
      WriteFixture("burstgpt.csv",
                   "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                   "5,ChatGPT,472,18,490,Conversation log\n"
                   "45,ChatGPT,1087,0,1087,Conversation log\n"  // a failed request
                   "118.5,GPT-4,417,276,693,API log\n");
  const Trace trace = LoadTrace(path);
  EXPECT_EQ(trace.report.format, TraceFormat::kBurstGpt);
  ASSERT_EQ(trace.requests.size(), 3u);
  EXPECT_EQ(trace.requests[0].arrival_time, 0.0);
  EXPECT_EQ(trace.requests[1].arrival_time, 40.0);
  EXPECT_EQ(trace.requests[2].arrival_time, 113.5);
  EXPECT_EQ(trace.requests[2].prompt_tokens, 417);
  EXPECT_EQ(trace.requests[2].output_tokens, 276);
  // The 0-token response is raised to 1 (Vidur's rule), and counted.
  EXPECT_EQ(trace.requests[1].output_tokens, 1);
  EXPECT_EQ(trace.report.zero_lengths_raised, 1);
  ASSERT_EQ(trace.report.Warnings(path).size(), 1u);
  EXPECT_NE(trace.report.Warnings(path)[0].find("1 rows with a 0-token"), std::string::npos);
}

TEST(TraceCsv, ZeroLengthIsAnErrorWhenAskedToReject) {
  const std::string path = WriteFixture("zero.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,10,5\n"
                                        "1,0,5\n");
  TraceOptions options;
  options.reject_zero_lengths = true;
  EXPECT_EQ(ReadError(path, options),
            path + ":3: prompt of 0 tokens (every request needs at least 1 prompt and 1 output token)");
}

TEST(TraceCsv, LengthsOnlyFilesArriveAtZeroAndSayWhy) {
  const std::string path = WriteFixture("lengths.csv",
                                        "num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio\r\n"
                                        "3772,54,3826,69.85\r\n"
                                        "2015,156,2171,12.9\r\n");
  const Trace trace = LoadTrace(path);
  EXPECT_EQ(trace.report.format, TraceFormat::kLengthsOnly);
  EXPECT_FALSE(trace.report.has_arrival_times);
  ASSERT_EQ(trace.requests.size(), 2u);
  EXPECT_EQ(trace.requests[1].arrival_time, 0.0);
  EXPECT_EQ(trace.requests[1].prompt_tokens, 2015);
  EXPECT_EQ(trace.requests[1].output_tokens, 156);
  ASSERT_FALSE(trace.report.Warnings(path).empty());
  EXPECT_NE(trace.report.Warnings(path)[0].find("no arrival times"), std::string::npos);
  const auto lengths = ReadTraceLengths(path);
  ASSERT_EQ(lengths.size(), 2u);
  EXPECT_EQ(lengths[0], std::make_pair(3772, 54));
}

TEST(TraceCsv, QuotedFieldsMayHoldCommasQuotesAndNewlines) {
  const std::string path =
      WriteFixture("quoted.csv",
                   "\xEF\xBB\xBF\"arrived_at\",note,num_prefill_tokens,num_decode_tokens\n"
                   "0,\"a \"\"quoted\"\"\nnote, two lines\",\"12\",3\n"
                   "\n"  // a blank line carries no data
                   "2, plain ,7,8\n"
                   "3,x,oops,8\n");
  // The record starting on line 2 spans lines 2-3; the blank line is line 4; "oops" is on line 6.
  EXPECT_EQ(ReadError(path),
            path + ":6: column 3 'num_prefill_tokens': 'oops' is not an integer token count");
}

TEST(TraceCsv, ExplicitFormatIsHonoured) {
  const std::string path = WriteFixture("vidur.txt",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0.5,10,5\n");
  TraceOptions options;
  options.format = TraceFormat::kAzure2023;
  EXPECT_EQ(
      ReadError(path, options),
      path +
          ":1: missing column 'TIMESTAMP' (the Azure 2023 format needs the columns TIMESTAMP, ContextTokens, "
          "GeneratedTokens; the header has arrived_at, num_prefill_tokens, num_decode_tokens)");
  options.format = TraceFormat::kVidur;
  EXPECT_EQ(ReadTrace(path, options).size(), 1u);
}

// ---- Bad input: each error names the file, the line and (for a field) the column.

TEST(TraceCsvErrors, WrongFieldCount) {
  const std::string path = WriteFixture("fields.csv",
                                        "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                        "2023-11-16 18:15:46.6805900,374,44\n"
                                        "2023-11-16 18:15:47.6805900,374\n");
  EXPECT_EQ(ReadError(path), path + ":3: 2 fields, but the header (line 1) has 3 columns");
}

TEST(TraceCsvErrors, TrailingGarbageInANumber) {
  const std::string path = WriteFixture("garbage.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,10,5\n"
                                        "1,10,5x\n");
  EXPECT_EQ(ReadError(path), path + ":3: column 3 'num_decode_tokens': '5x' is not an integer token count");
}

TEST(TraceCsvErrors, FractionalTokenCount) {
  const std::string path = WriteFixture("fraction.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,10.5,5\n");
  EXPECT_EQ(ReadError(path),
            path + ":2: column 2 'num_prefill_tokens': '10.5' is not an integer token count");
}

TEST(TraceCsvErrors, NegativeLength) {
  const std::string path = WriteFixture("negative.csv",
                                        "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                        "2023-11-16 18:15:46.6805900,-374,44\n");
  EXPECT_EQ(ReadError(path), path + ":2: column 2 'ContextTokens': negative length -374");
}

TEST(TraceCsvErrors, LengthBeyondInt32) {
  const std::string path = WriteFixture("huge.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,10,3000000000\n");
  EXPECT_EQ(ReadError(path), path + ":2: column 3 'num_decode_tokens': length 3000000000 is too large");
}

TEST(TraceCsvErrors, NonNumericTime) {
  const std::string path = WriteFixture("time.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,10,5\n"
                                        "nan,10,5\n");
  EXPECT_EQ(ReadError(path), path + ":3: column 1 'arrived_at': 'nan' is not a finite number of seconds");
}

TEST(TraceCsvErrors, UnparsableTimestamp) {
  const std::string path = WriteFixture("stamp.csv",
                                        "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                        "2023-11-16 18:15:46.6805900,374,44\n"
                                        "2023-13-16 18:15:46,374,44\n");
  EXPECT_EQ(ReadError(path),
            path +
                ":3: column 1 'TIMESTAMP': '2023-13-16 18:15:46' is not a timestamp of the form "
                "YYYY-MM-DD HH:MM:SS[.fraction]");
}

TEST(TraceCsvErrors, MissingColumnListsTheExpectedOnes) {
  const std::string path = WriteFixture("missing.csv",
                                        "arrived_at,num_prefill_tokens\n"
                                        "0,10\n");
  EXPECT_EQ(ReadError(path),
            path +
                ":1: missing column 'num_decode_tokens' (the Vidur format needs the columns "
                "arrived_at, num_prefill_tokens, num_decode_tokens; the header has arrived_at, "
                "num_prefill_tokens)");
}

TEST(TraceCsvErrors, UnknownHeaderListsEveryFormat) {
  const std::string path = WriteFixture("unknown.csv", "time,in,out\n0,1,2\n");
  const std::string message = ReadError(path);
  EXPECT_EQ(message.rfind(path + ":1: cannot tell the trace format from the header (time, in, out)", 0), 0u)
      << message;
  for (const char* expected : {"Azure 2023 (TIMESTAMP, ContextTokens, GeneratedTokens)",
                               "Vidur (arrived_at, num_prefill_tokens, num_decode_tokens)",
                               "BurstGPT (Timestamp, Request tokens, Response tokens)", "Mooncake"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected;
  }
}

TEST(TraceCsvErrors, UnterminatedQuote) {
  const std::string path = WriteFixture("quote.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,10,5\n"
                                        "1,\"10,5\n");
  EXPECT_EQ(ReadError(path), path + ":3: column 2: unterminated quoted field");
}

TEST(TraceCsvErrors, TextAfterAClosingQuote) {
  const std::string path = WriteFixture("after.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,\"10\"x,5\n");
  EXPECT_EQ(ReadError(path), path + ":2: column 2: unexpected 'x' after a closing quote");
}

TEST(TraceCsvErrors, HeaderOnlyAndEmptyFiles) {
  const std::string header_only =
      WriteFixture("header.csv", "arrived_at,num_prefill_tokens,num_decode_tokens\r\n");
  EXPECT_EQ(ReadError(header_only), header_only + ": the trace has no requests (no data rows)");
  const std::string empty = WriteFixture("empty.csv", "");
  EXPECT_EQ(ReadError(empty), empty + ": empty trace file (no header, no rows)");
}

TEST(TraceCsvErrors, UnreadableFile) {
  const std::string path = WriteFixture("absent_dir_marker", "") + ".does-not-exist.csv";
  EXPECT_EQ(ReadError(path), path + ": cannot open the trace file: No such file or directory");
}

TEST(TraceFormatNames, RoundTripAndUnknownNamesListTheValidOnes) {
  for (TraceFormat format : {TraceFormat::kAuto, TraceFormat::kAzure2023, TraceFormat::kVidur,
                             TraceFormat::kMooncake, TraceFormat::kBurstGpt, TraceFormat::kLengthsOnly}) {
    EXPECT_EQ(ParseTraceFormat(TraceFormatName(format)), format);
  }
  try {
    ParseTraceFormat("azure");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "unknown trace format 'azure' (valid: auto, azure2023, vidur, mooncake, burstgpt, lengths)");
  }
}

}  // namespace
}  // namespace schedkit::sim
