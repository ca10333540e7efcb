#include "watchdog/deadline_tracker.h"

#include <gtest/gtest.h>

#include <chrono>

namespace bp {
namespace {

using namespace std::chrono_literals;

// A CLOCK_MONOTONIC reading given as time since boot.
constexpr MonoTime at(std::chrono::nanoseconds since_boot) { return MonoTime(since_boot); }

constexpr auto kTimeout = 10s;
constexpr MonoTime kStart = at(1000s);

TEST(DeadlineTracker, BeforeAnyHeartbeatTheDeadlineRunsFromStartUp) {
  DeadlineTracker t(kTimeout, kStart);
  EXPECT_EQ(t.deadline(), at(1010s));
  EXPECT_EQ(t.window_start(), kStart);
  EXPECT_EQ(t.last_heartbeat(), std::nullopt);
  EXPECT_FALSE(t.expired(kStart));
  EXPECT_TRUE(t.expired(at(1010s)));
}

TEST(DeadlineTracker, ExpiresExactlyAtTheDeadlineNotOneNanosecondBefore) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1003s));
  EXPECT_FALSE(t.expired(at(1013s) - 1ns));
  EXPECT_TRUE(t.expired(at(1013s)));
  EXPECT_TRUE(t.expired(at(1013s) + 1ns));
}

TEST(DeadlineTracker, FractionalTimeoutHasTheSameExactBoundary) {
  DeadlineTracker t(2500ms, kStart);
  EXPECT_EQ(t.deadline(), at(1002500ms));
  EXPECT_FALSE(t.expired(at(1002500ms) - 1ns));
  EXPECT_TRUE(t.expired(at(1002500ms)));
}

TEST(DeadlineTracker, HeartbeatRestartsTheFullWindow) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1009s));
  EXPECT_EQ(t.deadline(), at(1019s));
  EXPECT_FALSE(t.expired(at(1018s)));
  t.on_heartbeat(at(1018500ms));
  EXPECT_EQ(t.deadline(), at(1028500ms));
  EXPECT_EQ(t.last_heartbeat(), at(1018500ms));
  EXPECT_EQ(t.window_start(), at(1018500ms));
}

TEST(DeadlineTracker, HeartbeatAfterExpiryReArmsTheWindow) {
  // The loop drains the socket before honouring the timer; a heartbeat sent by then wins.
  DeadlineTracker t(kTimeout, kStart);
  EXPECT_TRUE(t.expired(at(1010s)));
  t.on_heartbeat(at(1010s));
  EXPECT_FALSE(t.expired(at(1010s)));
  EXPECT_EQ(t.deadline(), at(1020s));
}

TEST(DeadlineTracker, HeartbeatsReadLateCountFromTheirOwnTime) {
  // The watchdog is woken by its timer at 1010 s and only then reads the heartbeats better_ping
  // sent at 1001, 1002, ... 1009.5 s: the window runs from the last one's Time, not from 1010 s.
  DeadlineTracker t(kTimeout, kStart);
  for (int i = 1; i <= 9; ++i) t.on_heartbeat(kStart + std::chrono::seconds(i));
  t.on_heartbeat(at(1009500ms));
  EXPECT_FALSE(t.expired(at(1010s)));
  EXPECT_EQ(t.deadline(), at(1019500ms));
  EXPECT_EQ(t.last_heartbeat(), at(1009500ms));
  EXPECT_FALSE(t.expired(at(1019500ms) - 1ns));
  EXPECT_TRUE(t.expired(at(1019500ms)));
  EXPECT_EQ(t.silence(at(1019500ms)), 10s);
}

TEST(DeadlineTracker, StaleHeartbeatsReadAtTheDeadlineDoNotSaveIt) {
  // Read at 1025 s, all of them sent more than a timeout ago: expired, silent since 1014 s.
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1012s));
  t.on_heartbeat(at(1014s));
  EXPECT_TRUE(t.expired(at(1025s)));
  EXPECT_EQ(t.silence(at(1025s)), 11s);
}

