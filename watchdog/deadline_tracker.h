#pragma once
// The watchdog's silence deadline, as a pure value: it never reads a clock. It is handed the
// time of each event, on CLOCK_MONOTONIC:
//   - for a Heartbeat, Pause or Resume frame: the frame's own Time, when better_ping produced it
//     (shared/heartbeat_frame.h), however much later the watchdog reads it. The watchdog leaves
//     heartbeats in its socket and reads them about once per window, so the time it reads
//     them says nothing about when better_ping last heard a reply;
//   - for the watchdog's own SIGCONT: its own clock reading;
//   - for expired(), remaining() and silence(): the watchdog's clock reading of that turn.
//
//   start ----- heartbeat ----- heartbeat ------------------- deadline
//                                   |<------ timeout -------->|
//
// - Before the first heartbeat the deadline runs from start-up: start + timeout.
// - Each heartbeat restarts the window at its time: deadline = at + timeout.
// - While paused (better_ping stopped by Ctrl-Z) it never expires and has no deadline.
// - resume(at) starts a full fresh window from `at`, paused or not: it is also how the watchdog
//   re-arms on its own SIGCONT, so "Ctrl-Z, long wait, fg" does not stop better_ping at once.
// - A heartbeat while paused ends the pause too: a program that reports replies is running,
//   and a lost Resume must not leave better_ping unsupervised.
// - Expiry boundary: expired(deadline - 1 ns) is false, expired(deadline) is true.
//
// Time that goes backwards is clamped: every call treats its time as max(time, latest time given
// to any mutator), so the deadline never moves backwards and nothing overflows or asserts.
// Frame Times never decrease (the decoder enforces it), but they can be older than the
// watchdog's own SIGCONT reading (frames sent before it, read after it) or than its start (a
// reply that came before the watchdog had started): such a time counts as that later time.
// Deadlines saturate at the largest representable time instead of overflowing.

#include <chrono>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

class DeadlineTracker {
 public:
  // A timeout below 1 ns is raised to 1 ns (option parsing rejects such values before this).
  DeadlineTracker(std::chrono::nanoseconds timeout, MonoTime start);

  // `at`: when it happened (see above).
  void on_heartbeat(MonoTime at);
  void pause(MonoTime at);
  void resume(MonoTime at);

  bool paused() const { return paused_; }
  bool expired(MonoTime now) const;
  // Time left before expiry, zero once expired. While paused: the full timeout, since that is
  // what a resume would grant.
  std::chrono::nanoseconds remaining(MonoTime now) const;
  // The absolute expiry time, for a TFD_TIMER_ABSTIME timerfd; nothing while paused (disarm).
  std::optional<MonoTime> deadline() const;

  std::chrono::nanoseconds timeout() const { return timeout_; }
  // The (clamped) time of the last heartbeat; nothing before the first one.
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
