#include "watchdog/watchdog_messages.h"

#include <gtest/gtest.h>

namespace bp {
namespace {

using namespace std::chrono_literals;

TEST(WatchdogMessages, ExpiryLineShowsTheSilenceInTenthsOfASecond) {
  EXPECT_EQ(expiry_message("127.0.0.1", 10s), "watchdog: no reply from 127.0.0.1 for 10.0 s, stopping better_ping");
  EXPECT_EQ(expiry_message("localhost", 500ms), "watchdog: no reply from localhost for 0.5 s, stopping better_ping");
  EXPECT_EQ(expiry_message("2001:db8::2", 3600s),
            "watchdog: no reply from 2001:db8::2 for 3600.0 s, stopping better_ping");
}

TEST(WatchdogMessages, ExpiryLineCutsRatherThanRoundsSoALateTimerStillReadsAsTheTimeout) {
  EXPECT_EQ(expiry_message("127.0.0.1", 10s + 99ms), "watchdog: no reply from 127.0.0.1 for 10.0 s, stopping better_ping");
  EXPECT_EQ(expiry_message("127.0.0.1", 10s + 100ms), "watchdog: no reply from 127.0.0.1 for 10.1 s, stopping better_ping");
  EXPECT_EQ(expiry_message("127.0.0.1", 99ms), "watchdog: no reply from 127.0.0.1 for 0.0 s, stopping better_ping");
  EXPECT_EQ(expiry_message("127.0.0.1", -1s), "watchdog: no reply from 127.0.0.1 for 0.0 s, stopping better_ping");
}

TEST(WatchdogMessages, ViolationLineNamesWhatWasWrong) {
  EXPECT_EQ(violation_message("bad magic"), "watchdog: protocol violation from better_ping: bad magic");
  EXPECT_EQ(violation_message(hello_timeout_mismatch(1s, 500ms)),
            "watchdog: protocol violation from better_ping: hello timeout 1 s differs from --timeout=0.5");
  EXPECT_EQ(violation_message(hello_pid_mismatch(12, 34)),
            "watchdog: protocol violation from better_ping: hello pid 12 is not the pidfd's process 34");
}

TEST(WatchdogMessages, VanishedLineNamesThePidWhenKnown) {
  EXPECT_EQ(vanished_message(4242), "watchdog: better_ping (pid 4242) ended without saying goodbye");
  EXPECT_EQ(vanished_message(-1), "watchdog: better_ping ended without saying goodbye");
  EXPECT_EQ(vanished_message(0), "watchdog: better_ping ended without saying goodbye");
}

}  // namespace
}  // namespace bp
