// TargetStatistics: which events feed which figure, per target, and the interval figures.

#include "ping/stats/target_stats.h"

#include <gtest/gtest.h>

namespace bp {
namespace {

using namespace std::chrono_literals;

constexpr MonoTime kStart = MonoTime{} + 1000s;

ReplyEvent reply(std::uint16_t seq, Duration rtt, ReplyStatus status = ReplyStatus::kFirst) {
  ReplyEvent e;
  e.status = status;
  e.sequence = seq;
  e.rtt = rtt;
  e.ttl = 64;
  return e;
}

struct Fixture {
  MonoTime now = kStart;
  TargetStatistics stats{2, kStart, now};
  void at(MonoTime t, std::size_t target, const ReplyEvent& e) {
    now = t;
    stats.on_reply(target, e);
  }
};

TEST(TargetStatistics, EachTargetKeepsItsOwnFigures) {
  Fixture f;
  f.at(kStart + 1ms, 0, reply(1, 1ms));
  f.at(kStart + 3ms, 1, reply(1, 3ms));
  EXPECT_EQ(f.stats.of(0).rtt_quantiles().quantile(1.0), 1ms);
  EXPECT_EQ(f.stats.of(1).rtt_quantiles().quantile(1.0), 3ms);
}

TEST(TargetStatistics, BadChecksumIsKeptOutDuplicatesOnlyInPercentiles) {
  Fixture f;
  f.at(kStart + 1ms, 0, reply(1, 1ms));
  f.at(kStart + 2ms, 0, reply(1, 9ms, ReplyStatus::kDuplicate));
  f.at(kStart + 3ms, 0, reply(2, 50ms, ReplyStatus::kBadChecksum));
  EXPECT_EQ(f.stats.of(0).rtt_quantiles().count(), 2u);
  EXPECT_FALSE(f.stats.of(0).jitter()) << "one first reply only";
  const IntervalFigures i = f.stats.close_interval(0, 2, 1, kStart + 1s);
  EXPECT_EQ(i.rtt.count, 1u) << "the interval's min/avg/max are first replies'";
  EXPECT_EQ(i.rtt.max, 1ms);
}

TEST(TargetStatistics, ReorderedFlagIsTheLatestReplys) {
  Fixture f;
  f.at(kStart + 2ms, 0, reply(2, 1ms));
  EXPECT_FALSE(f.stats.last_reply().reordered);
  f.at(kStart + 3ms, 0, reply(1, 1003ms));
  EXPECT_TRUE(f.stats.last_reply().reordered);
  EXPECT_EQ(f.stats.of(0).reordered(), 1u);
}

TEST(TargetStatistics, AnIcmpErrorFromTheQueueIsALossForTheOutage) {
  Fixture f;
  f.at(kStart + 1ms, 0, reply(1, 1ms));
  IcmpErrorEvent error;
  error.sequence = 2;
  f.stats.on_icmp_error(0, error);
  IcmpErrorEvent in_band;  // a redirect: shown, the probe still may be answered
  in_band.origin = ErrorOrigin::kInBand;
  in_band.sequence = 3;
  f.stats.on_icmp_error(0, in_band);
  f.at(kStart + 2001ms, 0, reply(3, 1ms));
  EXPECT_EQ(f.stats.of(0).outage(kStart + 3s).total, 2000ms);
}

TEST(TargetStatistics, IntervalsCountFromThePreviousClose) {
  Fixture f;
  f.at(kStart + 1ms, 0, reply(1, 1ms));
  IntervalFigures first = f.stats.close_interval(0, 2, 1, kStart + 1s);
  EXPECT_EQ(first.transmitted, 2u);
  EXPECT_EQ(first.received, 1u);
  f.stats.on_lost(0, 2);
  f.at(kStart + 1500ms, 0, reply(3, 2ms));
  IntervalFigures second = f.stats.close_interval(0, 3, 2, kStart + 2s);
  EXPECT_EQ(second.transmitted, 1u);
  EXPECT_EQ(second.received, 1u);
  EXPECT_EQ(second.rtt.min, 2ms);
  EXPECT_EQ(second.outage, 1499ms) << "from the reply to 1 to the reply to 3";
}

TEST(TargetStatistics, SampleStddevFromPopulation) {
  EXPECT_FALSE(sample_stddev(1ms, 1));
  EXPECT_NEAR(static_cast<double>(sample_stddev(816'497ns, 3)->count()), 1e6, 2.0);  // sqrt(3/2)
  EXPECT_EQ(sample_stddev(Duration::zero(), 10), Duration::zero());
}

}  // namespace
}  // namespace bp
