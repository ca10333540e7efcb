#pragma once
// The watchdog's event loop: the system shell around three pure cores,
//   FrameDecoder     what better_ping says on the channel (shared/heartbeat_frame.h),
//   DeadlineTracker  when its silence has lasted too long (watchdog/deadline_tracker.h),
//   KillPolicy       whom to signal, in what order, once it has (watchdog/kill_policy.h).
//
// One ppoll() over five descriptors (and, while it stops a process group, pidfds on its
// members). The loop sleeps until one of them is ready: no sleep calls, no polling interval,
// no timeout of its own.
//
//   signalfd        SIGCONT: the watchdog was stopped and continued (Ctrl-Z ... fg): start a
//                   fresh window. SIGTERM, SIGINT, SIGHUP, SIGQUIT: ignored (see watch_signals).
//   pidfd           better_ping has terminated (the authoritative signal of its end).
//   channel         heartbeat frames; end of stream. Read lazily, see below.
//   deadline timer  timerfd, CLOCK_MONOTONIC, TFD_TIMER_ABSTIME, at DeadlineTracker::deadline():
//                   the last frame's Time + the timeout. Disarmed while paused and once the kill
//                   policy runs. It only wakes the loop: expiry is decided by the tracker.
//   grace timer     timerfd for the kill policy's grace periods.
//
// Lazy reading. Every frame but the Hello carries better_ping's CLOCK_MONOTONIC time of the
// event (shared/heartbeat_frame.h), and the tracker is fed that Time, not the time the frame
// was read. So the watchdog need not wake for each heartbeat: while better_ping is supervised
// normally (Hello accepted, not paused, no kill policy) the channel's SO_RCVLOWAT is 16 KiB
// (512 frames). Since Linux 4.18 TCP does not wake a reader, nor report it readable to poll,
// below that mark; end of stream and errors still wake it. Heartbeats then pile up in the
// socket, and the deadline timer wakes the loop about once per timeout while replies flow
// (each wake-up re-arms it at the newest heartbeat's Time + timeout), or 512 frames do.
// The mark is 1 byte (every frame wakes the loop) before the Hello, while paused (no deadline
// is armed then, and a Resume must be seen at once) and while the kill policy runs.
// setsockopt is called only when that mode changes.
//
// Each turn, whatever woke it:
//   1. reads CLOCK_MONOTONIC, handles signals (a SIGCONT re-arms before a stale expiry could be
//      acted on) and notes the pidfd;
//   2. drains the channel: recv(MSG_DONTWAIT) until EAGAIN (it returns what is queued even below
//      the low-water mark), at most 64 reads of 4 KiB; the clock is read again after each read.
//      Frames go through the FrameDecoder: Hello (its timeout must equal --timeout, its pid the
//      pidfd's), Heartbeat, Pause, Resume, Goodbye. A frame whose Time is later than the clock
//      reading taken after its read is a violation (CLOCK_MONOTONIC is one clock for the whole
//      system: better_ping cannot honestly have read a later time before sending it);
//   3. decides, only now that every frame sent so far is in (systemd's "idle priority" for the
//      watchdog source), with the last clock reading: better_ping gone -> end; else silence
//      expired -> log one line, start the KillPolicy; else re-arm the deadline timer if the
//      deadline moved. While the policy runs, pinger exit and grace expiry drive it, and in
//      its group phase so does the group emptying: who is left in it is read from /proc and
//      watched through pidfds (beyond the five descriptors), and once nobody but the watchdog
//      is, the policy ends without the group SIGKILL (its own too). If the
//      channel was not drained within the bound, nothing is judged and the next turn does not
//      sleep;
//   4. switches the read mode (SO_RCVLOWAT) if it has to.
//
// A protocol violation is logged once; the channel is no longer read (nothing after it can count
// as a heartbeat) and the deadline keeps running. Once the policy runs, frames are read and
// ignored. Before returning, pending bytes are read so the connection closes with FIN rather
// than RST.

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
  UniqueFd output_pipe;    // better_ping's stdout pipe (a write end, never written), or invalid
                           // (detach_stdout)
};

// Runs until better_ping has ended or has been stopped. `signals` is the descriptor from
// watch_signals().
WatchdogOutcome run_watchdog(WatchdogSession session, const SignalFd& signals);

}  // namespace bp
