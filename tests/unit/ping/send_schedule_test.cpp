#include "ping/engine/send_schedule.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "ping/stats/rtt_stats.h"
#include "ping/engine/sequence_tracker.h"

namespace bp {
namespace {

using namespace std::chrono_literals;

constexpr MonoTime kT0 = MonoTime{} + 1000s;

RunPolicy policy_with(void (*edit)(RunPolicy&)) {
  RunPolicy policy;
  edit(policy);
  return policy;
}

// Sends every probe due at `now`, as the loop does, with no reply arriving in between (each
// probe adds one to `in_flight`); returns how many went out.
int send_due(SendSchedule& schedule, MonoTime now, std::uint64_t in_flight = 0) {
  int sent = 0;
  while (schedule.should_send(now, in_flight) && sent < 1000) {
    schedule.on_sent(now);
    ++sent;
    ++in_flight;
  }
  return sent;
}

// ---- pacing --------------------------------------------------------------------------------

TEST(SendSchedule, FirstProbeIsDueAtStart) {
  SendSchedule schedule(RunPolicy{}, kT0);
  EXPECT_EQ(schedule.next_send(0), kT0);
  EXPECT_FALSE(schedule.should_send(kT0 - 1ns, 0));
  EXPECT_TRUE(schedule.should_send(kT0, 0));
}

TEST(SendSchedule, DefaultIntervalIsOneSecond) {
  SendSchedule schedule(RunPolicy{}, kT0);
  EXPECT_EQ(send_due(schedule, kT0), 1);
  EXPECT_FALSE(schedule.should_send(kT0 + 999'999'999ns, 1));
  EXPECT_EQ(schedule.next_send(1), kT0 + 1s);
  EXPECT_EQ(send_due(schedule, kT0 + 1s, 1), 1);
  EXPECT_EQ(schedule.next_send(1), kT0 + 2s);
}

TEST(SendSchedule, LateLoopTurnBeyondTheCatchUpShiftsLaterProbesWithoutPreload) {
  // The credit is capped at interval * preload + 40 ms: of 300 ms of lateness 40 ms are made up.
  SendSchedule schedule(RunPolicy{}, kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(send_due(schedule, kT0 + 1300ms), 1);
  EXPECT_EQ(schedule.next_send(0), kT0 + 2260ms);
}

TEST(SendSchedule, WakeUpsUpTo40msLateNeverAddUpToDrift) {
  // The loop's socket timeout fires up to 40 ms late at a 1 s interval (HZ 250): every probe still
  // leaves on its own second, and the hundredth is due exactly 100 s after the first.
  SendSchedule schedule(RunPolicy{}, kT0);
  send_due(schedule, kT0);
  for (int k = 1; k < 100; ++k) {
    const MonoTime due = kT0 + std::chrono::seconds(k);
    ASSERT_EQ(schedule.next_send(0), due) << k;
    ASSERT_EQ(send_due(schedule, due + std::chrono::milliseconds(k % 41)), 1) << k;
  }
  EXPECT_EQ(schedule.next_send(0), kT0 + 100s);
}

TEST(SendSchedule, CatchUpFollowsTheKernelTimersLateness) {
  // At HZ 1000 a 1 s sleep may end 66 ms late (timer_wheel.h): that much is made up, no more.
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.max_catch_up = 66ms; }), kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(send_due(schedule, kT0 + 1066ms), 1);
  EXPECT_EQ(schedule.next_send(0), kT0 + 2s);
  EXPECT_EQ(send_due(schedule, kT0 + 2067ms), 1);  // 67 ms late: 1 ms too many
  EXPECT_EQ(schedule.next_send(0), kT0 + 3001ms);
}

TEST(SendSchedule, CatchUpIsHalfAnIntervalAtMost) {
  // At 10 ms a 40 ms credit would be a burst; half an interval (5 ms) is made up, no more.
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 10ms; }), kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(send_due(schedule, kT0 + 30ms), 1);
  EXPECT_EQ(schedule.next_send(0), kT0 + 35ms);
}

TEST(SendSchedule, LateLoopTurnIsMadeUpWithPreload) {
  // preload 2 caps the credit at 2 s: the 300 ms of lateness stays as credit.
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.preload = 2; }), kT0);
  EXPECT_EQ(send_due(schedule, kT0), 2);
  EXPECT_EQ(send_due(schedule, kT0 + 1300ms), 1);
  EXPECT_EQ(schedule.next_send(0), kT0 + 2s);
}