TEST(DeadlineTracker, PauseReadLateStillHoldsTheDeadline) {
  // Pause sent at 1004 s, read when the timer fires at 1013 s: paused, nothing expires.
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1003s));
  t.pause(at(1004s));
  EXPECT_FALSE(t.expired(at(1013s)));
  t.resume(at(1500s));
  EXPECT_EQ(t.deadline(), at(1510s));
}

TEST(DeadlineTracker, FrameOlderThanTheWatchdogsOwnContinueCountsAsThatTime) {
  // The watchdog was stopped; on its SIGCONT at 2000 s it re-arms, then reads a heartbeat sent
  // at 1500 s, before it continued.
  DeadlineTracker t(kTimeout, kStart);
  t.resume(at(2000s));
  t.on_heartbeat(at(1500s));
  EXPECT_EQ(t.deadline(), at(2010s));
  EXPECT_EQ(t.last_heartbeat(), at(2000s));
}

TEST(DeadlineTracker, RemainingCountsDownToZero) {
  DeadlineTracker t(kTimeout, kStart);
  EXPECT_EQ(t.remaining(kStart), 10s);
  EXPECT_EQ(t.remaining(at(1007250ms)), 2750ms);
  EXPECT_EQ(t.remaining(at(1010s) - 1ns), 1ns);
  EXPECT_EQ(t.remaining(at(1010s)), 0ns);
  EXPECT_EQ(t.remaining(at(5000s)), 0ns);
}

TEST(DeadlineTracker, SilenceIsMeasuredFromTheLastHeartbeatOrStartUp) {
  DeadlineTracker t(kTimeout, kStart);
  EXPECT_EQ(t.silence(at(1010s)), 10s);  // never a reply: silent since start-up
  t.on_heartbeat(at(1002s));
  EXPECT_EQ(t.silence(at(1012s)), 10s);
  EXPECT_EQ(t.silence(at(1012300ms)), 10300ms);  // the loop may run late; report the truth
}

TEST(DeadlineTracker, NeverExpiresWhilePaused) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1001s));
  t.pause(at(1005s));
  EXPECT_TRUE(t.paused());
  EXPECT_FALSE(t.expired(at(1011s)));
  EXPECT_FALSE(t.expired(at(1000000s)));  // Ctrl-Z, and back eleven days later
  EXPECT_EQ(t.deadline(), std::nullopt);
  EXPECT_EQ(t.remaining(at(1000000s)), kTimeout);
}

TEST(DeadlineTracker, ResumeGrantsAFullFreshWindowFromTheResumeTime) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1001s));
  t.pause(at(1009s));  // 1 s before the deadline
  t.resume(at(4600s));  // `fg` an hour later
  EXPECT_FALSE(t.paused());
  EXPECT_EQ(t.deadline(), at(4610s));
  EXPECT_FALSE(t.expired(at(4610s) - 1ns));
  EXPECT_TRUE(t.expired(at(4610s)));
  EXPECT_EQ(t.window_start(), at(4600s));
  EXPECT_EQ(t.silence(at(4610s)), 10s);  // the hour stopped is not silence
  EXPECT_EQ(t.last_heartbeat(), at(1001s));
}

TEST(DeadlineTracker, ResumeWithoutPauseReArmsToo) {
  // The watchdog's own SIGCONT arrives with no Pause frame (the group was SIGSTOPped).
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1001s));
  EXPECT_TRUE(t.expired(at(2000s)));  // what a stale timerfd would report on waking
  t.resume(at(2000s));
  EXPECT_FALSE(t.expired(at(2000s)));
  EXPECT_EQ(t.deadline(), at(2010s));
}

TEST(DeadlineTracker, ResumeNeverShortensTheWindow) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1005s));
  t.resume(at(1005s));
  EXPECT_EQ(t.deadline(), at(1015s));
}

TEST(DeadlineTracker, HeartbeatWhilePausedEndsThePause) {
  DeadlineTracker t(kTimeout, kStart);
  t.pause(at(1002s));
  t.on_heartbeat(at(1003s));
  EXPECT_FALSE(t.paused());
  EXPECT_EQ(t.deadline(), at(1013s));
  EXPECT_TRUE(t.expired(at(1013s)));
}

