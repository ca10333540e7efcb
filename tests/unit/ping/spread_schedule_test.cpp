// SpreadSchedule: when each of N targets is probed, with literal times. The drift tests run a
// simulated loop that wakes late by varying amounts and check every probe's due time against
// the formula, computed here independently: start + round * interval + target * interval / N.

#include "ping/engine/spread_schedule.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>

namespace bp {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

const MonoTime kStart = MonoTime(hours(500));

SpreadPolicy policy(std::size_t targets, Duration interval = seconds(1), std::uint64_t count = 0,
                    std::optional<Duration> deadline = std::nullopt) {
  SpreadPolicy p;
  p.interval = interval;
  p.targets = targets;
  p.count = count;
  p.deadline = deadline;
  return p;
}

// The formula of the header, in 64-bit arithmetic (enough for the values used with it).
MonoTime expected_due(const SpreadPolicy& p, std::uint64_t round, std::size_t target) {
  const auto interval = static_cast<std::int64_t>(p.interval.count());
  const auto offset = interval * static_cast<std::int64_t>(target) / static_cast<std::int64_t>(p.targets);
  return kStart + nanoseconds(interval * static_cast<std::int64_t>(round) + offset);
}

// Sends (advances over) every probe due at `now`; returns how many.
std::uint64_t send_due(SpreadSchedule& s, MonoTime now) {
  std::uint64_t n = 0;
  for (auto slot = s.next(now); slot && s.due(*slot) <= now; slot = s.next(now)) {
    s.advance();
    ++n;
  }
  return n;
}

TEST(SpreadSchedule, TargetsAreSpreadEvenlyOverTheInterval) {
  const SpreadSchedule s(policy(4), kStart);
  EXPECT_EQ(s.due({0, 0}), kStart);
  EXPECT_EQ(s.due({0, 1}), kStart + milliseconds(250));
  EXPECT_EQ(s.due({0, 2}), kStart + milliseconds(500));
  EXPECT_EQ(s.due({0, 3}), kStart + milliseconds(750));
  EXPECT_EQ(s.due({1, 0}), kStart + seconds(1));
  EXPECT_EQ(s.due({7, 3}), kStart + milliseconds(7750));
}

TEST(SpreadSchedule, OffsetsRoundDownToTheNanosecond) {
  const SpreadSchedule s(policy(3), kStart);
  EXPECT_EQ(s.due({0, 1}), kStart + nanoseconds(333'333'333));
  EXPECT_EQ(s.due({0, 2}), kStart + nanoseconds(666'666'666));
  EXPECT_EQ(s.due({2, 2}), kStart + nanoseconds(2'666'666'666));
}

TEST(SpreadSchedule, TenThousandTargetsAtOneSecondAreHundredMicrosecondsApart) {
  const SpreadSchedule s(policy(10'000), kStart);
  for (std::size_t i = 0; i + 1 < 10'000; ++i) {
    ASSERT_EQ(s.due({0, i + 1}) - s.due({0, i}), nanoseconds(100'000)) << i;
  }
  EXPECT_EQ(s.due({1, 0}) - s.due({0, 9'999}), nanoseconds(100'000));
}

TEST(SpreadSchedule, NoTwoTargetsShareADueTimeWhenTheStepIsANanosecondOrMore) {
  struct Case {
    Duration interval;
    std::size_t targets;
  };
  for (const Case c : {Case{nanoseconds(1000), 1000}, Case{nanoseconds(1001), 1000},
                       Case{nanoseconds(1999), 1000}, Case{seconds(1), 100'000},
                       Case{milliseconds(7), 6'999}, Case{nanoseconds(1), 1}}) {
    const SpreadPolicy p = policy(c.targets, c.interval);
    const SpreadSchedule s(p, kStart);
    std::set<MonoTime> seen;
    for (std::uint64_t round = 0; round < 3; ++round) {
      for (std::size_t i = 0; i < c.targets; ++i) {
        ASSERT_TRUE(seen.insert(s.due({round, i})).second) << c.targets << " " << round << " " << i;
        ASSERT_EQ(s.due({round, i}), expected_due(p, round, i));
      }
    }
  }
}

TEST(SpreadSchedule, MoreTargetsThanNanosecondsStillGoInOrder) {
  const SpreadSchedule s(policy(25, nanoseconds(10)), kStart);
  MonoTime previous = s.due({0, 0});
  for (std::uint64_t round = 0; round < 4; ++round) {
    for (std::size_t i = 0; i < 25; ++i) {
      const MonoTime due = s.due({round, i});
      ASSERT_LE(previous, due);
      ASSERT_LT(due, kStart + nanoseconds(10 * (round + 1)));
      previous = due;
    }
  }
}

TEST(SpreadSchedule, ZeroTargetsCountAsOne) {
  const SpreadSchedule s(policy(0), kStart);
  EXPECT_EQ(s.policy().targets, 1u);
  EXPECT_EQ(s.due({3, 0}), kStart + seconds(3));
}

TEST(SpreadSchedule, CursorWalksRoundsInDueOrder) {
  SpreadSchedule s(policy(3), kStart);
  std::vector<ProbeSlot> order;
  for (int k = 0; k < 7; ++k) {
    order.push_back(*s.next(kStart));
    s.advance();
  }
  EXPECT_EQ(order, (std::vector<ProbeSlot>{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}, {2, 0}}));
  EXPECT_EQ(s.cursor(), (ProbeSlot{2, 1}));
  EXPECT_LT((ProbeSlot{1, 2}), (ProbeSlot{2, 0}));
}

TEST(SpreadSchedule, NextIsTheCursorWhetherDueOrNot) {
  const SpreadSchedule s(policy(2), kStart);
  EXPECT_EQ(s.next(kStart - hours(1)), (ProbeSlot{0, 0}));
  EXPECT_EQ(s.next_due(kStart - hours(1)), kStart);
  EXPECT_TRUE(s.sending(kStart));
}

TEST(SpreadSchedule, SentToFollowsTheCursor) {
  constexpr std::size_t kTargets = 5;
  SpreadSchedule s(policy(kTargets), kStart);
  for (std::uint64_t k = 0; k < 23; ++k) {
    for (std::size_t i = 0; i < kTargets; ++i) {
      ASSERT_EQ(s.sent_to(i), k / kTargets + (i < k % kTargets ? 1 : 0)) << k << " " << i;
    }
    s.advance();
  }
}

TEST(SpreadSchedule, SendDueSendsOnlyWhatIsDue) {
  SpreadSchedule s(policy(4), kStart);
  EXPECT_EQ(send_due(s, kStart - nanoseconds(1)), 0u);
  EXPECT_EQ(send_due(s, kStart), 1u);
  EXPECT_EQ(send_due(s, kStart + milliseconds(250) - nanoseconds(1)), 0u);
  EXPECT_EQ(send_due(s, kStart + milliseconds(250)), 1u);
  EXPECT_EQ(s.next_due(kStart), kStart + milliseconds(500));
  // Late by two and a half intervals: the ten missed probes at once, in order.
  EXPECT_EQ(send_due(s, kStart + milliseconds(3000)), 11u);
  EXPECT_EQ(s.cursor(), (ProbeSlot{3, 1}));
  EXPECT_EQ(s.next_due(kStart + milliseconds(3000)), kStart + milliseconds(3250));
}

TEST(SpreadSchedule, CountEndsSendingAfterItsLastRound) {
  SpreadSchedule s(policy(2, seconds(1), 3), kStart);
  EXPECT_FALSE(s.finished(kStart, 0));
  EXPECT_EQ(send_due(s, kStart + seconds(2) + milliseconds(499)), 5u);
  EXPECT_FALSE(s.finished(kStart + seconds(2) + milliseconds(499), 0));  // one still to send
  EXPECT_EQ(send_due(s, kStart + hours(10)), 1u);
  EXPECT_EQ(s.sent_to(0), 3u);
  EXPECT_EQ(s.sent_to(1), 3u);
  EXPECT_FALSE(s.next(kStart + hours(10)));
  EXPECT_FALSE(s.next_due(kStart + hours(10)));
  EXPECT_FALSE(s.sending(kStart + hours(10)));
  EXPECT_FALSE(s.finished(kStart + hours(10), 1));  // a probe is still pending
  EXPECT_TRUE(s.finished(kStart + seconds(3), 0));
  EXPECT_FALSE(s.deadline());
}

TEST(SpreadSchedule, StopSendingEndsTheRunOnceNothingIsPending) {
  SpreadSchedule s(policy(4, seconds(1)), kStart);  // no count, no deadline: runs until stopped
  EXPECT_EQ(send_due(s, kStart + milliseconds(1500)), 7u);  // 0 .. 1.5 s every 250 ms
  EXPECT_FALSE(s.finished(kStart + hours(10), 0));
  s.stop_sending();
  EXPECT_FALSE(s.next(kStart + milliseconds(1500)));
  EXPECT_FALSE(s.next_due(kStart + milliseconds(1500)));
  EXPECT_EQ(send_due(s, kStart + hours(10)), 0u);  // probes due later are never sent
  EXPECT_EQ(s.cursor(), (ProbeSlot{1, 3}));
  EXPECT_FALSE(s.finished(kStart + milliseconds(1500), 2));  // two still in flight
  EXPECT_TRUE(s.finished(kStart + milliseconds(1500), 0));
}

TEST(SpreadSchedule, StopSendingBeforeTheFirstProbeSendsNothing) {
  SpreadSchedule s(policy(3, seconds(1), 5), kStart);
  s.stop_sending();
  EXPECT_EQ(send_due(s, kStart + hours(1)), 0u);
  EXPECT_TRUE(s.finished(kStart, 0));
}

TEST(SpreadSchedule, DeadlineSendsNothingAtOrAfterIt) {
  const Duration d = milliseconds(2500);
  SpreadSchedule s(policy(4, seconds(1), 0, d), kStart);
  EXPECT_EQ(s.deadline(), kStart + d);
  // Due before the deadline: rounds 0 and 1, and round 2's targets 0 and 1 (2.0 s, 2.25 s);
  // target 2 is due at 2.5 s, the deadline itself.
  EXPECT_EQ(send_due(s, kStart + d - nanoseconds(1)), 10u);
  EXPECT_EQ(s.cursor(), (ProbeSlot{2, 2}));
  EXPECT_FALSE(s.next(kStart + d - nanoseconds(1)));
  EXPECT_FALSE(s.sending(kStart));
  EXPECT_FALSE(s.finished(kStart + d - nanoseconds(1), 0));  // no count: the deadline ends it
  EXPECT_TRUE(s.finished(kStart + d, 7));                   // pending or not
  EXPECT_TRUE(s.finished(kStart + d + hours(1), 0));
}

TEST(SpreadSchedule, ALoopLatePastTheDeadlineSendsNothing) {
  SpreadSchedule s(policy(4, seconds(1), 0, seconds(2)), kStart);
  EXPECT_EQ(send_due(s, kStart), 1u);
  EXPECT_EQ(send_due(s, kStart + seconds(2)), 0u);  // probes due before it, but the run is over
  EXPECT_EQ(s.cursor(), (ProbeSlot{0, 1}));
  EXPECT_FALSE(s.next_due(kStart + seconds(2)));
}

TEST(SpreadSchedule, CountAndDeadlineWhicheverComesFirst) {
  SpreadSchedule early(policy(2, seconds(1), 2, seconds(60)), kStart);
  EXPECT_EQ(send_due(early, kStart + seconds(30)), 4u);
  EXPECT_TRUE(early.finished(kStart + seconds(30), 0));
  EXPECT_FALSE(early.finished(kStart + seconds(30), 1));
  EXPECT_TRUE(early.finished(kStart + seconds(60), 1));

  SpreadSchedule late(policy(2, seconds(1), 100, seconds(3)), kStart);
  EXPECT_EQ(send_due(late, kStart + seconds(30)), 0u);  // late past the deadline
  SpreadSchedule on_time(policy(2, seconds(1), 100, seconds(3)), kStart);
  EXPECT_EQ(send_due(on_time, kStart + seconds(2) + milliseconds(999)), 6u);
  EXPECT_FALSE(on_time.sending(kStart + seconds(2) + milliseconds(999)));
  EXPECT_TRUE(on_time.finished(kStart + seconds(3), 2));
}

TEST(SpreadSchedule, WithoutCountOrDeadlineNeverFinishes) {
  SpreadSchedule s(policy(3), kStart);
  EXPECT_EQ(send_due(s, kStart + seconds(100)), 301u);  // rounds 0..99 and round 100 of target 0
  EXPECT_FALSE(s.finished(kStart + hours(24 * 365), 0));
  EXPECT_TRUE(s.sending(kStart + hours(24 * 365)));
}

TEST(SpreadSchedule, HugeIntervalsAndTargetCountsDoNotOverflow) {
  // About 100 years: interval * target needs more than 64 bits.
  const Duration interval = seconds(3'153'600'000);
  const SpreadSchedule s(policy(1'000'000, interval), MonoTime{});
  EXPECT_EQ(s.due({0, 999'999}), MonoTime(interval - interval / 1'000'000));
  EXPECT_EQ(s.due({0, 500'000}), MonoTime(interval / 2));
  EXPECT_EQ(s.due({1, 1}), MonoTime(interval + interval / 1'000'000));

  const SpreadSchedule billion(policy(1'000'000'000), MonoTime{});
  EXPECT_EQ(billion.due({0, 999'999'999}), MonoTime(nanoseconds(999'999'999)));
  // A year of rounds at a millisecond.
  const SpreadSchedule ms(policy(100'000, milliseconds(1)), kStart);
  const std::uint64_t year = 365ULL * 24 * 3600 * 1000;
  EXPECT_EQ(ms.due({year, 99'999}), kStart + milliseconds(year) + nanoseconds(999'990));
}

TEST(SpreadSchedule, HugeCountNeverEndsSending) {
  SpreadSchedule s(policy(2, seconds(1), std::numeric_limits<std::uint64_t>::max()), kStart);
  EXPECT_EQ(send_due(s, kStart + seconds(10)), 21u);
  EXPECT_TRUE(s.sending(kStart + seconds(10)));
  EXPECT_FALSE(s.finished(kStart + seconds(10), 0));
}

// A simulated loop: it wakes at the next due time plus a lateness that varies (mostly small,
// sometimes a whole interval or more), sends what is due, and checks that every probe is the
// next in due order and is due exactly at start + round * interval + offset. Returns the
// probes sent.
std::uint64_t run_late_loop(const SpreadPolicy& p, Duration length) {
  SpreadSchedule s(p, kStart);
  std::uint64_t lcg = 0x2545F4914F6CDD1DULL;
  ProbeSlot expected{0, 0};
  std::uint64_t sent = 0;
  MonoTime now = kStart;
  const MonoTime end = kStart + length;
  const std::uint64_t max_turns = 100'000'000;  // a bound, far above what the lengths need
  for (std::uint64_t turn = 0; now < end && turn < max_turns; ++turn) {
    for (auto slot = s.next(now); slot && s.due(*slot) <= now; slot = s.next(now)) {
      if (*slot != expected || s.due(*slot) != expected_due(p, slot->round, slot->target)) {
        ADD_FAILURE() << "probe " << sent << " at round " << slot->round << " target " << slot->target;
        return sent;
      }
      s.advance();
      ++sent;
      if (++expected.target == p.targets) expected = ProbeSlot{expected.round + 1, 0};
    }
    const MonoTime next = *s.next_due(now);
    if (next <= now) {
      ADD_FAILURE() << "a due probe was left at turn " << turn;
      return sent;
    }
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t r = lcg >> 33;
    Duration late = nanoseconds(r % 2'000'000);       // up to 2 ms
    if (r % 97 == 0) late = milliseconds(r % 3'000);  // now and then up to 3 s
    now = next + late;
  }
  EXPECT_EQ(s.cursor(), expected);
  return sent;
}

TEST(SpreadSchedule, NoDriftAtHundredThousandTargetsWithLateTurns) {
  const SpreadPolicy p = policy(100'000);
  const std::uint64_t sent = run_late_loop(p, minutes(2));
  EXPECT_GE(sent, 117u * 100'000u);  // the last turn may be up to 3 s late
  // After the run, the formula still holds hours and years ahead.
  const SpreadSchedule s(p, kStart);
  EXPECT_EQ(s.due({3 * 3600, 99'999}), kStart + hours(3) + nanoseconds(999'990'000));
  EXPECT_EQ(s.due({3 * 3600 + 1, 12'345}), kStart + hours(3) + seconds(1) + nanoseconds(123'450'000));
}

TEST(SpreadSchedule, NoDriftOverThreeSimulatedHours) {
  const std::uint64_t sent = run_late_loop(policy(1'000), hours(3));
  EXPECT_GE(sent, (3u * 3600u - 3u) * 1'000u);
}

}  // namespace
}  // namespace bp
