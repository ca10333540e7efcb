#include "ping/stats/reply_stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>

namespace bp {
namespace {

using namespace std::chrono_literals;

MonoTime at(Duration since_start) { return MonoTime{} + since_start; }

// A first reply to probe seq (sent at seq seconds) with that RTT and TTL.
ReplyStats::ReplyInfo first(ReplyStats& stats, std::uint16_t seq, Duration rtt,
                            std::optional<std::uint8_t> ttl = 64) {
  return stats.on_reply(seq, rtt, at(std::chrono::seconds(seq) + rtt), ttl, false);
}

TEST(ReplyStats, EmptyIsSmallAndHasNoFigures) {
  const ReplyStats stats(at(0s));
  EXPECT_LE(stats.memory_bytes(), 256u);
  EXPECT_EQ(stats.rtt_quantiles().count(), 0u);
  EXPECT_EQ(stats.jitter(), std::nullopt);
  EXPECT_EQ(stats.reordered(), 0u);
  EXPECT_EQ(stats.ttl_changes(), 0u);
  EXPECT_EQ(stats.last_ttl(), std::nullopt);
  EXPECT_EQ(stats.outage(at(10s)).total, 0s);
}

TEST(ReplyStats, DuplicatesFeedOnlyThePercentiles) {
  ReplyStats stats(at(0s));
  first(stats, 1, 10ms);
  const auto info = stats.on_reply(1, 50ms, at(1050ms), 30, true);
  EXPECT_FALSE(info.reordered);
  EXPECT_FALSE(info.ttl_changed);
  EXPECT_EQ(stats.rtt_quantiles().count(), 2u);
  EXPECT_EQ(stats.rtt_quantiles().quantile(1.0), 50ms);  // agrees with iputils' max
  EXPECT_EQ(stats.jitter(), std::nullopt);
  EXPECT_EQ(stats.ttl_changes(), 0u);
  EXPECT_EQ(stats.last_ttl(), 64);
  first(stats, 2, 10ms);
  EXPECT_EQ(stats.jitter(), 0ns);  // the duplicate's 50 ms is not a neighbour
}

TEST(ReplyStats, ReorderedReplyIsCountedAndLeftOutOfTheJitter) {
  ReplyStats stats(at(0s));
  EXPECT_FALSE(first(stats, 1, 10ms).reordered);
  EXPECT_FALSE(first(stats, 3, 10ms).reordered);
  EXPECT_TRUE(first(stats, 2, 30ms).reordered);  // 3 was answered first
  EXPECT_FALSE(first(stats, 4, 10ms).reordered);
  EXPECT_EQ(stats.reordered(), 1u);
  EXPECT_EQ(stats.jitter(), 0ns);  // 1, 3, 4: all 10 ms
  EXPECT_EQ(stats.rtt_quantiles().count(), 4u);
  EXPECT_EQ(stats.rtt_quantiles().quantile(1.0), 30ms);
}

TEST(ReplyStats, ReorderingUsesSerialArithmeticAcrossTheWrap) {
  ReplyStats stats(at(0s));
  EXPECT_FALSE(first(stats, 65534, 1ms).reordered);
  EXPECT_FALSE(first(stats, 0, 1ms).reordered);  // 0 comes after 65534
  EXPECT_TRUE(first(stats, 65535, 1ms).reordered);
  EXPECT_FALSE(first(stats, 1, 1ms).reordered);
  EXPECT_EQ(stats.reordered(), 1u);
}

TEST(ReplyStats, CountsTtlChangesBetweenFirstReplies) {
  ReplyStats stats(at(0s));
  EXPECT_FALSE(first(stats, 1, 1ms, 64).ttl_changed);  // the first TTL is not a change
  EXPECT_FALSE(first(stats, 2, 1ms, 64).ttl_changed);
  EXPECT_FALSE(first(stats, 3, 1ms, std::nullopt).ttl_changed);  // unknown: skipped
  EXPECT_TRUE(first(stats, 4, 1ms, 63).ttl_changed);
  EXPECT_FALSE(first(stats, 5, 1ms, 63).ttl_changed);
  EXPECT_TRUE(first(stats, 6, 1ms, 64).ttl_changed);
  EXPECT_EQ(stats.ttl_changes(), 2u);
  EXPECT_EQ(stats.last_ttl(), 64);
}

TEST(ReplyStats, FirstTtlAfterUnknownOnesIsNotAChange) {
  ReplyStats stats(at(0s));
  EXPECT_FALSE(first(stats, 1, 1ms, std::nullopt).ttl_changed);
  EXPECT_FALSE(first(stats, 2, 1ms, 57).ttl_changed);
  EXPECT_EQ(stats.ttl_changes(), 0u);
  EXPECT_EQ(stats.last_ttl(), 57);
}

TEST(ReplyStats, LossesFeedTheOutage) {
  ReplyStats stats(at(0s));
  first(stats, 1, 10ms);
  first(stats, 2, 10ms);
  stats.on_lost(3);
  first(stats, 4, 10ms);  // silent from 2.01 s to 4.01 s
  EXPECT_EQ(stats.outage(at(10s)).total, 2s);
  EXPECT_EQ(stats.outage(at(10s)).longest, 2s);
  stats.on_lost(5);
  EXPECT_EQ(stats.outage(at(6010ms)).total, 4s);  // open since 4.01 s
}

TEST(ReplyStats, BusyStatsStayWithinTwoKibibytesAndABit) {
  // 100 000 replies spread over 1 us .. 4 s (beyond the sketch's guaranteed range), a few
  // losses and duplicates.
  ReplyStats stats(at(0s));
  std::uint64_t rtt_ns = 1000;
  std::uint64_t replies = 0;
  for (int k = 1; k <= 100000; ++k) {
    const auto seq = static_cast<std::uint16_t>(k);
    rtt_ns = rtt_ns * 7919 % 4000000000 + 1000;
    if (k % 97 == 0) {
      stats.on_lost(seq);
      continue;
    }
    const Duration rtt(static_cast<std::int64_t>(rtt_ns));
    const MonoTime arrival = at(std::chrono::milliseconds(k) + rtt);
    stats.on_reply(seq, rtt, arrival, 64, false);
    ++replies;
    if (k % 1000 == 0) {
      stats.on_reply(seq, rtt, arrival, 64, true);
      ++replies;
    }
  }
  EXPECT_EQ(stats.rtt_quantiles().count(), replies);
  EXPECT_LE(stats.memory_bytes(), 2048u + 256u);
  EXPECT_GT(stats.memory_bytes(), 1024u);
}

}  // namespace
}  // namespace bp
