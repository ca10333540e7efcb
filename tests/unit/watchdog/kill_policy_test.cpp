#include "watchdog/kill_policy.h"

#include <gtest/gtest.h>

#include <csignal>
#include <functional>
#include <string>
#include <vector>

namespace bp {
namespace {

using namespace std::chrono_literals;
using Phase = KillPolicy::Phase;

// better_ping 4242 started from an interactive shell: it leads group 4242, and the forked
// watchdog 4243 stayed in it.
constexpr KillTargets kLeader{4242, 4242, true, 4243, 4242};
// better_ping 4242 run by `sh -c` (or a CI step, or sudo without a pty): group 4100 is the caller's.
constexpr KillTargets kInCallersGroup{4242, 4100, false, 4243, 4100};

const SignalAction kTermPinger{SignalTarget::kPinger, 4242, SIGTERM};
const SignalAction kContPinger{SignalTarget::kPinger, 4242, SIGCONT};
const SignalAction kKillPinger{SignalTarget::kPinger, 4242, SIGKILL};
const SignalAction kTermGroup{SignalTarget::kGroup, 4242, SIGTERM};
const SignalAction kContGroup{SignalTarget::kGroup, 4242, SIGCONT};
const SignalAction kKillGroup{SignalTarget::kGroup, 4242, SIGKILL};

const KillStep kNothing{};
const KillStep kFinishedQuietly{{}, std::nullopt, true};

KillStep wait_grace(std::vector<SignalAction> signals) { return {std::move(signals), 2s, false}; }

// ---- better_ping leads its group ----

TEST(KillPolicy, LeaderTermsBetterPingThenItsGroupThenKillsTheGroup) {
  KillPolicy policy(kLeader, KillConfig{});
  ASSERT_TRUE(policy.may_signal_group());
  EXPECT_EQ(policy.on_expired(), wait_grace({kTermPinger, kContPinger}));
  EXPECT_EQ(policy.phase(), Phase::kTerminatingPinger);
  EXPECT_EQ(policy.on_pinger_exited(), wait_grace({kTermGroup, kContGroup}));
  EXPECT_EQ(policy.phase(), Phase::kTerminatingGroup);
  EXPECT_EQ(policy.on_grace_elapsed(), (KillStep{{kKillGroup}, std::nullopt, true}));
  EXPECT_EQ(policy.phase(), Phase::kDone);
}

TEST(KillPolicy, LeaderGroupFoundEmptyEndsWithoutTheGroupSigkill) {
  // After better_ping, the rest of the group exited on SIGTERM: the SIGKILL would only hit the
  // watchdog itself.
  KillPolicy policy(kLeader, KillConfig{});
  policy.on_expired();
  EXPECT_EQ(policy.on_pinger_exited(), wait_grace({kTermGroup, kContGroup}));
  EXPECT_EQ(policy.on_group_empty(), kFinishedQuietly);
  EXPECT_EQ(policy.phase(), Phase::kDone);
  EXPECT_EQ(policy.on_grace_elapsed(), kNothing);
}

TEST(KillPolicy, GroupFoundEmptyMeansNothingBeforeTheGroupPhase) {
  KillPolicy policy(kLeader, KillConfig{});
  EXPECT_EQ(policy.on_group_empty(), kNothing);
  EXPECT_EQ(policy.phase(), Phase::kSupervising);
  policy.on_expired();
  EXPECT_EQ(policy.on_group_empty(), kNothing);
  EXPECT_EQ(policy.phase(), Phase::kTerminatingPinger);
  policy.on_grace_elapsed();
  EXPECT_EQ(policy.on_group_empty(), kNothing);
  EXPECT_EQ(policy.phase(), Phase::kKillingPinger);
  KillPolicy not_leader(kInCallersGroup, KillConfig{});
  not_leader.on_expired();
  EXPECT_EQ(not_leader.on_pinger_exited(), kFinishedQuietly);
  EXPECT_EQ(not_leader.on_group_empty(), kNothing);
}

TEST(KillPolicy, LeaderEscalatesToSigkillWhenBetterPingIgnoresSigterm) {
  KillPolicy policy(kLeader, KillConfig{});
  policy.on_expired();
  EXPECT_EQ(policy.on_grace_elapsed(), wait_grace({kKillPinger}));
  EXPECT_EQ(policy.phase(), Phase::kKillingPinger);
  // The group still gets its own TERM and grace (a `tee` in the pipeline may flush).
  EXPECT_EQ(policy.on_pinger_exited(), wait_grace({kTermGroup, kContGroup}));
  EXPECT_EQ(policy.on_grace_elapsed(), (KillStep{{kKillGroup}, std::nullopt, true}));
}

TEST(KillPolicy, LeaderStillHandlesTheGroupWhenBetterPingSurvivesSigkill) {
  KillPolicy policy(kLeader, KillConfig{});
  policy.on_expired();
  policy.on_grace_elapsed();
  EXPECT_EQ(policy.on_grace_elapsed(), wait_grace({kTermGroup, kContGroup}));
  EXPECT_EQ(policy.on_grace_elapsed(), (KillStep{{kKillGroup}, std::nullopt, true}));
}

TEST(KillPolicy, GroupIsSignalledOnlyAfterBetterPingExited) {
  // better_ping's summary must be written before anything else in its group is touched.
  KillPolicy policy(kLeader, KillConfig{});
  for (const SignalAction& s : policy.on_expired().signals) EXPECT_EQ(s.target, SignalTarget::kPinger);
}

// ---- better_ping is in its caller's group ----

TEST(KillPolicy, NotLeaderSignalsOnlyBetterPing) {
  KillPolicy policy(kInCallersGroup, KillConfig{});
  EXPECT_FALSE(policy.may_signal_group());
  EXPECT_EQ(policy.on_expired(), wait_grace({kTermPinger, kContPinger}));
  EXPECT_EQ(policy.on_pinger_exited(), kFinishedQuietly);
  EXPECT_EQ(policy.phase(), Phase::kDone);
}

TEST(KillPolicy, NotLeaderEscalatesToSigkillOnBetterPingOnly) {
  KillPolicy policy(kInCallersGroup, KillConfig{});
  policy.on_expired();
  EXPECT_EQ(policy.on_grace_elapsed(), wait_grace({kKillPinger}));
  EXPECT_EQ(policy.on_pinger_exited(), kFinishedQuietly);
}

TEST(KillPolicy, NotLeaderGivesUpQuietlyWhenBetterPingSurvivesSigkill) {
  KillPolicy policy(kInCallersGroup, KillConfig{});
  policy.on_expired();
  policy.on_grace_elapsed();
  EXPECT_EQ(policy.on_grace_elapsed(), kFinishedQuietly);
}

// ---- when the group must never be signalled ----

TEST(KillPolicy, LeaderFlagWithoutPgidEqualPidIsNotTrusted) {
  EXPECT_FALSE(KillPolicy({4242, 4100, true, 4243, 4100}, KillConfig{}).may_signal_group());
}

TEST(KillPolicy, PgidEqualPidWithoutTheLeaderFlagIsNotEnough) {
  // Leadership is what better_ping recorded at start; a later pgid reading does not replace it.
  EXPECT_FALSE(KillPolicy({4242, 4242, false, 4243, 4242}, KillConfig{}).may_signal_group());
}

TEST(KillPolicy, WatchdogOutsideTheGroupCannotPinItSoNeverSignalsIt) {
  EXPECT_FALSE(KillPolicy({4242, 4242, true, 4243, 4243}, KillConfig{}).may_signal_group());
}

TEST(KillPolicy, BetterPingAsPidOneNeverSignalsGroupOne) {
  // In a container better_ping may be PID 1 and lead group 1: kill(-1) would hit every process.
  EXPECT_FALSE(KillPolicy({1, 1, true, 7, 1}, KillConfig{}).may_signal_group());
  EXPECT_FALSE(KillPolicy({0, 0, true, 7, 0}, KillConfig{}).may_signal_group());
}

TEST(KillPolicy, ConfigurationCanTurnGroupSignallingOff) {
  KillConfig config;
  config.signal_group = false;
  KillPolicy policy(kLeader, config);
  EXPECT_FALSE(policy.may_signal_group());
  policy.on_expired();
  EXPECT_EQ(policy.on_pinger_exited(), kFinishedQuietly);
}

// ---- other paths ----

TEST(KillPolicy, BetterPingExitingOnItsOwnIsNeverSignalled) {
  for (const KillTargets& targets : {kLeader, kInCallersGroup}) {
    KillPolicy policy(targets, KillConfig{});
    EXPECT_EQ(policy.on_pinger_exited(), kFinishedQuietly);
    EXPECT_EQ(policy.on_expired(), kNothing);
  }
}

TEST(KillPolicy, StrayAndRepeatedEventsDoNothing) {
  KillPolicy policy(kLeader, KillConfig{});
  EXPECT_EQ(policy.on_grace_elapsed(), kNothing);  // no timer was asked for yet
  EXPECT_EQ(policy.phase(), Phase::kSupervising);
  policy.on_expired();
  EXPECT_EQ(policy.on_expired(), kNothing);  // a second expiry does not resend SIGTERM
  policy.on_pinger_exited();
  EXPECT_EQ(policy.on_pinger_exited(), kNothing);
  policy.on_grace_elapsed();
  EXPECT_EQ(policy.on_expired(), kNothing);
  EXPECT_EQ(policy.on_pinger_exited(), kNothing);
  EXPECT_EQ(policy.on_grace_elapsed(), kNothing);
}

TEST(KillPolicy, FirstSignalAndGraceAreConfigurable) {
  KillConfig config;
  config.first_signal = SIGABRT;
  config.grace = 500ms;
  KillPolicy policy(kLeader, config);
  EXPECT_EQ(policy.on_expired(),
            (KillStep{{{SignalTarget::kPinger, 4242, SIGABRT}, kContPinger}, 500ms, false}));
  EXPECT_EQ(policy.on_pinger_exited(),
            (KillStep{{{SignalTarget::kGroup, 4242, SIGABRT}, kContGroup}, 500ms, false}));
}

TEST(KillPolicy, NegativeGraceIsTreatedAsZero) {
  KillConfig config;
  config.grace = -1s;
  KillPolicy policy(kInCallersGroup, config);
  EXPECT_EQ(policy.on_expired().arm_grace_timer, 0ns);
}

TEST(KillPolicy, PhaseNames) {
  EXPECT_EQ(to_string(Phase::kSupervising), "supervising");
  EXPECT_EQ(to_string(Phase::kTerminatingPinger), "terminating better_ping");
  EXPECT_EQ(to_string(Phase::kKillingPinger), "killing better_ping");
  EXPECT_EQ(to_string(Phase::kTerminatingGroup), "terminating process group");
  EXPECT_EQ(to_string(Phase::kDone), "done");
}

// ---- every sequence of events ----

enum class Event { kExpired, kPingerExited, kGraceElapsed, kGroupEmpty };
constexpr int kEventKinds = 4;

KillStep apply(KillPolicy& policy, Event e) {
  switch (e) {
    case Event::kExpired: return policy.on_expired();
    case Event::kPingerExited: return policy.on_pinger_exited();
    case Event::kGraceElapsed: return policy.on_grace_elapsed();
    case Event::kGroupEmpty: return policy.on_group_empty();
  }
  return {};
}

// Calls check(sequence) for all 4^length sequences of events.
void for_each_sequence(int length, const std::function<void(const std::vector<Event>&)>& check) {
  std::vector<Event> seq(static_cast<std::size_t>(length), Event::kExpired);
  int total = 1;
  for (int i = 0; i < length; ++i) total *= kEventKinds;
  for (int n = 0; n < total; ++n) {
    int rest = n;
    for (auto& e : seq) {
      e = static_cast<Event>(rest % kEventKinds);
      rest /= kEventKinds;
    }
    check(seq);
  }
}

std::string describe(const std::vector<Event>& seq) {
  std::string s;
  for (Event e : seq) {
    s += e == Event::kExpired ? "E" : e == Event::kPingerExited ? "X" : e == Event::kGraceElapsed ? "G" : "0";
  }
  return s;
}

TEST(KillPolicy, CallersGroupIsNeverSignalledWhateverTheEvents) {
  const KillTargets not_allowed[] = {
      kInCallersGroup,
      {4242, 4100, true, 4243, 4100},   // claims leadership, pgid says otherwise
      {4242, 4242, false, 4243, 4242},  // pgid equals pid, but it did not lead at start
      {4242, 4242, true, 4243, 4243},   // watchdog not in the group
      {1, 1, true, 7, 1},               // PID 1
  };
  for (const KillTargets& targets : not_allowed) {
    for_each_sequence(7, [&](const std::vector<Event>& seq) {
      KillPolicy policy(targets, KillConfig{});
      for (Event e : seq) {
        for (const SignalAction& s : apply(policy, e).signals) {
          ASSERT_EQ(s.target, SignalTarget::kPinger) << describe(seq);
          ASSERT_EQ(s.id, targets.pinger_pid) << describe(seq);
        }
      }
    });
  }
}

TEST(KillPolicy, EverySequenceKeepsTheOrderingRules) {
  for_each_sequence(7, [](const std::vector<Event>& seq) {
    KillPolicy policy(kLeader, KillConfig{});
    bool expired = false, pinger_killed = false, pinger_gone_or_stuck = false;
    bool group_termed = false, finished = false;
    for (Event e : seq) {
      // What the watchdog knows once this event has happened.
      expired = expired || e == Event::kExpired;
      pinger_gone_or_stuck = pinger_gone_or_stuck || e == Event::kPingerExited ||
                             (e == Event::kGraceElapsed && pinger_killed);
      const KillStep step = apply(policy, e);
      if (finished) {
        ASSERT_EQ(step, kNothing) << "event after the end: " << describe(seq);
        continue;
      }
      for (const SignalAction& s : step.signals) {
        ASSERT_TRUE(expired) << "signal without expiry: " << describe(seq);
        ASSERT_EQ(s.id, 4242);
        if (s.target == SignalTarget::kPinger && s.signal == SIGKILL) pinger_killed = true;
        if (s.target == SignalTarget::kGroup) {
          ASSERT_TRUE(pinger_gone_or_stuck) << "group before better_ping exited: " << describe(seq);
          if (s.signal == SIGTERM) group_termed = true;
          if (s.signal == SIGKILL) {
            ASSERT_TRUE(group_termed) << "group KILL without TERM: " << describe(seq);
          }
        }
      }
      if (step.finished) {
        finished = true;
        // An empty group ends only the group phase, which its SIGTERM opened.
        if (e == Event::kGroupEmpty) {
          ASSERT_TRUE(group_termed) << "empty group ended another phase: " << describe(seq);
        }
        // Only a group SIGKILL may end the supervision with a signal, and it is the last one.
        if (!step.signals.empty()) {
          ASSERT_EQ(step.signals.back(), kKillGroup) << describe(seq);
        }
      }
      ASSERT_EQ(policy.phase() == Phase::kDone, finished) << describe(seq);
    }
  });
}

}  // namespace
}  // namespace bp
