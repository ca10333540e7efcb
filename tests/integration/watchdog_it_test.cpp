// The watchdog program against a fake better_ping (tests/integration/fake_pinger.h). No network
// and no privilege needed: runs as root or not. Times use a 0.5 s timeout and a 0.3 s grace;
// a signal may come up to kSlack late on a loaded machine, never early.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "shared/pidfd.h"
#include "shared/unique_fd.h"
#include "tests/integration/fake_pinger.h"

namespace bp::it {
namespace {

using namespace std::chrono_literals;

constexpr Nanos kTimeout = 500ms;
constexpr Nanos kGrace = 300ms;
constexpr Nanos kSlack = 500ms;
const std::string kExpiryLine = "watchdog: no reply from 127.0.0.1 for 0.5 s, stopping better_ping\n";

class WatchdogIt : public ::testing::Test {
 protected:
  // Orphans (the watchdog once its pinger is gone, the canary) come back to this process, which
  // reaps them: nothing is left to a PID 1 that may not reap.
  static void SetUpTestSuite() { ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0); }
};

Script script(std::initializer_list<std::vector<Step>> parts) {
  Script s;
  for (const auto& part : parts) s.steps.insert(s.steps.end(), part.begin(), part.end());
  s.watchdog_args = {"--timeout=0.5", "--grace=0.3", "--target=127.0.0.1"};
  return s;
}

double ms(Nanos d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Waits for the pinger, then the watchdog, to end, and reaps both (in that order: the watchdog
// is ours only once its parent is gone).
void finish(FakePingerRun& run, Nanos pinger_limit = 8s) {
  ASSERT_TRUE(run.pinger().wait_end(pinger_limit)) << run.transcript();
  run.pinger().reap();
  ASSERT_TRUE(run.watchdog().wait_end(3s)) << run.transcript();
  run.watchdog().reap();
}

Event last_event(FakePingerRun& run, const std::string& name) {
  const std::vector<Event> named = run.events_named(name);
  EXPECT_FALSE(named.empty()) << "no event " << name << "\n" << run.transcript();
  return named.empty() ? Event{} : named.back();
}

// The one SIGTERM the pinger got, which must come from its watchdog.
Event the_sigterm(FakePingerRun& run) {
  const std::vector<Event> terms = run.events_named("sigterm");
  EXPECT_EQ(terms.size(), 1u) << run.transcript();
  if (terms.empty()) return Event{"sigterm", 0, Nanos::max() / 2};
  EXPECT_EQ(terms.front().value, run.watchdog().pid()) << "SIGTERM not sent by the watchdog";
  return terms.front();
}

void expect_delay(Nanos delay, Nanos at_least, Nanos at_most, FakePingerRun& run) {
  EXPECT_GE(delay, at_least) << ms(delay) << " ms\n" << run.transcript();
  EXPECT_LE(delay, at_most) << ms(delay) << " ms\n" << run.transcript();
}

// ---- silence, heartbeats, goodbye ----

TEST_F(WatchdogIt, SilenceAfterTheLastHeartbeatBringsSigtermOneTimeoutLater) {
  // 5 heartbeats 0.2 s apart span 0.8 s, longer than the timeout: they kept it alive.
  FakePingerRun run(script({{hello(kTimeout)}, heartbeats(5, 200ms)}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  const Event term = the_sigterm(run);
  expect_delay(term.at - last_event(run, "heartbeat").at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.pinger().exit_code(), 124) << run.transcript();
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, SilentFromTheStartIsStoppedOneTimeoutAfterTheWatchdogStarted) {
  FakePingerRun run(script({}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  expect_delay(the_sigterm(run).at - last_event(run, "watchdog").at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, HeartbeatsKeepThePingerAliveAndGoodbyeEndsTheWatchdogQuietlyWithFin) {
  FakePingerRun run(script({{hello(kTimeout)}, heartbeats(10, 200ms), {goodbye(), exit_with(0)}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  EXPECT_TRUE(run.events_named("sigterm").empty()) << run.transcript();
  EXPECT_EQ(last_event(run, "watchdog_ended").value, 1) << "not ended within 2 s of the goodbye";
  EXPECT_LT(*run.watchdog().ended_at() - last_event(run, "goodbye").at, 1s) << run.transcript();
  EXPECT_EQ(last_event(run, "channel_end").value, 0) << "0 is a FIN; a negative errno, a reset";
  EXPECT_EQ(run.pinger().exit_code(), 0) << run.transcript();
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(), "");
}

// ---- lazy reading: heartbeats are read about once per timeout ----

long long wakeups_between(FakePingerRun& run) {
  const std::vector<Event> counts = run.events_named("watchdog_wakeups");
  EXPECT_EQ(counts.size(), 2u) << run.transcript();
  if (counts.size() != 2 || counts[0].value < 0 || counts[1].value < 0) return -1;
  return counts[1].value - counts[0].value;
}

TEST_F(WatchdogIt, WatchdogSleepsThroughMostHeartbeats) {
  // 40 heartbeats 50 ms apart (1.95 s) with a 0.5 s timeout: a watchdog reading each one wakes
  // at least 40 times; reading them when its deadline timer fires, about 4 times (1.95 / 0.45+).
  constexpr int kHeartbeats = 40;
  FakePingerRun run(script({{hello(kTimeout), wait(100ms), report_watchdog_wakeups()},
                            heartbeats(kHeartbeats, 50ms),
                            {report_watchdog_wakeups(), goodbye(), exit_with(0)}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  const long long wakeups = wakeups_between(run);
  std::printf("watchdog wake-ups (voluntary context switches) for %d heartbeats: %lld\n", kHeartbeats, wakeups);
  EXPECT_GE(wakeups, 0) << run.transcript();
  EXPECT_LE(wakeups, kHeartbeats / 4) << run.transcript();
  // And it still supervised: no stop, a clean goodbye.
  EXPECT_TRUE(run.events_named("sigterm").empty()) << run.transcript();
  EXPECT_EQ(last_event(run, "channel_end").value, 0) << "0 is a FIN; a negative errno, a reset";
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(), "");
}

TEST_F(WatchdogIt, HeartbeatsReadLateStillCountFromWhenTheyWereSent) {
  // Heartbeats for 1 s, then silence: the watchdog reads the last ones only when its timer
  // fires, yet stops the pinger one timeout after the last one was sent, not after it read it.
  FakePingerRun run(script({{hello(kTimeout)}, heartbeats(11, 100ms)}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  expect_delay(the_sigterm(run).at - last_event(run, "heartbeat").at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, PingerEndingWithoutGoodbyeEndsTheWatchdogWithinASecond) {
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), wait(100ms), exit_with(3)}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  // The watchdog may even see the closed channel before this process sees the pinger's end.
  EXPECT_LT(*run.watchdog().ended_at() - *run.pinger().ended_at(), 1s) << run.transcript();
  EXPECT_EQ(run.pinger().exit_code(), 3);
  EXPECT_EQ(run.watchdog().exit_code(), 1) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(),
            "watchdog: better_ping (pid " + std::to_string(run.pinger().pid()) + ") ended without saying goodbye\n");
}

// ---- protocol violations ----

TEST_F(WatchdogIt, GarbageIsSilenceAndNothingAfterItCountsAsAHeartbeat) {
  // Valid heartbeats keep coming after the garbage, for three timeouts: they must not count.
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), garbage("GET / HTTP/1.0\r\n\r\n")},
                            heartbeats(15, 100ms)}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  const Event term = the_sigterm(run);
  expect_delay(term.at - run.events_named("heartbeat").front().at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.pinger().exit_code(), 124);
  EXPECT_EQ(run.watchdog_stderr(), "watchdog: protocol violation from better_ping: bad magic\n" + kExpiryLine);
}

TEST_F(WatchdogIt, HeartbeatStampedInTheFutureIsAViolationAndSilence) {
  // An hour ahead of CLOCK_MONOTONIC: honoured, it would keep the pinger alive for an hour. The
  // heartbeats after it (stamped no earlier, as a sender must) are not read any more.
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), stamped_heartbeat(1h)}, heartbeats(15, 100ms)}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  expect_delay(the_sigterm(run).at - run.events_named("heartbeat").front().at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.pinger().exit_code(), 124);
  EXPECT_EQ(run.watchdog_stderr(), "watchdog: protocol violation from better_ping: time in the future\n" + kExpiryLine);
}

TEST_F(WatchdogIt, HeartbeatStampedAMomentAgoIsFine) {
  // Stamped 0.3 s in the past (sent late, as a loaded better_ping might): it counts from then.
  FakePingerRun run(script({{hello(kTimeout), wait(400ms), stamped_heartbeat(-300ms)}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  const Event stamped = last_event(run, "stamped_heartbeat");
  expect_delay(the_sigterm(run).at - (stamped.at - 300ms), kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, HelloWithAnotherTimeoutIsAViolation) {
  FakePingerRun run(script({{hello(1s)}, heartbeats(15, 100ms)}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  expect_delay(the_sigterm(run).at - last_event(run, "watchdog").at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.watchdog_stderr(),
            "watchdog: protocol violation from better_ping: hello timeout 1 s differs from --timeout=0.5\n" +
                kExpiryLine);
}

// ---- pause, stop, continue ----

TEST_F(WatchdogIt, PauseHoldsTheDeadlineAndResumeGrantsAFullWindow) {
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), pause_frame(), wait(1200ms), report_watchdog_caps(),
                             resume_frame()}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  expect_delay(the_sigterm(run).at - last_event(run, "resume").at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(last_event(run, "watchdog_caps").value, 0) << "the watchdog holds capabilities";
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, ResumeAfterALongPauseWakesTheWatchdogAtOnce) {
  // While paused no deadline is armed and every frame wakes the watchdog: it sleeps through the
  // pause without a single wake-up, is woken by the Resume, and stops the silent pinger one
  // timeout after it. (The Pause itself it reads lazily, when its deadline timer fires.)
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), pause_frame(), wait(800ms), report_watchdog_wakeups(),
                             wait(1200ms), report_watchdog_wakeups(), resume_frame(), wait(100ms),
                             report_watchdog_wakeups()}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  const std::vector<Event> counts = run.events_named("watchdog_wakeups");
  ASSERT_EQ(counts.size(), 3u) << run.transcript();
  EXPECT_EQ(counts[1].value - counts[0].value, 0) << "woke while paused\n" << run.transcript();
  EXPECT_GE(counts[2].value - counts[1].value, 1) << "the Resume did not wake it\n" << run.transcript();
  expect_delay(the_sigterm(run).at - last_event(run, "resume").at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, StoppedPingerIsContinuedSoItCanHandleSigterm) {
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), stop_self()}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  expect_delay(the_sigterm(run).at - last_event(run, "heartbeat").at, kTimeout, kTimeout + kSlack, run);
  EXPECT_EQ(run.pinger().exit_code(), 124) << run.transcript();
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
}

TEST_F(WatchdogIt, WatchdogStoppedAndContinuedStartsAFreshWindow) {
  // Stopped for twice the timeout: without a fresh window it would act the moment it continues.
  // (The heartbeat, read before or after, carries the time it was sent: only the SIGCONT can
  // open the fresh window.)
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), wait(200ms), signal_watchdog(SIGSTOP), wait(1s),
                             signal_watchdog(SIGCONT)}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  const Event continued = last_event(run, "signalled_watchdog");
  ASSERT_EQ(continued.value, SIGCONT);
  expect_delay(the_sigterm(run).at - continued.at, kTimeout, kTimeout + kSlack, run);
}

TEST_F(WatchdogIt, SignalsFromOthersEvenDuringStartUpDoNotEndTheWatchdog) {
  // Sent at once: the signals stay blocked from the fork to the watchdog's signalfd.
  FakePingerRun run(script({{hello(kTimeout), heartbeat(), signal_watchdog(SIGINT), signal_watchdog(SIGTERM),
                             signal_watchdog(SIGHUP), signal_watchdog(SIGQUIT)},
                            heartbeats(3, 200ms),
                            {goodbye(), exit_with(0)}}));
  ASSERT_NO_FATAL_FAILURE(finish(run));
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_TRUE(run.events_named("sigterm").empty()) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(), "");
}

TEST_F(WatchdogIt, SignalsFromOthersAfterStartUpDoNotEndAWatchdogExecedWithAnEmptyMask) {
  // With an empty mask at exec there is a start-up window; 0.2 s is far past it.
  Script s = script({{hello(kTimeout), heartbeat(), wait(200ms), signal_watchdog(SIGINT), signal_watchdog(SIGTERM),
                      signal_watchdog(SIGHUP), signal_watchdog(SIGQUIT)},
                     heartbeats(3, 200ms),
                     {goodbye(), exit_with(0)}});
  s.exec_with_empty_mask = true;
  FakePingerRun run(s);
  ASSERT_NO_FATAL_FAILURE(finish(run));
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(), "");
}

// ---- escalation and process groups ----

TEST_F(WatchdogIt, PingerIgnoringSigtermGetsSigkillAfterTheGrace) {
  Script s = script({{hello(kTimeout), heartbeat()}});
  s.ignore_sigterm = true;
  FakePingerRun run(s);
  ASSERT_NO_FATAL_FAILURE(finish(run));
  const Event term = the_sigterm(run);
  EXPECT_EQ(run.pinger().term_signal(), SIGKILL) << run.transcript();
  // The grace runs from when the watchdog sent SIGTERM; the pinger notes it a little later (it
  // reads its signalfd), so the gap it sees can be short of the grace by that much.
  expect_delay(*run.pinger().ended_at() - term.at, kGrace - 5ms, kGrace + kSlack, run);
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, PingerLeadingItsGroupHasTheRestOfTheGroupTerminatedAfterIt) {
  Script s = script({{hello(kTimeout), heartbeat()}});
  s.lead_own_group = true;
  s.spawn_canary = true;
  FakePingerRun run(s);
  ASSERT_EQ(last_event(run, "pgid").value, run.pinger().pid());
  ASSERT_NO_FATAL_FAILURE(finish(run));
  EXPECT_EQ(run.pinger().exit_code(), 124) << run.transcript();
  ASSERT_TRUE(run.canary().wait_end(2s)) << "the group was not signalled\n" << run.transcript();
  run.canary().reap();
  EXPECT_EQ(run.canary().term_signal(), SIGTERM) << run.canary().describe();
  // Nobody else is left in the group once the canary has gone: the watchdog ends at once, on
  // its own, without the group SIGKILL (which would be its own too) a grace period later.
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_LT(*run.watchdog().ended_at() - *run.pinger().ended_at(), kGrace) << run.transcript();
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

TEST_F(WatchdogIt, PingerLeadingAGroupOfItsOwnLeavesNothingToKill) {
  // A systemd service: better_ping leads a group that holds only it and its watchdog.
  Script s = script({{hello(kTimeout), heartbeat()}});
  s.lead_own_group = true;
  FakePingerRun run(s);
  ASSERT_NO_FATAL_FAILURE(finish(run));
  EXPECT_EQ(run.pinger().exit_code(), 124) << run.transcript();
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_LT(*run.watchdog().ended_at() - *run.pinger().ended_at(), kGrace) << run.transcript();
}

TEST_F(WatchdogIt, GroupMemberIgnoringSigtermGetsSigkillAfterTheGraceWithTheWatchdog) {
  Script s = script({{hello(kTimeout), heartbeat()}});
  s.lead_own_group = true;
  s.spawn_canary = true;
  s.canary_ignores_sigterm = true;
  FakePingerRun run(s);
  ASSERT_NO_FATAL_FAILURE(finish(run));
  EXPECT_EQ(run.pinger().exit_code(), 124) << run.transcript();
  ASSERT_TRUE(run.canary().wait_end(2s)) << "the group was not killed\n" << run.transcript();
  run.canary().reap();
  EXPECT_EQ(run.canary().term_signal(), SIGKILL) << run.canary().describe();
  // The group's SIGKILL is the policy's last act; it ends the watchdog too, a grace period
  // after the group's SIGTERM.
  EXPECT_EQ(run.watchdog().term_signal(), SIGKILL) << run.transcript();
  EXPECT_GE(*run.watchdog().ended_at() - *run.pinger().ended_at(), kGrace - 5ms) << run.transcript();
}

TEST_F(WatchdogIt, PingerNotLeadingItsGroupIsTheOnlyProcessSignalled) {
  // The group belongs to the run's group holder, standing in for the caller (a script, sudo):
  // it must survive. (It is not this test process's group: a faulty watchdog cannot kill the
  // test itself.)
  FakePingerRun run(script({{hello(kTimeout), heartbeat()}}));
  ASSERT_EQ(last_event(run, "pgid").value, run.group_holder().pid());
  ASSERT_NO_FATAL_FAILURE(finish(run));
  EXPECT_EQ(run.pinger().exit_code(), 124) << run.transcript();
  EXPECT_EQ(run.watchdog().exit_code(), 0) << run.transcript();
  EXPECT_FALSE(run.group_holder().wait_end(kGrace + 200ms)) << "the caller's group was signalled";
  EXPECT_EQ(run.watchdog_stderr(), kExpiryLine);
}

// ---- usage ----

TEST_F(WatchdogIt, StartedByHandItSaysItIsBetterPingsHelper) {
  const DirectRun r = run_watchdog_directly({}, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "watchdog: this is an internal helper of better_ping, which starts it with inherited descriptors; "
            "it is not meant to be run by hand (missing --channel-fd or --pidfd)\n");
}

std::vector<std::string> args_with(int channel_fd, int pidfd) {
  return {"--channel-fd=" + std::to_string(channel_fd), "--pidfd=" + std::to_string(pidfd), "--timeout=0.5",
          "--target=127.0.0.1"};
}

TEST_F(WatchdogIt, DescriptorsThatAreNotWhatTheyClaimAreUsageErrors) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd pipe_read(pipe_fds[0]);
  UniqueFd pipe_write(pipe_fds[1]);
  UniqueFd unconnected(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int pair_fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair_fds), 0);
  UniqueFd connected(pair_fds[0]);
  UniqueFd other_end(pair_fds[1]);
  auto self = open_pidfd(::getpid());
  ASSERT_TRUE(self.has_value());
  const int pidfd = self->get();
  const int closed = 1000;  // nothing is open there

  struct Case {
    int channel;
    int pid;
    std::string error;
  };
  const std::vector<Case> cases{
      {closed, pidfd, "invalid --channel-fd=1000: not an open descriptor"},
      {pipe_read.get(), pidfd, "invalid --channel-fd=" + std::to_string(pipe_read.get()) + ": not a socket"},
      {unconnected.get(), pidfd,
       "invalid --channel-fd=" + std::to_string(unconnected.get()) + ": not a connected socket"},
      {connected.get(), other_end.get(), "invalid --pidfd=" + std::to_string(other_end.get()) + ": not a pidfd"},
      {connected.get(), closed, "invalid --pidfd=1000: not a pidfd"},
  };
  for (const Case& c : cases) {
    const DirectRun r = run_watchdog_directly(args_with(c.channel, c.pid), {c.channel, c.pid});
    EXPECT_EQ(r.exit_code, 2) << c.error;
    EXPECT_EQ(r.err, "watchdog: " + c.error + "\n");
  }
}

TEST_F(WatchdogIt, BadNumbersAreUsageErrors) {
  const DirectRun r = run_watchdog_directly({"--channel-fd=3", "--pidfd=4", "--timeout=0", "--target=x"}, {});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "watchdog: invalid --timeout '0': expected seconds, 0 < value <= 3600\n");
}

}  // namespace
}  // namespace bp::it
