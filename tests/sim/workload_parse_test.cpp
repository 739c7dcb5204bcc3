// Command-line forms of the synthetic options: each form, and errors that name the flag and list valid names.
#include <gtest/gtest.h>

#include <string>

#include "schedkit/sim/workload.h"
#include "schedkit/util/error.h"

namespace schedkit::sim {
namespace {

using Kind = LengthDistribution::Kind;

std::string ParseError(const std::string& spec) {
  try {
    ParseLengthDistribution(spec, "--prompt-lengths");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WorkloadParse, LengthDistributionForms) {
  LengthDistribution d = ParseLengthDistribution("lognormal:1020:0.9", "--prompt-lengths");
  EXPECT_EQ(d.kind, Kind::kLognormal);
  EXPECT_EQ(d.a, 1020);
  EXPECT_EQ(d.b, 0.9);
  d = ParseLengthDistribution("fixed:512", "--prompt-lengths");
  EXPECT_EQ(d.kind, Kind::kFixed);
  EXPECT_EQ(d.a, 512);
  d = ParseLengthDistribution("uniform:10:20", "--prompt-lengths");
  EXPECT_EQ(d.kind, Kind::kUniform);
  EXPECT_EQ(d.b, 20);
  d = ParseLengthDistribution("zipf:1.2:4096", "--prompt-lengths");
  EXPECT_EQ(d.kind, Kind::kZipf);
  EXPECT_EQ(d.a, 1.2);
  EXPECT_EQ(d.b, 4096);
  EXPECT_EQ(ParseLengthDistribution("trace", "--prompt-lengths").kind, Kind::kTrace);
}

TEST(WorkloadParse, LengthDistributionErrors) {
  EXPECT_EQ(ParseError("lognrmal:1:2"),
            "--prompt-lengths 'lognrmal:1:2': unknown length distribution 'lognrmal' (valid: fixed:N, "
            "uniform:LO:HI, "
            "zipf:THETA:MAX, lognormal:MEDIAN:SIGMA, trace)");
  EXPECT_EQ(ParseError("lognormal:1000"),
            "--prompt-lengths 'lognormal:1000': expected the form lognormal:MEDIAN:SIGMA");
  EXPECT_EQ(ParseError("fixed:12x"), "--prompt-lengths 'fixed:12x': '12x' is not a number");
  EXPECT_EQ(ParseError("uniform:1:"), "--prompt-lengths 'uniform:1:': '' is not a number");
  EXPECT_EQ(ParseError("uniform:1,2"), "--prompt-lengths 'uniform:1,2': expected the form uniform:LO:HI");
  EXPECT_EQ(ParseError("fixed:1e999"),
            "--prompt-lengths 'fixed:1e999': '1e999' is out of range (a finite number is expected)");
  EXPECT_EQ(ParseError("trace:3"), "--prompt-lengths 'trace:3': expected the form trace");
}

TEST(WorkloadParse, Arrivals) {
  EXPECT_EQ(ParseArrivals("poisson", "--arrivals"), SyntheticOptions::Arrivals::kPoisson);
  EXPECT_EQ(ParseArrivals("gamma", "--arrivals"), SyntheticOptions::Arrivals::kGamma);
  EXPECT_EQ(ParseArrivals("static", "--arrivals"), SyntheticOptions::Arrivals::kStatic);
  try {
    ParseArrivals("bursty", "--arrivals");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--arrivals: unknown value 'bursty' (valid: poisson, gamma, static)");
  }
}

}  // namespace
}  // namespace schedkit::sim
