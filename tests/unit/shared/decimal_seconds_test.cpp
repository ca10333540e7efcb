#include "shared/decimal_seconds.h"

#include <gtest/gtest.h>

#include <limits>

namespace bp {
namespace {

using std::chrono::nanoseconds;

std::optional<std::int64_t> ns(std::string_view text) {
  const auto value = parse_decimal_seconds(text);
  if (!value) return std::nullopt;
  return value->count();
}

TEST(DecimalSeconds, WholeSeconds) {
  EXPECT_EQ(ns("1"), 1'000'000'000);
  EXPECT_EQ(ns("0"), 0);
  EXPECT_EQ(ns("10"), 10'000'000'000);
}

TEST(DecimalSeconds, FractionsAreExactNotBinaryApproximations) {
  EXPECT_EQ(ns("0.1"), 100'000'000);  // a double would give 0.1000000000000000055...
  EXPECT_EQ(ns("0.2"), 200'000'000);
  EXPECT_EQ(ns("0.002"), 2'000'000);
  EXPECT_EQ(ns(".5"), 500'000'000);
  EXPECT_EQ(ns("5."), 5'000'000'000);
  EXPECT_EQ(ns("0.000000001"), 1);
}

TEST(DecimalSeconds, RoundsToNearestNanosecondHalfAwayFromZero) {
  EXPECT_EQ(ns("0.0000000005"), 1);
  EXPECT_EQ(ns("0.0000000004999"), 0);
  EXPECT_EQ(ns("0.00000000149"), 1);
  EXPECT_EQ(ns("0.0000000015"), 2);
  EXPECT_EQ(ns("-0.0000000015"), -2);
  EXPECT_EQ(ns("0.00000000000000000001"), 0);
}

TEST(DecimalSeconds, Exponents) {
  EXPECT_EQ(ns("1e-3"), 1'000'000);
  EXPECT_EQ(ns("1E3"), 1'000'000'000'000);
  EXPECT_EQ(ns("2.5e+1"), 25'000'000'000);
  EXPECT_EQ(ns("1e-9"), 1);
  EXPECT_EQ(ns("1e-10"), 0);
}

TEST(DecimalSeconds, NegativeValuesAreKeptForTheCallersRangeCheck) {
  EXPECT_EQ(ns("-1"), -1'000'000'000);
  EXPECT_EQ(ns("-0.5"), -500'000'000);
}

TEST(DecimalSeconds, HugeValuesSaturate) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(ns("1e300"), kMax);
  EXPECT_EQ(ns("99999999999999999999999999999999999999999999"), kMax);
  EXPECT_EQ(ns("-1e300"), -kMax);
  EXPECT_EQ(ns("9223372036"), 9'223'372'036'000'000'000);
}

TEST(DecimalSeconds, ManyDigitsStillParse) {
  EXPECT_EQ(ns("0.1000000000000000000000000000000000000000001"), 100'000'000);
  EXPECT_EQ(ns("000000000000000000000000000000000000000000001"), 1'000'000'000);
}

TEST(DecimalSeconds, GarbageIsRejected) {
  for (const char* bad : {"", ".", "-", "+", "e3", "1e", "1e+", "abc", "1.2.3", "1 ", " 1", "inf",
                          "nan", "0x10", "1,5", "--1", "1e3.5", "١"}) {
    EXPECT_EQ(ns(bad), std::nullopt) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace bp
