// RttBuckets and RttHistogram: the default bounds, which bucket an RTT falls in, exact sums,
// cumulative counts, and the wording of the bucket-list parser's errors.

#include "ping/metrics/rtt_histogram.h"

#include <gtest/gtest.h>

#include <string>

namespace bp {
namespace {

using namespace std::chrono_literals;

std::string error_of(std::string_view list) {
  const auto parsed = parse_rtt_buckets(list);
  return parsed ? std::string("(parsed)") : parsed.error();
}

TEST(RttBuckets, DefaultSpansLanToWanInRoundDecimals) {
  const RttBuckets buckets = RttBuckets::default_buckets();
  const auto bounds = buckets.upper_bounds();
  ASSERT_EQ(bounds.size(), 18u);
  EXPECT_EQ(bounds.front(), 0.000025);
  EXPECT_EQ(bounds.back(), 10.0);
  for (std::size_t i = 1; i < bounds.size(); ++i) {
    EXPECT_GT(bounds[i], bounds[i - 1]);
    EXPECT_LE(bounds[i] / bounds[i - 1], 2.5 + 1e-12) << "no step coarser than 2.5x";
  }
  EXPECT_EQ(buckets.bucket_count(), 19u) << "and +Inf";
}

TEST(RttBuckets, AnRttEqualToABoundFallsInThatBucket) {
  const RttBuckets buckets = RttBuckets::default_buckets();
  EXPECT_EQ(buckets.bucket_of(1ms), 5u) << "le=0.001";
  EXPECT_EQ(buckets.bucket_of(1ms + 1ns), 6u);
  EXPECT_EQ(buckets.bucket_of(25us), 0u);
  EXPECT_EQ(buckets.bucket_of(250us), 3u) << "le=0.00025";
  EXPECT_EQ(buckets.bucket_of(10s), 17u);
}

TEST(RttBuckets, ExtremesGoToTheFirstAndInfBuckets) {
  const RttBuckets buckets = RttBuckets::default_buckets();
  EXPECT_EQ(buckets.bucket_of(0ns), 0u);
  EXPECT_EQ(buckets.bucket_of(-5ms), 0u) << "a negative RTT counts as 0";
  EXPECT_EQ(buckets.bucket_of(10s + 1ns), 18u) << "+Inf";
  EXPECT_EQ(buckets.bucket_of(1h), 18u);
}

TEST(RttHistogram, CountsPerBucketAndExactSum) {
  const RttBuckets buckets = *parse_rtt_buckets("0.001,0.01");
  RttHistogram h(buckets);
  h.add(buckets, 1ms);
  h.add(buckets, 1ms + 1ns);
  h.add(buckets, 3s);
  h.add(buckets, -1ms);
  EXPECT_EQ(h.counts, (std::vector<std::uint64_t>{2, 1, 1}));
  EXPECT_EQ(h.sum_ns, 3'002'000'001u) << "negative adds 0";
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.cumulative(), (std::vector<std::uint64_t>{2, 3, 4}));
  EXPECT_EQ(h.cumulative().back(), h.count()) << "+Inf equals the count";
}

TEST(ParseRttBuckets, AcceptsACommaSeparatedList) {
  const auto parsed = parse_rtt_buckets("0.0001,0.0005,0.001, 0.5 ,2");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::vector<double>(parsed->upper_bounds().begin(), parsed->upper_bounds().end()),
            (std::vector<double>{0.0001, 0.0005, 0.001, 0.5, 2}));
  EXPECT_TRUE(parse_rtt_buckets("1e-3,2.5e-2"));
}

TEST(ParseRttBuckets, ErrorsNameTheElement) {
  EXPECT_EQ(error_of(""), "no buckets");
  EXPECT_EQ(error_of("  "), "no buckets");
  EXPECT_EQ(error_of("abc"), "bucket 'abc' is not a number");
  EXPECT_EQ(error_of("0.1\n\x1b[2J'"), "bucket '0.1\\x0a\\x1b[2J\\'' is not a number") << "one printable line";
  EXPECT_EQ(error_of("0.1,,0.2"), "bucket '' is not a number");
  EXPECT_EQ(error_of("0.1,"), "bucket '' is not a number");
  EXPECT_EQ(error_of("1.5s"), "bucket '1.5s' is not a number");
  EXPECT_EQ(error_of("0x10"), "bucket '0x10' is not a number");
  EXPECT_EQ(error_of("nan"), "bucket 'nan' is not a number");
  EXPECT_EQ(error_of("inf"), "bucket 'inf' is not finite");
  EXPECT_EQ(error_of("1e999"), "bucket '1e999' is out of range");
  EXPECT_EQ(error_of("0"), "bucket '0' is not positive");
  EXPECT_EQ(error_of("-1"), "bucket '-1' is not positive");
  EXPECT_EQ(error_of("0.002,0.001"), "bucket '0.001' is not above the one before it (0.002)");
  EXPECT_EQ(error_of("0.1,0.1"), "bucket '0.1' is not above the one before it (0.1)");
}

TEST(ParseRttBuckets, AtMost64Buckets) {
  std::string list = "1";
  for (int i = 2; i <= 64; ++i) list += "," + std::to_string(i);
  ASSERT_TRUE(parse_rtt_buckets(list));
  EXPECT_EQ(parse_rtt_buckets(list)->bucket_count(), 65u);
  EXPECT_EQ(error_of(list + ",65"), "more than 64 buckets");
}

TEST(RttBuckets, MakeChecksLikeTheParser) {
  EXPECT_EQ(RttBuckets::make({}).error(), "no buckets");
  EXPECT_EQ(RttBuckets::make({1, 0.5}).error(), "bucket '0.5' is not above the one before it (1)");
  EXPECT_TRUE(RttBuckets::make({0.5, 1}));
}

}  // namespace
}  // namespace bp
