#include "ping/output/report_format.h"
#include "ping/packet/hex_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

// The number helpers behind every printed line, checked against what printf would print for
// the same format ("%0*lu", "%0*ld", "%ld.%03ld").

namespace bp::report_detail {
namespace {

std::string decimal(std::uint64_t value, int width = 1) {
  std::string text;
  append_decimal(text, value, width);
  return text;
}

std::string signed_decimal(std::int64_t value, int width = 1) {
  std::string text;
  append_signed_decimal(text, value, width);
  return text;
}

TEST(ReportDecimal, DigitsWithoutPadding) {
  EXPECT_EQ(decimal(0), "0");
  EXPECT_EQ(decimal(7), "7");
  EXPECT_EQ(decimal(10), "10");
  EXPECT_EQ(decimal(65535), "65535");
  EXPECT_EQ(decimal(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
}

TEST(ReportDecimal, ZeroPaddedToTheWidthNeverCut) {
  EXPECT_EQ(decimal(0, 6), "000000");
  EXPECT_EQ(decimal(42, 6), "000042");
  EXPECT_EQ(decimal(999999, 6), "999999");
  EXPECT_EQ(decimal(1234567, 6), "1234567");
  EXPECT_EQ(decimal(5, 0), "5");
}

TEST(ReportDecimal, AppendsToWhatIsThere) {
  std::string text = "icmp_seq=";
  append_decimal(text, 12);
  EXPECT_EQ(text, "icmp_seq=12");
}

TEST(ReportDecimal, SignedValuesPadTheMagnitudeAfterTheSign) {
  EXPECT_EQ(signed_decimal(-5, 3), "-005");
  EXPECT_EQ(signed_decimal(5, 3), "005");
  EXPECT_EQ(signed_decimal(0), "0");
  EXPECT_EQ(signed_decimal(std::numeric_limits<std::int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(signed_decimal(std::numeric_limits<std::int64_t>::max()), "9223372036854775807");
  EXPECT_EQ(signed_decimal(-42, 6), "-000042");
}

TEST(ReportDecimal, MicrosecondsAsMillisecondsWithThreeDecimals) {
  EXPECT_EQ(microseconds_as_ms(0), "0.000");
  EXPECT_EQ(microseconds_as_ms(25), "0.025");
  EXPECT_EQ(microseconds_as_ms(1000), "1.000");
  EXPECT_EQ(microseconds_as_ms(123456789), "123456.789");
  EXPECT_EQ(microseconds_as_ms(-5), "-0.005");
  EXPECT_EQ(microseconds_as_ms(std::numeric_limits<std::int64_t>::min()), "-9223372036854775.808");
}

TEST(ReportHex, LowercaseWithoutPadding) {
  EXPECT_EQ(lowercase_hex(0), "0");
  EXPECT_EQ(lowercase_hex(0xa), "a");
  EXPECT_EQ(lowercase_hex(0xff), "ff");
  EXPECT_EQ(lowercase_hex(0x1234abcd), "1234abcd");
}

}  // namespace
}  // namespace bp::report_detail