TEST(SendSchedule, AfterAStallOnlyOneProbeCatchesUpWithoutPreload) {
  SendSchedule schedule(RunPolicy{}, kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(send_due(schedule, kT0 + 5s), 1);
  EXPECT_EQ(schedule.next_send(0), kT0 + 5960ms);  // the 40 ms catch-up, no more
}

TEST(SendSchedule, PreloadSendsABurstAtStartThenOnePerInterval) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.preload = 3; }), kT0);
  EXPECT_EQ(send_due(schedule, kT0), 3);
  EXPECT_EQ(schedule.next_send(3), kT0 + 1s);
  EXPECT_EQ(send_due(schedule, kT0 + 1s), 1);
  EXPECT_EQ(send_due(schedule, kT0 + 2s), 1);
}

TEST(SendSchedule, PreloadBoundsTheCatchUpBurstAfterAStall) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.preload = 3; }), kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(send_due(schedule, kT0 + 10s), 3);
  EXPECT_EQ(schedule.next_send(0), kT0 + 10960ms);
}

TEST(SendSchedule, PreloadZeroIsTakenAsOne) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.preload = 0; }), kT0);
  EXPECT_EQ(send_due(schedule, kT0), 1);
}

TEST(SendSchedule, FractionalIntervalIsKeptToTheNanosecond) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 2500us; }), kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(schedule.next_send(1), kT0 + 2500us);
}

// ---- flood (interval 0) --------------------------------------------------------------------

TEST(SendSchedule, FloodSendsAtOnceWhenNothingIsInFlight) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 0s; }), kT0);
  EXPECT_EQ(send_due(schedule, kT0), 1);
  EXPECT_TRUE(schedule.should_send(kT0, 0));
  EXPECT_EQ(schedule.next_send(0), kT0);
}

TEST(SendSchedule, FloodWithoutReplyBacksOffTenMilliseconds) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 0s; }), kT0);
  ASSERT_TRUE(schedule.should_send(kT0, 0));
  schedule.on_sent(kT0);
  EXPECT_FALSE(schedule.should_send(kT0, 1));
  EXPECT_FALSE(schedule.should_send(kT0 + 9'999'999ns, 1));
  EXPECT_EQ(schedule.next_send(1), kT0 + 10ms);
  EXPECT_EQ(schedule.next_wakeup(1), kT0 + 10ms);
  EXPECT_TRUE(schedule.should_send(kT0 + 10ms, 1));
}

TEST(SendSchedule, FloodReplyMakesTheNextProbeDueAtOnce) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 0s; }), kT0);
  EXPECT_EQ(send_due(schedule, kT0), 1);
  EXPECT_FALSE(schedule.should_send(kT0 + 30us, 1));
  schedule.on_reply(kT0 + 30us, 30us);
  EXPECT_TRUE(schedule.should_send(kT0 + 30us, 0));  // in flight dropped to 0
}

TEST(SendSchedule, FloodWithPreloadKeepsThatManyProbesInFlight) {
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.interval = 0s;
                          p.preload = 4;
                        }),
                        kT0);
  EXPECT_EQ(send_due(schedule, kT0), 4);
  EXPECT_EQ(schedule.next_send(4), kT0 + 10ms);
  EXPECT_TRUE(schedule.should_send(kT0 + 1us, 3));  // one answered: one more may go
}

TEST(SendSchedule, FloodAnswerToAnOlderProbeDoesNotReleaseTheNext) {
  SequenceTracker tracker;
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 0s; }), kT0);
  tracker.on_sent(kT0);
  schedule.on_sent(kT0);
  tracker.on_sent(kT0 + 10ms);
  schedule.on_sent(kT0 + 10ms);
  const ReplyMatch late = tracker.on_reply(1, kT0 + 11ms);  // the answer to probe 1, not 2
  schedule.on_reply(kT0 + 11ms, late.rtt);
  EXPECT_EQ(tracker.in_flight(), 1u);
  EXPECT_FALSE(schedule.should_send(kT0 + 11ms, tracker.in_flight()));
  EXPECT_EQ(schedule.next_send(tracker.in_flight()), kT0 + 20ms);
}

TEST(SendSchedule, FloodWithNoRepliesSendsOneHundredProbesPerSecond) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 0s; }), kT0);
  MonoTime now = kT0;
  std::uint64_t sent = 0;
  for (int turn = 0; turn < 1000 && now < kT0 + 1s; ++turn) {
    while (schedule.should_send(now, sent)) {
      schedule.on_sent(now);
      ++sent;
    }
    now = *schedule.next_wakeup(sent);
  }
  EXPECT_EQ(sent, 100u);
}

