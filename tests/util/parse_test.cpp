// util/parse.h: accepted and refused text for each parser, and what the errors name.
#include "schedkit/util/parse.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>

#include "common/error_of.h"

namespace schedkit::util {
namespace {

using schedkit::testing::ErrorOf;

TEST(ParseTest, Double) {
  EXPECT_EQ(ParseDouble("2.5", "--x"), 2.5);
  EXPECT_EQ(ParseDouble("-1e3", "--x"), -1000.0);
  EXPECT_EQ(ErrorOf([] { ParseDouble("2.5s", "--x"); }), "--x: '2.5s' is not a number");
  EXPECT_EQ(ErrorOf([] { ParseDouble("", "f.txt:3"); }), "f.txt:3: '' is not a number");
  EXPECT_NE(ErrorOf([] { ParseDouble("inf", "--x"); }), "");
  EXPECT_NE(ErrorOf([] { ParseDouble("1e999", "--x"); }).find("out of range"), std::string::npos);
}

TEST(ParseTest, Integers) {
  EXPECT_EQ(ParseInt64("-42", "n"), -42);
  EXPECT_EQ(ParseInt64("+7", "n"), 7);
  EXPECT_EQ(ParseInt64("9223372036854775807", "n"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ErrorOf([] { ParseInt64("9223372036854775808", "n"); }),
            "n: '9223372036854775808' is out of the 64-bit integer range");
  EXPECT_EQ(ErrorOf([] { ParseInt64("1.5", "n"); }), "n: '1.5' is not an integer");
  EXPECT_EQ(ErrorOf([] { ParseIntInRange("11", "k", 0, 10); }), "k: 11 is outside [0, 10]");
  EXPECT_EQ(ParseInt32("2147483647", "k"), std::numeric_limits<int32_t>::max());
  EXPECT_NE(ErrorOf([] { ParseInt32("2147483648", "k"); }), "");
}

TEST(ParseTest, TryParse) {
  EXPECT_EQ(TryParseInt64("+12"), 12);
  EXPECT_EQ(TryParseInt64("12.5"), std::nullopt);
  EXPECT_EQ(TryParseInt64("99999999999999999999"), std::nullopt);
  EXPECT_EQ(TryParseDouble("12.5"), 12.5);
  EXPECT_EQ(TryParseDouble(" 1"), std::nullopt);
  EXPECT_EQ(TryParseDouble("nan"), std::nullopt);
  EXPECT_EQ(TryParseDouble("lr"), std::nullopt);
}

TEST(ParseTest, Bool) {
  EXPECT_TRUE(ParseBool("1", "b"));
  EXPECT_FALSE(ParseBool("false", "b"));
  EXPECT_EQ(ErrorOf([] { ParseBool("yes", "b"); }), "b: 'yes' must be true or false");
}

TEST(ParseTest, Lists) {
  EXPECT_EQ(SplitList("a,,b", ','), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(SplitList("", ','), (std::vector<std::string_view>{""}));
  EXPECT_EQ(SplitNonEmpty("a,,b,", ','), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(SplitNonEmpty("", ',').empty());
  EXPECT_TRUE(SplitNonEmpty(",,", ',').empty());
}

enum class Colour { kRed, kGreen };
constexpr std::array<NamedValue<Colour>, 3> kColours = {
    {{"red", Colour::kRed}, {"green", Colour::kGreen}, {"verde", Colour::kGreen}}};

TEST(ParseTest, Enums) {
  EXPECT_EQ(ParseEnum<Colour>("verde", "--colour", kColours), Colour::kGreen);
  EXPECT_EQ(EnumName(Colour::kGreen, std::span<const NamedValue<Colour>>(kColours)), "green");
  EXPECT_EQ(ErrorOf([] { ParseEnum<Colour>("blue", "--colour", kColours); }),
            "--colour: unknown value 'blue' (valid: red, green, verde)");
}

}  // namespace
}  // namespace schedkit::util