TEST(DeadlineTracker, PauseTwiceThenResumeOnce) {
  DeadlineTracker t(kTimeout, kStart);
  t.pause(at(1002s));
  t.pause(at(1004s));
  EXPECT_FALSE(t.expired(at(1100s)));
  t.resume(at(1100s));
  EXPECT_EQ(t.deadline(), at(1110s));
}

TEST(DeadlineTracker, PauseAfterTheDeadlineStillPauses) {
  // A Pause frame sent before the deadline can be read after it, when the stopped watchdog wakes.
  DeadlineTracker t(kTimeout, kStart);
  t.pause(at(1020s));
  EXPECT_FALSE(t.expired(at(1020s)));
}

TEST(DeadlineTracker, BackwardsHeartbeatNeverMovesTheDeadlineBack) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1008s));
  t.on_heartbeat(at(1003s));  // earlier than the previous call: treated as 1008 s
  EXPECT_EQ(t.deadline(), at(1018s));
  EXPECT_EQ(t.last_heartbeat(), at(1008s));
  t.on_heartbeat(at(0s));
  EXPECT_EQ(t.deadline(), at(1018s));
}

TEST(DeadlineTracker, TimeBeforeStartIsTreatedAsStart) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(500s));
  EXPECT_EQ(t.deadline(), at(1010s));
  EXPECT_EQ(t.remaining(at(0s)), 10s);
  EXPECT_EQ(t.silence(at(0s)), 0s);
}

TEST(DeadlineTracker, ResumeEarlierThanThePauseCountsFromThePause) {
  DeadlineTracker t(kTimeout, kStart);
  t.pause(at(1015s));
  t.resume(at(1012s));  // clamped to 1015 s
  EXPECT_EQ(t.deadline(), at(1025s));
  EXPECT_EQ(t.window_start(), at(1015s));
  EXPECT_EQ(t.remaining(at(1001s)), 10s);
}

TEST(DeadlineTracker, BackwardsResumeNeverMovesTheDeadlineBack) {
  DeadlineTracker t(kTimeout, kStart);
  t.on_heartbeat(at(1030s));
  t.resume(at(1020s));
  EXPECT_EQ(t.deadline(), at(1040s));
}

TEST(DeadlineTracker, DeadlineSaturatesInsteadOfOverflowing) {
  DeadlineTracker t(std::chrono::nanoseconds::max(), kStart);
  EXPECT_EQ(t.deadline(), MonoTime::max());
  EXPECT_FALSE(t.expired(at(1000000000s)));
  EXPECT_TRUE(t.expired(MonoTime::max()));
  t.on_heartbeat(MonoTime::max() - 1ns);
  EXPECT_EQ(t.deadline(), MonoTime::max());
  EXPECT_EQ(t.remaining(MonoTime::max() - 1ns), 1ns);
}

TEST(DeadlineTracker, NonPositiveTimeoutBecomesOneNanosecond) {
  DeadlineTracker zero(0ns, kStart);
  EXPECT_EQ(zero.timeout(), 1ns);
  EXPECT_FALSE(zero.expired(kStart));
  EXPECT_TRUE(zero.expired(kStart + 1ns));
  DeadlineTracker negative(-5s, kStart);
  EXPECT_EQ(negative.deadline(), kStart + 1ns);
}

TEST(DeadlineTracker, ScriptedSessionWithStopAndContinue) {
  // 1 s pings, a reply each time, Ctrl-Z at 1004.5 s, fg at 1300 s, then the target goes silent.
  DeadlineTracker t(kTimeout, kStart);
  for (int i = 1; i <= 4; ++i) {
    t.on_heartbeat(kStart + std::chrono::seconds(i));
    EXPECT_FALSE(t.expired(kStart + std::chrono::seconds(i) + 999ms));
  }
  t.pause(at(1004500ms));
  EXPECT_FALSE(t.expired(at(1300s)));
  t.resume(at(1300s));
  t.on_heartbeat(at(1300200ms));
  EXPECT_EQ(t.deadline(), at(1310200ms));
  EXPECT_FALSE(t.expired(at(1310200ms) - 1ns));
  EXPECT_TRUE(t.expired(at(1310200ms)));
  EXPECT_EQ(t.silence(at(1310200ms)), 10s);
}

}  // namespace
}  // namespace bp