// ---- count (-c) and linger (-W) ------------------------------------------------------------

TEST(SendSchedule, CountStopsSendingAfterNProbes) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 3; }), kT0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(send_due(schedule, kT0 + i * 1s), 1);
  EXPECT_FALSE(schedule.should_send(kT0 + 3s, 0));
  EXPECT_EQ(schedule.next_send(0), std::nullopt);
}

TEST(SendSchedule, PreloadNeverExceedsTheCount) {
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.count = 2;
                          p.preload = 3;
                        }),
                        kT0);
  EXPECT_EQ(send_due(schedule, kT0), 2);
}

TEST(SendSchedule, WithoutAnyReplyTheRunLingersTenSecondsAfterTheLastProbe) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 2; }), kT0);
  send_due(schedule, kT0);
  send_due(schedule, kT0 + 1s);
  EXPECT_EQ(schedule.next_wakeup(2), kT0 + 11s);
  EXPECT_FALSE(schedule.finished(kT0 + 11s - 1ns));
  EXPECT_TRUE(schedule.finished(kT0 + 11s));
  EXPECT_EQ(schedule.exit_status(), 1);
}

TEST(SendSchedule, LingerComesFromOptionW) {
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.count = 1;
                          p.linger = 2500ms;
                        }),
                        kT0);
  send_due(schedule, kT0);
  EXPECT_FALSE(schedule.finished(kT0 + 2499ms));
  EXPECT_TRUE(schedule.finished(kT0 + 2500ms));
}

TEST(SendSchedule, WithRepliesTheRunLingersOneIntervalWhenTwiceMaxRttIsShorter) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 2; }), kT0);
  send_due(schedule, kT0);
  schedule.on_reply(kT0 + 300ms, 300ms);
  send_due(schedule, kT0 + 1s);  // probe 2 is lost
  EXPECT_EQ(schedule.next_wakeup(1), kT0 + 2s);
  EXPECT_FALSE(schedule.finished(kT0 + 2s - 1ns));
  EXPECT_TRUE(schedule.finished(kT0 + 2s));
  EXPECT_EQ(schedule.exit_status(), 0);
}

TEST(SendSchedule, WithRepliesTheRunLingersTwiceMaxRttWhenThatIsLonger) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 2; }), kT0);
  send_due(schedule, kT0);
  schedule.on_reply(kT0 + 800ms, 800ms);
  send_due(schedule, kT0 + 1s);
  EXPECT_FALSE(schedule.finished(kT0 + 2600ms - 1ns));
  EXPECT_TRUE(schedule.finished(kT0 + 2600ms));
}

TEST(SendSchedule, LingerIsFixedWhenTheLastProbeIsSent) {
  // No reply had come when probe 2 went out, so the 10 s linger stands even though a reply
  // arrives afterwards (iputils computes it once).
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 2; }), kT0);
  send_due(schedule, kT0);
  send_due(schedule, kT0 + 1s);
  schedule.on_reply(kT0 + 1500ms, 1500ms);
  EXPECT_FALSE(schedule.finished(kT0 + 11s - 1ns));
  EXPECT_TRUE(schedule.finished(kT0 + 11s));
  EXPECT_EQ(schedule.exit_status(), 0);
}

TEST(SendSchedule, RunEndsAsSoonAsEveryProbeIsAnswered) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 2; }), kT0);
  send_due(schedule, kT0);
  schedule.on_reply(kT0 + 1ms, 1ms);
  send_due(schedule, kT0 + 1s);
  EXPECT_FALSE(schedule.finished(kT0 + 1s + 1ms - 1ns));
  schedule.on_reply(kT0 + 1s + 1ms, 1ms);
  EXPECT_TRUE(schedule.finished(kT0 + 1s + 1ms));
  EXPECT_EQ(schedule.exit_status(), 0);
}

TEST(SendSchedule, ErrorsCountTowardsTheCount) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 2; }), kT0);
  send_due(schedule, kT0);
  schedule.on_reply(kT0 + 1ms, 1ms);
  send_due(schedule, kT0 + 1s);
  schedule.on_error();
  EXPECT_TRUE(schedule.finished(kT0 + 1s + 1ms));
  EXPECT_EQ(schedule.exit_status(), 0);
}

