// WriteVidurTrace: a synthetic workload written as a Vidur CSV reads back as the same requests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

TEST(TraceWrite, SyntheticWorkloadRoundTripsThroughAVidurCsv) {
  SyntheticOptions options;
  options.num_requests = 1000;
  options.rate = 1.4;
  options.seed = 42;
  options.prompt = ParseLengthDistribution("lognormal:2000:0.6", "prompt");
  options.output = ParseLengthDistribution("zipf:1.1:2000", "output");
  std::vector<serve::RequestSpec> requests;
  auto source = MakeSyntheticSource(options);
  while (auto r = source->Next()) requests.push_back(*r);

  const std::string path = (std::filesystem::path(::testing::TempDir()) / "schedkit_roundtrip.csv").string();
  WriteVidurTrace(path, requests);
  std::ifstream in(path);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(header, "arrived_at,num_prefill_tokens,num_decode_tokens");
  EXPECT_EQ(first.find('.'), first.find(',') - 10);  // 9 decimals, as Vidur's reference traces

  TraceOptions read_options;
  read_options.keep_time_origin = true;  // the first request arrives after one gap, not at 0
  const auto back = ReadTrace(path, read_options);
  ASSERT_EQ(back.size(), requests.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].id, requests[i].id);
    EXPECT_NEAR(back[i].arrival_time, requests[i].arrival_time, 5e-10);
    EXPECT_EQ(back[i].prompt_tokens, requests[i].prompt_tokens);
    EXPECT_EQ(back[i].output_tokens, requests[i].output_tokens);
  }
}

TEST(TraceWrite, UnwritablePathIsAnError) {
  const std::string path = "/nonexistent-dir/x.csv";
  try {
    WriteVidurTrace(path, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "/nonexistent-dir/x.csv: cannot write the trace: No such file or directory");
  }
}

}  // namespace
}  // namespace schedkit::sim
