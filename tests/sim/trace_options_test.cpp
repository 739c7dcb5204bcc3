// Trace options: time scale, request cap, time window, Vidur's max_tokens truncation, unsorted rows, and the
// errors for bad option values and empty results.
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
      std::filesystem::path(::testing::TempDir()) / "schedkit_trace_options" / info->name();
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string ReadError(const std::string& path, const TraceOptions& options) {
  try {
    ReadTrace(path, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Arrivals at 10, 11, 13, 16, 20 s (relative 0, 1, 3, 6, 10).
std::string FiveRows() {
  return WriteFixture("five.csv",
                      "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                      "10,100,10\n"
                      "11,200,20\n"
                      "13,4000,200\n"
                      "16,7437,10\n"
                      "20,500,50\n");
}

TEST(TraceOptions, TimeScaleMultipliesArrivals) {
  TraceOptions options;
  options.time_scale = 2.0;  // Vidur time_scale_factor 2 = half the rate
  const auto requests = ReadTrace(FiveRows(), options);
  ASSERT_EQ(requests.size(), 5u);
  const double expected[] = {0, 2, 6, 12, 20};
  for (size_t i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(requests[i].arrival_time, expected[i]) << i;
}

TEST(TraceOptions, KeepTimeOriginKeepsTheFileTimesAsVidurDoes) {
  TraceOptions options;
  options.keep_time_origin = true;
  options.time_scale = 2.0;
  options.window_start = 1.0;  // the window is still measured from the first request
  const auto requests = ReadTrace(FiveRows(), options);
  ASSERT_EQ(requests.size(), 4u);
  const double expected[] = {22, 26, 32, 40};
  for (size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(requests[i].arrival_time, expected[i]) << i;

  const std::string negative = WriteFixture("negative_time.csv",
                                            "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                            "-1.5,10,5\n"
                                            "2,10,5\n");
  EXPECT_EQ(ReadTrace(negative).at(1).arrival_time, 3.5);  // rebased: fine
  TraceOptions keep;
  keep.keep_time_origin = true;
  EXPECT_EQ(ReadError(negative, keep),
            negative + ":2: negative arrival time -1.5 s (keep_time_origin needs times >= 0)");
}

TEST(TraceOptions, MaxRequestsKeepsTheFirstN) {
  TraceOptions options;
  options.max_requests = 2;
  const Trace trace = LoadTrace(FiveRows(), options);
  ASSERT_EQ(trace.requests.size(), 2u);
  EXPECT_EQ(trace.requests[1].prompt_tokens, 200);
  EXPECT_EQ(trace.report.beyond_cap, 3);
  EXPECT_EQ(trace.report.rows, 5);
}

TEST(TraceOptions, WindowSelectsAHalfOpenIntervalAndRebases) {
  TraceOptions options;
  options.window_start = 1.0;  // seconds from the first request, before scaling
  options.window_end = 6.0;    // exclusive: the row at 6 s is left out
  options.time_scale = 0.5;
  const Trace trace = LoadTrace(FiveRows(), options);
  ASSERT_EQ(trace.requests.size(), 2u);
  EXPECT_EQ(trace.requests[0].id, 0);
  EXPECT_EQ(trace.requests[0].prompt_tokens, 200);
  EXPECT_DOUBLE_EQ(trace.requests[0].arrival_time, 0.0);
  EXPECT_DOUBLE_EQ(trace.requests[1].arrival_time, 1.0);  // (3 - 1) * 0.5
  EXPECT_EQ(trace.report.outside_window, 3);
}

TEST(TraceOptions, WindowThenCap) {
  TraceOptions options;
  options.window_start = 3.0;
  options.max_requests = 2;
  const auto requests = ReadTrace(FiveRows(), options);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].prompt_tokens, 4000);
  EXPECT_EQ(requests[1].prompt_tokens, 7437);
}

TEST(TraceOptions, MaxTokensTruncatesPromptsAsVidurDoes) {
  TraceOptions options;
  options.max_tokens = 4096;
  const Trace trace = LoadTrace(FiveRows(), options);
  ASSERT_EQ(trace.requests.size(), 5u);
  EXPECT_EQ(trace.requests[0].prompt_tokens, 100);   // 110 <= 4096: unchanged
  EXPECT_EQ(trace.requests[2].prompt_tokens, 3896);  // 4000 - (4200 - 4096)
  EXPECT_EQ(trace.requests[2].output_tokens, 200);   // outputs are never shortened
  EXPECT_EQ(trace.requests[3].prompt_tokens, 4086);  // 7437 - (7447 - 4096)
  EXPECT_EQ(trace.report.truncated, 2);
}

TEST(TraceOptions, TruncationRuleHandComputed) {
  const auto truncate = [](int32_t max_tokens, int32_t prompt, int32_t output) {
    const bool ok = TruncateToMaxTokens(max_tokens, prompt, output);
    return std::make_tuple(ok, prompt, output);
  };
  EXPECT_EQ(truncate(4096, 4000, 200), std::make_tuple(true, 3896, 200));
  EXPECT_EQ(truncate(4096, 3896, 200), std::make_tuple(true, 3896, 200));  // exactly at the limit
  EXPECT_EQ(truncate(4096, 10, 4095), std::make_tuple(true, 1, 4095));
  EXPECT_EQ(truncate(4096, 0, 0), std::make_tuple(true, 1, 1));           // raised to 1 first
  EXPECT_EQ(truncate(4096, 10, 4096), std::make_tuple(false, 10, 4096));  // no room for a prompt
  EXPECT_EQ(truncate(0, 9000, 9000), std::make_tuple(true, 9000, 9000));  // no limit
  EXPECT_EQ(truncate(0, 0, 5), std::make_tuple(true, 1, 5));
}

TEST(TraceOptions, AnOutputThatLeavesNoPromptIsAnErrorNamingTheLine) {
  const std::string path = WriteFixture("long_output.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "0,10,5\n"
                                        "1,10,4096\n");
  TraceOptions options;
  options.max_tokens = 4096;
  EXPECT_EQ(ReadError(path, options),
            path + ":3: an output of 4096 tokens leaves no prompt under max_tokens = 4096");
}

TEST(TraceOptions, UnsortedRowsAreSortedStablyAndReported) {
  const std::string path = WriteFixture("unsorted.csv",
                                        "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                                        "5,1,1\n"
                                        "3,2,2\n"
                                        "5,3,3\n"
                                        "3,4,4\n");
  const Trace trace = LoadTrace(path);
  ASSERT_EQ(trace.requests.size(), 4u);
  // Stable: among equal times, file order is kept.
  const int32_t expected_prompts[] = {2, 4, 1, 3};
  const double expected_times[] = {0, 0, 2, 2};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(trace.requests[i].prompt_tokens, expected_prompts[i]);
    EXPECT_EQ(trace.requests[i].arrival_time, expected_times[i]);
    EXPECT_EQ(trace.requests[i].id, static_cast<serve::RequestId>(i));
  }
  EXPECT_EQ(trace.report.out_of_order_rows, 2);
  EXPECT_EQ(trace.report.first_out_of_order_line, 3);
  const auto warnings = trace.report.Warnings(path);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], path +
                             ": not sorted by time (2 rows earlier than the row before, first at line 3); "
                             "sorted stably");
}

