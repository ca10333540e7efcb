#pragma once
// better_ping's side of the supervision: starts the watchdog (fork + exec, handing it one end of
// a private loopback TCP connection and a pidfd on better_ping), tells it about every valid
// echo reply, and notices when it goes away. Supervision (ping/supervise/supervision.h), the loop's
// PingObserver, hands it the replies and signals.
//
// Frames follow shared/heartbeat_frame.h: Hello first, a Heartbeat per valid reply, Pause and
// Resume around Ctrl-Z (SIGTSTP / SIGCONT), Goodbye when better_ping ends on purpose. Each but
// the Hello carries its CLOCK_MONOTONIC time: a Heartbeat the loop's reading at which it read
// the reply, the others a reading taken as they are sent (the encoder keeps them in order). The
// watchdog judges silence by these times, so it can leave heartbeats unread for a while.
// The channel is not in the loop's poll set: it raises SIGIO (O_ASYNC) when it breaks, and the
// watchdog's exit raises SIGCHLD; the loop hands both to on_other_signal.
// Writes never block the ping loop: frames that do not fit in the socket buffer wait in a small
// queue, and when even that is full (the watchdog is not reading) new heartbeats are dropped
// whole, so the stream stays well-formed.

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "shared/expected.h"
#include "shared/heartbeat_frame.h"
#include "shared/mono_time.h"
#include "ping/app/signal_catcher.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"

namespace bp {

// Exit codes of better_ping beyond ping's 0/1/2.
inline constexpr int kExitStoppedByWatchdog = 124;
inline constexpr int kExitWatchdogFailed = 125;

struct WatchdogLaunch {
  std::string program;  // for messages: "better_ping"
  std::string target;   // as printed, for the watchdog's log line
  std::chrono::nanoseconds timeout;
};

class WatchdogLink {
 public:
  // Finds the watchdog binary (next to our own executable, else the installed libexec path;
  // never the current directory or $PATH), starts it and sends Hello. The error is one line.
  static Expected<WatchdogLink, std::string> start(const WatchdogLaunch& launch);

  WatchdogLink(WatchdogLink&&) = default;
  ~WatchdogLink();

  pid_t pid() const { return pid_; }
  // Whether a signal was sent by our watchdog (it stops us with SIGTERM).
  bool sent_by_watchdog(const CaughtSignal& signal) const { return signal.sender_pid == pid_; }

  void on_valid_reply(std::uint16_t sequence, Duration rtt, MonoTime at);
  // SIGCHLD: the watchdog ended; SIGIO: the channel broke (or has room again); SIGTSTP and
  // SIGCONT: Pause and Resume.
  std::optional<int> on_other_signal(const CaughtSignal& signal);

  // Normal end: Goodbye, close our sending side, wait (bounded) for the watchdog and reap it.
  void finish();
  // Stopped by the watchdog: close the channel and leave; it is busy stopping us and our group.
  void abandon();

 private:
  WatchdogLink(std::string program, pid_t pid, UniqueFd channel, UniqueFd child_pidfd)
      : program_(std::move(program)), pid_(pid), channel_(std::move(channel)),
        child_pidfd_(std::move(child_pidfd)) {}
  void send_frame(const FrameBody& body);
  // O_ASYNC on the channel: SIGIO once it closes or resets, so the loop need not poll it.
  std::optional<SysError> signal_on_channel_events() const;
  // The channel raised SIGIO: a closed or reset connection means the watchdog is gone.
  std::optional<int> on_channel_signal();
  bool flush_pending();
  // It died or left: reap it, say how it ended, and end the run with 125.
  std::optional<int> watchdog_gone();
  // Waits for the watchdog to exit (SIGKILL after `wait`), reaps it, returns its wait status.
  int reap(std::chrono::milliseconds wait);
  void stop_for_job_control();

  std::string program_;
  pid_t pid_ = -1;
  UniqueFd channel_;
  UniqueFd child_pidfd_;  // to wait for the watchdog's exit with a bound
  FrameEncoder encoder_;
  std::string pending_;   // bytes the socket did not take yet
  bool reaped_ = false;
  int status_ = 0;  // its wait status, once reaped
};

}  // namespace bp