TEST(SendSchedule, OnlyErrorsEndTheRunWithStatusOne) {
  // iputils: "2 packets transmitted, 0 received, +2 errors", exit 1.
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 2; }), kT0);
  send_due(schedule, kT0);
  schedule.on_error();
  send_due(schedule, kT0 + 1s);
  schedule.on_error();
  EXPECT_TRUE(schedule.finished(kT0 + 1s));
  EXPECT_EQ(schedule.exit_status(), 1);
}

TEST(SendSchedule, LingerZeroWaitsForeverWhileNoReplyCame) {
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.count = 1;
                          p.linger = 0s;
                        }),
                        kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(schedule.next_wakeup(1), std::nullopt);
  EXPECT_FALSE(schedule.finished(kT0 + 1'000'000s));
}

TEST(SendSchedule, LingerZeroEndsTwiceMaxRttAfterTheFirstLateReply) {
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.count = 2;
                          p.linger = 0s;
                        }),
                        kT0);
  send_due(schedule, kT0);
  send_due(schedule, kT0 + 1s);
  schedule.on_reply(kT0 + 5s, 4s);  // probe 2 answered after 4 s; probe 1 still missing
  EXPECT_EQ(schedule.next_wakeup(0), kT0 + 13s);
  EXPECT_FALSE(schedule.finished(kT0 + 13s - 1ns));
  EXPECT_TRUE(schedule.finished(kT0 + 13s));
}

TEST(SendSchedule, WithoutCountOrDeadlineTheRunNeverEndsByItself) {
  SendSchedule schedule(RunPolicy{}, kT0);
  for (int i = 0; i < 5; ++i) send_due(schedule, kT0 + i * 1s);
  EXPECT_FALSE(schedule.finished(kT0 + 1'000'000s));
  EXPECT_EQ(schedule.next_wakeup(5), kT0 + 5s);
}

// ---- deadline (-w) -------------------------------------------------------------------------

TEST(SendSchedule, DeadlineStopsEverythingAtTheExactInstant) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.deadline = 5s; }), kT0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(send_due(schedule, kT0 + i * 1s), 1);
  EXPECT_EQ(schedule.next_wakeup(5), kT0 + 5s);
  EXPECT_FALSE(schedule.finished(kT0 + 5s - 1ns));
  EXPECT_TRUE(schedule.finished(kT0 + 5s));
  EXPECT_FALSE(schedule.should_send(kT0 + 5s, 5));  // probe 6 was due then too: not sent
}

TEST(SendSchedule, FractionalDeadlineWakesTheLoopBeforeTheNextProbe) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.deadline = 1500ms; }), kT0);
  send_due(schedule, kT0);
  send_due(schedule, kT0 + 1s);
  EXPECT_EQ(schedule.next_wakeup(2), kT0 + 1500ms);
  EXPECT_TRUE(schedule.finished(kT0 + 1500ms));
}

TEST(SendSchedule, DeadlineWithoutCountExitsZeroAfterAnyReply) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.deadline = 3s; }), kT0);
  send_due(schedule, kT0);
  schedule.on_reply(kT0 + 1ms, 1ms);
  EXPECT_TRUE(schedule.finished(kT0 + 3s));
  EXPECT_EQ(schedule.exit_status(), 0);
}

TEST(SendSchedule, CountWithDeadlineKeepsSendingUntilCountReplies) {
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.count = 2;
                          p.deadline = 10s;
                        }),
                        kT0);
  send_due(schedule, kT0);       // lost
  send_due(schedule, kT0 + 1s);  // answered
  schedule.on_reply(kT0 + 1s + 1ms, 1ms);
  EXPECT_EQ(schedule.next_wakeup(0), kT0 + 2s);  // no linger: probe 3 is due
  EXPECT_EQ(send_due(schedule, kT0 + 2s), 1);
  EXPECT_FALSE(schedule.finished(kT0 + 2s));
  schedule.on_reply(kT0 + 2s + 1ms, 1ms);
  EXPECT_TRUE(schedule.finished(kT0 + 2s + 1ms));
  EXPECT_EQ(schedule.exit_status(), 0);
}

TEST(SendSchedule, CountWithDeadlineExitsOneWhenShortOfReplies) {
  // Observed with iputils: "ping -c 2 -w 1" on a host answering once: 1 transmitted, exit 1.
  // Probe 2 was due at the deadline instant and is not sent.
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.count = 2;
                          p.deadline = 1s;
                        }),
                        kT0);
  send_due(schedule, kT0);
  schedule.on_reply(kT0 + 50us, 50us);
  EXPECT_EQ(send_due(schedule, kT0 + 1s), 0);
  EXPECT_TRUE(schedule.finished(kT0 + 1s));
  EXPECT_EQ(schedule.exit_status(), 1);
  EXPECT_EQ(schedule.elapsed(), 0s);
}

