#include "shared/seconds_text.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace bp {
namespace {

using namespace std::chrono_literals;

TEST(ParseSeconds, ReadsPlainDecimals) {
  EXPECT_EQ(parse_seconds("0"), 0ns);
  EXPECT_EQ(parse_seconds("10"), 10s);
  EXPECT_EQ(parse_seconds("0.5"), 500ms);
  EXPECT_EQ(parse_seconds("007.250"), 7250ms);
  EXPECT_EQ(parse_seconds("9223372035.999999999"), 9223372035s + 999999999ns);
  EXPECT_EQ(parse_seconds("9223372036"), std::nullopt);  // beyond nanoseconds' range
  EXPECT_EQ(parse_seconds("1.0000000000"), std::nullopt);  // ten decimals
}

TEST(FormatSeconds, WritesTheShortestExactText) {
  EXPECT_EQ(format_seconds(10s), "10");
  EXPECT_EQ(format_seconds(500ms), "0.5");
  EXPECT_EQ(format_seconds(1ns), "0.000000001");
  EXPECT_EQ(format_seconds(2s + 10ms), "2.01");
  EXPECT_EQ(format_seconds(0ns), "0");
  EXPECT_EQ(format_seconds(-5s), "0");
}

TEST(FormatSeconds, RoundTripsThroughParseSeconds) {
  for (std::chrono::nanoseconds d : std::initializer_list<std::chrono::nanoseconds>{
           1ns, 999999999ns, 1s, 1500ms, 3600s, 123456789123ns}) {
    EXPECT_EQ(parse_seconds(format_seconds(d)), d) << d.count();
  }
}

}  // namespace
}  // namespace bp
