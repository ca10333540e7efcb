#pragma once
// The watchdog's event loop: the system shell around three pure cores,
//   FrameDecoder     what better_ping says on the channel (shared/heartbeat_frame.h),
//   DeadlineTracker  when its silence has lasted too long (watchdog/deadline_tracker.h),
//   KillPolicy       whom to signal, in what order, once it has (watchdog/kill_policy.h).
//
// One ppoll() over five descriptors. The loop sleeps until one of them is ready: no sleep
// calls, no polling interval, no timeout of its own.
//
//   signalfd        SIGCONT: the watchdog was stopped and continued (Ctrl-Z ... fg): start a
//                   fresh window. SIGTERM, SIGINT, SIGHUP, SIGQUIT: ignored (see watch_signals).
//   pidfd           better_ping has terminated (the authoritative signal of its end).
//   channel         heartbeat frames; end of stream.
//   deadline timer  timerfd, CLOCK_MONOTONIC, TFD_TIMER_ABSTIME, at DeadlineTracker::deadline();
//                   disarmed while paused and once the kill policy runs. It only wakes the loop:
//                   expiry is decided by the tracker with the turn's clock reading.
//   grace timer     timerfd for the kill policy's grace periods.
//
// Each turn reads CLOCK_MONOTONIC once, then, in this order:
//   1. signals (a SIGCONT re-arms before a stale expiry could be acted on);
//   2. the pidfd;
//   3. every pending channel byte through the FrameDecoder: Hello (its timeout must equal
//      --timeout, its pid the pidfd's), Heartbeat, Pause, Resume, Goodbye;
//   4. decisions, only now that every frame is in (systemd's "idle priority" for the watchdog
//      source): better_ping gone -> end; else silence expired -> log one line, start the
//      KillPolicy; while it runs, pinger exit and grace expiry drive it.
//
// A protocol violation is logged once; the channel is no longer read (nothing after it can count
// as a heartbeat) and the deadline keeps running. Once the policy runs, frames are ignored.
// Before returning, pending bytes are read so the connection closes with FIN rather than RST.

#include <sys/types.h>

#include <chrono>
#include <string>

#include "shared/signals.h"
#include "shared/unique_fd.h"
#include "watchdog/deadline_tracker.h"
#include "watchdog/kill_policy.h"

namespace bp {

enum class WatchdogOutcome {
  kGoodbye,         // better_ping said goodbye, then closed the channel or exited: quiet
  kPingerStopped,   // silence: the kill policy ran to its end
  kPingerVanished,  // better_ping ended, or closed the channel, without a goodbye: logged
  kFailed,          // a system call failed: logged
};

struct WatchdogSession {
  UniqueFd channel;        // connected stream socket, our end of the heartbeat channel
  UniqueFd pinger;         // pidfd of better_ping
  pid_t pinger_pid = 0;    // the pidfd's pid (<= 0: unknown or gone)
  std::chrono::nanoseconds timeout{0};
  KillConfig kill;         // first signal, grace, whether the group may be signalled at all
  std::string target;      // for the log line
  MonoTime start;          // the watchdog's start: the first window runs from here
  UniqueFd output_reader;  // read end of better_ping's stdout pipe, or invalid (detach_stdout)
};

// Runs until better_ping has ended or has been stopped. `signals` is the descriptor from
// watch_signals().
WatchdogOutcome run_watchdog(WatchdogSession session, const SignalFd& signals);

}  // namespace bp
