#include "ping/stats/outage_tracker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace bp {
namespace {

using namespace std::chrono_literals;

MonoTime at(Duration since_start) { return MonoTime{} + since_start; }

// One probe a second: probe k is sent at k s and, answered, replies 10 ms later.
MonoTime reply_time(int k) { return at(std::chrono::seconds(k) + 10ms); }

void expect_figures(const OutageTracker& tracker, MonoTime now, Duration total, Duration longest) {
  const OutageTracker::Figures figures = tracker.figures(now);
  EXPECT_EQ(figures.total, total);
  EXPECT_EQ(figures.longest, longest);
}

TEST(OutageTracker, NoLossesNoOutage) {
  OutageTracker tracker(at(0s));
  for (std::uint16_t k = 1; k <= 10; ++k) tracker.on_reply(k, reply_time(k));
  EXPECT_FALSE(tracker.in_outage());
  expect_figures(tracker, at(20s), 0s, 0s);
}

TEST(OutageTracker, SingleLossLastsFromTheReplyBeforeToTheReplyAfter) {
  // Probe 5 is lost; its loss is declared at its deadline (5 s + -W 10 s), after the replies
  // to 6 and 7. Silent from reply 4 (4.01 s) to reply 6 (6.01 s): 2 s.
  OutageTracker tracker(at(0s));
  for (std::uint16_t k = 1; k <= 4; ++k) tracker.on_reply(k, reply_time(k));
  tracker.on_reply(6, reply_time(6));
  tracker.on_reply(7, reply_time(7));
  expect_figures(tracker, at(14s), 0s, 0s);  // 5 may still be answered
  tracker.on_lost(5);
  EXPECT_FALSE(tracker.in_outage());
  expect_figures(tracker, at(15s), 2s, 2s);
}

TEST(OutageTracker, ReplyToTheNextProbeBeforeTheLossIsDeclared) {
  OutageTracker tracker(at(0s));
  tracker.on_reply(1, at(1010ms));
  tracker.on_reply(2, at(2020ms));
  tracker.on_reply(4, at(4005ms));
  EXPECT_FALSE(tracker.in_outage());
  tracker.on_lost(3);
  EXPECT_FALSE(tracker.in_outage());  // 4's reply is already here
  expect_figures(tracker, at(13s), 1985ms, 1985ms);
}

TEST(OutageTracker, RunOfThreeLosses) {
  // -W short enough that 3, 4 and 5 are declared lost before 6 is answered.
  OutageTracker tracker(at(0s));
  tracker.on_reply(1, reply_time(1));
  tracker.on_reply(2, reply_time(2));
  tracker.on_lost(3);
  tracker.on_lost(4);
  tracker.on_lost(5);
  EXPECT_TRUE(tracker.in_outage());
  expect_figures(tracker, at(5500ms), 3490ms, 3490ms);  // open: counts up to now
  tracker.on_reply(6, reply_time(6));
  EXPECT_FALSE(tracker.in_outage());
  expect_figures(tracker, at(9s), 4s, 4s);
}

TEST(OutageTracker, LossesAtTheStartCountFromTheStart) {
  OutageTracker tracker(at(500ms));
  tracker.on_lost(1);
  EXPECT_TRUE(tracker.in_outage());
  tracker.on_lost(2);
  tracker.on_reply(3, reply_time(3));
  expect_figures(tracker, at(9s), 2510ms, 2510ms);
}

TEST(OutageTracker, LossAtTheStartDeclaredAfterTheFirstReply) {
  OutageTracker tracker(at(1s));
  tracker.on_reply(2, reply_time(2));
  tracker.on_reply(3, reply_time(3));
  tracker.on_lost(1);
  expect_figures(tracker, at(12s), 1010ms, 1010ms);
}

TEST(OutageTracker, RunStillOpenAtTheEndCountsUpToNow) {
  OutageTracker tracker(at(0s));
  for (std::uint16_t k = 1; k <= 3; ++k) tracker.on_reply(k, reply_time(k));
  tracker.on_lost(4);
  tracker.on_lost(5);
  EXPECT_TRUE(tracker.in_outage());
  expect_figures(tracker, at(10s), 6990ms, 6990ms);
  expect_figures(tracker, at(3s), 0s, 0s);  // never negative, even for an earlier `now`
}

TEST(OutageTracker, TwoRunsGiveTotalAndLongest) {
  OutageTracker tracker(at(0s));
  tracker.on_reply(1, reply_time(1));
  tracker.on_lost(2);
  tracker.on_reply(3, reply_time(3));  // 2 s
  tracker.on_reply(4, reply_time(4));
  tracker.on_lost(5);
  tracker.on_lost(6);
  tracker.on_reply(7, reply_time(7));  // 3 s
  expect_figures(tracker, at(20s), 5s, 3s);
  tracker.on_lost(8);  // open since 7.01 s: 1.5 s at 8.51 s, not the longest
  expect_figures(tracker, at(8510ms), 6500ms, 3s);
}

TEST(OutageTracker, SequenceNumbersWrapFrom65535ToZero) {
  OutageTracker tracker(at(0s));
  tracker.on_reply(65534, at(1010ms));
  tracker.on_reply(65535, at(2010ms));
  tracker.on_reply(1, at(4010ms));  // 0 is still pending: 1 comes after it
  tracker.on_lost(0);
  expect_figures(tracker, at(20s), 2s, 2s);
  tracker.on_reply(2, at(5010ms));
  tracker.on_lost(3);
  tracker.on_reply(4, at(7010ms));
  expect_figures(tracker, at(20s), 4s, 2s);
}

TEST(OutageTracker, RepeatedRepliesChangeNothing) {
  // Only first replies are given; a second one for the same probe (waiting or settled) is
  // ignored.
  OutageTracker tracker(at(0s));
  tracker.on_reply(1, reply_time(1));
  tracker.on_reply(3, reply_time(3));
  tracker.on_reply(3, at(3500ms));
  tracker.on_lost(2);
  tracker.on_reply(3, at(3600ms));
  tracker.on_reply(1, at(3700ms));
  expect_figures(tracker, at(20s), 2s, 2s);
}

TEST(OutageTracker, ReplyAfterTheLossWasDeclaredIsIgnored) {
  OutageTracker tracker(at(0s));
  tracker.on_reply(1, reply_time(1));
  tracker.on_lost(2);
  tracker.on_reply(2, at(12500ms));  // later than -W: the loss stands
  EXPECT_TRUE(tracker.in_outage());
  tracker.on_reply(3, at(13s));  // a slow reply to 3
  expect_figures(tracker, at(20s), 11990ms, 11990ms);
}

TEST(OutageTracker, NeverNegativeWhenTheReplyAfterCameFirst) {
  // 4's reply is slow (7 s) and 6's fast: b arrived before a.
  OutageTracker tracker(at(0s));
  tracker.on_reply(1, reply_time(1));
  tracker.on_reply(2, reply_time(2));
  tracker.on_reply(3, reply_time(3));
  tracker.on_reply(6, reply_time(6));
  tracker.on_reply(4, at(7s));
  tracker.on_lost(5);
  expect_figures(tracker, at(20s), 0s, 0s);
}

TEST(OutageTracker, IsNotSentMinusReceivedTimesTheInterval) {
  // fping -o: (sent - received) x interval = 1 lost x 1 s = 1 s. But probe 4 came back after
  // 10 ms and probe 6 after 900 ms: the target was silent from 4.01 s to 6.9 s.
  OutageTracker tracker(at(0s));
  for (std::uint16_t k = 1; k <= 4; ++k) tracker.on_reply(k, reply_time(k));
  tracker.on_reply(6, at(6900ms));
  tracker.on_lost(5);
  const Duration fping_outage = (6 - 5) * 1s;
  EXPECT_EQ(tracker.figures(at(20s)).total, 2890ms);
  EXPECT_NE(tracker.figures(at(20s)).total, fping_outage);
}

TEST(OutageTracker, FullBufferTakesTheOldestPendingProbeAsLost) {
  OutageTracker tracker(at(0s));
  tracker.on_lost(1);
  tracker.on_reply(2, reply_time(2));  // 2.01 s from the start
  // 3, 5, 7, 9 and 11 pending; replies 4, 6, 8 and 10 fill the 4 blocks; 12 needs a 5th, so
  // [4] settles with 3 taken as lost: 2.01 s .. 4.01 s.
  for (std::uint16_t k = 4; k <= 12; k += 2) tracker.on_reply(k, reply_time(k));
  expect_figures(tracker, at(20s), 4010ms, 2010ms);
  tracker.on_lost(3);  // already settled: ignored
  tracker.on_lost(5);  // 4.01 s .. 6.01 s
  expect_figures(tracker, at(20s), 6010ms, 2010ms);
  tracker.on_reply(7, reply_time(7));  // joins [8]; 7 and 8 settle, no outage
  EXPECT_FALSE(tracker.in_outage());
  expect_figures(tracker, at(20s), 6010ms, 2010ms);
}

TEST(OutageTracker, FloodOfRepliesWithGapsStaysSane) {
  // 60 000 probes at 1 ms; every 7th is never answered and declared lost 50 probes late, and
  // every 5th reply comes in behind the next one. Nothing crashes, figures stay within the run.
  OutageTracker tracker(at(0s));
  const auto arrival = [](int k) { return at(std::chrono::milliseconds(k) + 300us); };
  for (int k = 1; k <= 60000; ++k) {
    const auto seq = static_cast<std::uint16_t>(k);
    if (k % 7 != 0 && k % 5 != 4) tracker.on_reply(seq, arrival(k));
    if (k % 5 == 0 && (k - 1) % 7 != 0) {
      tracker.on_reply(static_cast<std::uint16_t>(k - 1), arrival(k));
    }
    if (k > 50 && (k - 50) % 7 == 0) tracker.on_lost(static_cast<std::uint16_t>(k - 50));
    const OutageTracker::Figures figures = tracker.figures(arrival(k));
    ASSERT_GE(figures.total, 0s);
    ASSERT_LE(figures.longest, figures.total);
    ASSERT_LE(figures.total, arrival(k) - at(0s));
  }
  // Each loss is one probe between two answered ones: about 2 ms each, 8571 of them.
  const OutageTracker::Figures figures = tracker.figures(at(61s));
  EXPECT_GT(figures.total, 8000 * 1ms);
  EXPECT_LT(figures.total, 8600 * 3ms);
  EXPECT_LE(figures.longest, 3ms);
}

}  // namespace
}  // namespace bp
