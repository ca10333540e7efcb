#include "ping/stats/rtt_stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

namespace bp {
namespace {

using namespace std::chrono_literals;

RttStats stats_of(std::initializer_list<Duration> samples) {
  RttStats stats;
  for (Duration sample : samples) stats.add(sample);
  return stats;
}

TEST(RttStats, NoSamplesGiveNoValues) {
  const RttStats stats;
  EXPECT_EQ(stats.samples(), 0u);
  EXPECT_EQ(stats.summary(), std::nullopt);
  EXPECT_EQ(stats.ewma(), std::nullopt);
  EXPECT_EQ(stats.max(), std::nullopt);
}

TEST(RttStats, SingleSampleHasZeroMdev) {
  const auto summary = stats_of({167us}).summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->min, 167us);
  EXPECT_EQ(summary->avg, 167us);
  EXPECT_EQ(summary->max, 167us);
  EXPECT_EQ(summary->mdev, 0ns);
}

TEST(RttStats, ReproducesIputilsSummaryOfThreeLoopbackReplies) {
  // iputils printed "rtt min/avg/max/mdev = 0.019/0.070/0.167/0.068 ms" for 3 replies;
  // 167, 24 and 19 us give exactly that. Hand computed: avg = 210/3 = 70 us; deviations
  // 97, -46, -51 us; variance = (9409 + 2116 + 2601) / 3 us^2 = 4708.667 us^2;
  // mdev = 68.6197 us = 68620 ns.
  const RttStats stats = stats_of({167us, 24us, 19us});
  const auto summary = stats.summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(stats.samples(), 3u);
  EXPECT_EQ(summary->min, 19us);
  EXPECT_EQ(summary->avg, 70us);
  EXPECT_EQ(summary->max, 167us);
  EXPECT_EQ(summary->mdev, 68620ns);
}

TEST(RttStats, MdevIsThePopulationStandardDeviation) {
  // 26, 4, 6, 14, 20 us: avg 14 us; squared deviations 144 + 100 + 64 + 0 + 36 = 344 us^2;
  // population variance 344 / 5 = 68.8 us^2 -> 8.2946 us (the sample deviation, /4, would be
  // 9.27 us). Prints as iputils' "0.004/0.014/0.026/0.008".
  const auto summary = stats_of({26us, 4us, 6us, 14us, 20us}).summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->min, 4us);
  EXPECT_EQ(summary->avg, 14us);
  EXPECT_EQ(summary->max, 26us);
  EXPECT_EQ(summary->mdev, 8295ns);
}

TEST(RttStats, AverageIsTruncatedAndMdevRoundedToTheNanosecond) {
  // 1000 and 2001 ns: avg 1500.5 -> 1500 ns; mdev exactly 500.5 -> 501 ns.
  const auto summary = stats_of({1000ns, 2001ns}).summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->avg, 1500ns);
  EXPECT_EQ(summary->mdev, 501ns);
}

TEST(RttStats, IdenticalSamplesHaveZeroMdev) {
  const auto summary = stats_of({3ms, 3ms, 3ms, 3ms, 3ms, 3ms, 3ms}).summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->avg, 3ms);
  EXPECT_EQ(summary->mdev, 0ns);
}

TEST(RttStats, CloseSamplesFarFromZeroKeepTheirSpread) {
  // 1000 s + 1, 2, 3 ns: variance 2/3 ns^2, mdev 0.816 ns -> 1 ns. A sum-of-squares formula
  // in double would lose this to cancellation (the squares are near 1e24).
  const Duration base = 1000s;
  const auto summary = stats_of({base + 1ns, base + 2ns, base + 3ns}).summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->avg, base + 2ns);
  EXPECT_EQ(summary->mdev, 1ns);
}

TEST(RttStats, HugeRttsDoNotOverflow) {
  // 1e18 ns is 31 years; the squares (1e36) overflow any 64-bit accumulator.
  const Duration huge = Duration(1'000'000'000'000'000'000);
  const auto summary = stats_of({huge, huge + 2000ns}).summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->avg, huge + 1000ns);
  EXPECT_EQ(summary->mdev, 1000ns);
}

TEST(RttStats, SumBeyondSixtyFourBitsStaysExact) {
  const Duration big = Duration(9'000'000'000'000'000'000);  // near INT64_MAX
  RttStats stats;
  for (int i = 0; i < 10; ++i) stats.add(big);  // the sum, 9e19 ns, needs more than 63 bits
  stats.add(big + 10ns);
  const auto summary = stats.summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->avg, big);  // 9e18 + 10/11 ns, truncated
  EXPECT_EQ(summary->max, big + 10ns);
  EXPECT_EQ(summary->mdev, 3ns);  // variance 11000 / 1331 ns^2, mdev 2.875 ns
}

TEST(RttStats, ExtremeSpreadStaysWithinANanosecond) {
  const Duration top = Duration(std::numeric_limits<Duration::rep>::max());
  const auto summary = stats_of({0ns, top}).summary();
  ASSERT_TRUE(summary);
  const Duration half = top / 2;  // 2^62 - 1 (the exact value is 2^62 - 0.5)
  EXPECT_EQ(summary->avg, half);
  EXPECT_LE((summary->mdev - half).count(), 1);
  EXPECT_GE((summary->mdev - half).count(), 0);
}

TEST(RttStats, NegativeRttCountsAsZero) {
  const auto summary = stats_of({-5us, 10us}).summary();
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->min, 0ns);
  EXPECT_EQ(summary->avg, 5us);
}

TEST(RttStats, EwmaFollowsIputilsFixedPointArithmetic) {
  // ewma8 = 167 * 8 = 1336; 1336 + 24 - 167 = 1193; 1193 + 19 - 149 = 1063; 1063 / 8 = 132 us.
  const RttStats stats = stats_of({167us, 24us, 19us});
  EXPECT_EQ(stats.ewma(), std::optional<Duration>(132us));
}

TEST(RttStats, EwmaOfOneSampleIsThatSampleInWholeMicroseconds) {
  EXPECT_EQ(stats_of({1999ns}).ewma(), std::optional<Duration>(1us));
  EXPECT_EQ(stats_of({250us}).ewma(), std::optional<Duration>(250us));
}

TEST(RttStats, EwmaConvergesSlowlyWithAlphaOneEighth) {
  // One 1000 us outlier followed by twenty 50 us samples: computed step by step in integer
  // arithmetic, ewma8 ends at 930, printed 116 us.
  RttStats stats;
  stats.add(1ms);
  for (int i = 0; i < 20; ++i) stats.add(50us);
  EXPECT_EQ(stats.ewma(), std::optional<Duration>(116us));
}

TEST(RttStats, EwmaRestartsAfterAZeroValueAsIputilsDoes) {
  // 400 ns is 0 whole us, so ewma8 stays 0 and the next sample starts it afresh (100 us),
  // where a plain average step would give 0 + 100 - 0 = 100 / 8 = 12 us.
  EXPECT_EQ(stats_of({400ns, 100us}).ewma(), std::optional<Duration>(100us));
}

TEST(RttStats, MaxTracksTheLargestSample) {
  EXPECT_EQ(stats_of({3ms, 9ms, 1ms}).max(), std::optional<Duration>(9ms));
}

}  // namespace
}  // namespace bp
