#pragma once
// The watchdog's silence deadline, as a pure value: it never reads a clock. The caller reads
// CLOCK_MONOTONIC once per loop turn and hands the time in.
//
//   start ----- heartbeat ----- heartbeat ------------------- deadline
//                                   |<------ timeout -------->|
//
// - Before the first heartbeat the deadline runs from start-up: start + timeout.
// - Each heartbeat restarts the window: deadline = now + timeout.
// - While paused (better_ping stopped by Ctrl-Z) it never expires and has no deadline.
// - resume(now) starts a full fresh window from now, paused or not: it is also how the watchdog
//   re-arms on its own SIGCONT, so "Ctrl-Z, long wait, fg" does not stop better_ping at once.
// - A heartbeat while paused ends the pause too: a program that reports replies is running,
//   and a lost Resume must not leave better_ping unsupervised.
// - Expiry boundary: expired(deadline - 1 ns) is false, expired(deadline) is true.
//
// Time that goes backwards (it should not on CLOCK_MONOTONIC, but the class does not trust its
// callers) is clamped: every call treats `now` as max(now, latest time given to any mutator), so
// the deadline never moves backwards and nothing overflows or asserts. Deadlines saturate at the
// largest representable time instead of overflowing.

#include <chrono>
#include <optional>

#include "shared/mono_time.h"

namespace bp {


class DeadlineTracker {
 public:
  // A timeout below 1 ns is raised to 1 ns (option parsing rejects such values before this).
  DeadlineTracker(std::chrono::nanoseconds timeout, MonoTime start);

  void on_heartbeat(MonoTime now);
  void pause(MonoTime now);
  void resume(MonoTime now);

  bool paused() const { return paused_; }
  bool expired(MonoTime now) const;
  // Time left before expiry, zero once expired. While paused: the full timeout, since that is
  // what a resume would grant.
  std::chrono::nanoseconds remaining(MonoTime now) const;
  // The absolute expiry time, for a TFD_TIMER_ABSTIME timerfd; nothing while paused (disarm).
  std::optional<MonoTime> deadline() const;

  std::chrono::nanoseconds timeout() const { return timeout_; }
  // The last heartbeat; nothing before the first one.
  std::optional<MonoTime> last_heartbeat() const { return last_heartbeat_; }
  // Where the current window began: the last heartbeat, the last resume, or start-up,
  // whichever is latest.
  MonoTime window_start() const { return window_start_; }
  // How long better_ping has been silent, for "no reply from HOST for 10.0 s": now minus
  // window_start(). A stop between the last heartbeat and a resume does not count as silence.
  std::chrono::nanoseconds silence(MonoTime now) const;

 private:
  MonoTime clamp(MonoTime now) const;
  void advance(MonoTime now);
  void start_window(MonoTime at);

  std::chrono::nanoseconds timeout_;
  MonoTime latest_;
  MonoTime window_start_;
  MonoTime deadline_;
  std::optional<MonoTime> last_heartbeat_;
  bool paused_ = false;
};

}  // namespace bp