TEST(SendSchedule, ErrorUnderDeadlineStopsTheRunOnlyWhenAskedTo) {
  auto make = [](bool stop) {
    RunPolicy policy;
    policy.deadline = 10s;
    policy.stop_on_error_with_deadline = stop;
    return SendSchedule(policy, kT0);
  };
  SendSchedule lenient = make(false);
  SendSchedule strict = make(true);
  for (SendSchedule* schedule : {&lenient, &strict}) {
    send_due(*schedule, kT0);
    schedule->on_error();
  }
  EXPECT_FALSE(lenient.finished(kT0 + 1ms));
  EXPECT_TRUE(strict.finished(kT0 + 1ms));
}

TEST(SendSchedule, NoReplyAtAllExitsOne) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.count = 1; }), kT0);
  send_due(schedule, kT0);
  EXPECT_EQ(schedule.exit_status(), 1);
}

// ---- elapsed time and inter-packet gap -----------------------------------------------------

TEST(SendSchedule, ElapsedRunsFromStartToTheLastSend) {
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 0s; }), kT0);
  EXPECT_EQ(schedule.elapsed(), 0s);
  EXPECT_EQ(schedule.inter_packet_gap(), std::nullopt);
  schedule.on_sent(kT0);
  EXPECT_EQ(schedule.inter_packet_gap(), std::nullopt);
  schedule.on_sent(kT0 + 1s);
  schedule.on_sent(kT0 + 2500ms);
  EXPECT_EQ(schedule.elapsed(), 2500ms);
  EXPECT_EQ(schedule.inter_packet_gap(), std::optional<Duration>(1250ms));
}

TEST(SendSchedule, InterPacketGapTruncatesLikeIputils) {
  // iputils: (1000001 us) / 2 = 500000 us; here 1000001999 ns / 2 = 500000999 ns -> 500000 us.
  SendSchedule schedule(policy_with([](RunPolicy& p) { p.interval = 0s; }), kT0);
  schedule.on_sent(kT0);
  schedule.on_sent(kT0 + 1ms);
  schedule.on_sent(kT0 + 1'000'001'999ns);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(*schedule.inter_packet_gap()),
            500000us);
}

// ---- the three together --------------------------------------------------------------------

TEST(PingSession, FloodOfSeventyThousandProbesWrapsTheSeqAndStaysConsistent) {
  // ping -f -c 70000 against a host answering every probe 40 us later.
  constexpr std::uint64_t kCount = 70000;
  SequenceTracker tracker;
  RttStats stats;
  SendSchedule schedule(policy_with([](RunPolicy& p) {
                          p.interval = 0s;
                          p.count = kCount;
                        }),
                        kT0);
  MonoTime now = kT0;
  for (std::uint64_t turn = 0; turn < 2 * kCount && !schedule.finished(now); ++turn) {
    std::optional<std::uint16_t> outstanding;
    while (schedule.should_send(now, tracker.in_flight())) {
      outstanding = tracker.on_sent(now);
      schedule.on_sent(now);
    }
    ASSERT_TRUE(outstanding) << "turn " << turn;
    now += 40us;
    const ReplyMatch match = tracker.on_reply(*outstanding, now);
    ASSERT_EQ(match.kind, ReplyKind::First) << "turn " << turn;
    stats.add(match.rtt);
    schedule.on_reply(now, match.rtt);
  }
  EXPECT_TRUE(schedule.finished(now));
  EXPECT_EQ(now, kT0 + 40us * kCount);  // one probe per reply, never the 10 ms back-off
  EXPECT_EQ(tracker.counts().transmitted, kCount);
  EXPECT_EQ(tracker.counts().received, kCount);
  EXPECT_EQ(tracker.counts().duplicates, 0u);
  EXPECT_EQ(tracker.max_in_flight(), 1u);
  EXPECT_EQ(stats.summary()->avg, 40us);
  EXPECT_EQ(stats.summary()->mdev, 0ns);
  EXPECT_EQ(stats.ewma(), std::optional<Duration>(40us));
  EXPECT_EQ(schedule.inter_packet_gap(), std::optional<Duration>(40us));
  EXPECT_EQ(schedule.exit_status(), 0);
}

}  // namespace
}  // namespace bp