TEST(TraceOptions, EmptyWindowIsAnError) {
  TraceOptions options;
  options.window_start = 100.0;
  const std::string path = FiveRows();
  EXPECT_EQ(ReadError(path, options),
            path + ": no requests left in the time window [100, end) s; the 5 requests span 10 s");
}

TEST(TraceOptions, BadOptionValuesNameTheOption) {
  const std::string path = FiveRows();
  TraceOptions options;
  options.time_scale = 0;
  EXPECT_EQ(ReadError(path, options), "trace option time_scale = 0: must be a finite number > 0");
  options = {};
  options.max_requests = -1;
  EXPECT_EQ(ReadError(path, options), "trace option max_requests = -1: must be >= 0 (0 = all)");
  options = {};
  options.window_start = -1;
  EXPECT_EQ(ReadError(path, options), "trace option window_start = -1: must be a finite number >= 0");
  options = {};
  options.window_start = 5;
  options.window_end = 5;
  EXPECT_EQ(ReadError(path, options),
            "trace option window_end = 5: must be > window_start = 5 (or < 0 for no end)");
  options = {};
  options.max_tokens = -4096;
  EXPECT_EQ(ReadError(path, options), "trace option max_tokens = -4096: must be >= 0 (0 = no limit)");
}

TEST(TraceOptions, VectorSourceYieldsTheRequestsInOrder) {
  auto source = MakeVectorSource(ReadTrace(FiveRows()));
  int64_t count = 0;
  double last = -1;
  while (auto request = source->Next()) {
    EXPECT_EQ(request->id, count);
    EXPECT_GE(request->arrival_time, last);
    last = request->arrival_time;
    ++count;
  }
  EXPECT_EQ(count, 5);
  EXPECT_FALSE(source->Next().has_value());
}

}  // namespace
}  // namespace schedkit::sim
