#pragma once
// Signals as events for a loop that sleeps in a blocking receive on one socket (the pinger).
//
// Why not a signalfd in a poll set (shared/signals.h, which the watchdog uses): the pinger sleeps
// once per probe, cache-cold at a 1 s interval, and on the machines we measure (bench/) waking
// from ppoll() on a high-resolution timer costs markedly more than waking from a blocking
// recvmsg() with a socket timeout (SO_RCVTIMEO), which is also one call where poll + read are
// two. A blocking receive cannot wait on a signalfd, so the signals get handlers instead:
//   - the handler records the signal (number, sender) for take();
//   - the signal interrupts a receive in progress (no SA_RESTART: it fails with EINTR);
//   - a signal that lands after the loop checked pending() but before it entered the receive
//     would otherwise wait for the receive's timeout; so the handler also cuts the watched
//     socket's receive timeout to the minimum, and that receive returns within a clock tick.
//     take_timeout_cut() tells the loop to set its own timeout again.
//
//   auto catcher = SignalCatcher::install({SIGINT, SIGTERM});
//   catcher.watch_receiver(socket_fd);
//   set SO_RCVTIMEO; if (!catcher.pending()) recvmsg(socket_fd, ...);   // EINTR: a signal
//   while (auto s = catcher.take()) handle(*s);                             // arrival order
//
// The signals stay unblocked in the thread that installs the catcher and must be blocked in
// every other thread (start them through with_signals_blocked()), so that the handler interrupts the loop's
// receive. One catcher per process (the handler reaches only process-wide storage): a second
// install() fails with EBUSY. exec resets the handlers, so programs we start are unaffected.

#include <signal.h>
#include <sys/types.h>

#include <initializer_list>
#include <optional>

#include "shared/expected.h"
#include "shared/sys_error.h"

namespace bp {

// What the loop needs to know of a signal: which, and who sent it (the watchdog's SIGTERM is
// told from the user's by its sender).
struct CaughtSignal {
  int signo = 0;
  pid_t sender_pid = 0;
  uid_t sender_uid = 0;
  int code = 0;  // si_code: SI_USER, SI_KERNEL, CLD_EXITED, POLL_HUP, ...
};

class SignalCatcher {
 public:
  // Installs the recording handler for `signals` and unblocks them in the calling thread.
  static Expected<SignalCatcher, SysError> install(std::initializer_list<int> signals);

  SignalCatcher(SignalCatcher&& other) noexcept;
  SignalCatcher& operator=(SignalCatcher&&) = delete;
  SignalCatcher(const SignalCatcher&) = delete;
  ~SignalCatcher();  // restores the previous handlers

  // The socket whose receive timeout the handler cuts (-1: none).
  void watch_receiver(int fd);
  // Some signal was recorded and not taken yet.
  bool pending() const;
  // The signals it catches (for a loop that waits in ppoll() with them unblocked).
  const sigset_t& mask() const { return mask_; }
  // Whether a handler cut the watched socket's receive timeout since the last call.
  bool take_timeout_cut();
  // The earliest recorded signal not taken yet. A signal that arrives again before it is taken
  // is recorded once (standard signals do not queue), at its latest arrival and with its latest
  // sender: the loop then acts last on what happened last (Ctrl-Z, fg, Ctrl-Z ends stopped).
  std::optional<CaughtSignal> take();

 private:
  explicit SignalCatcher(sigset_t mask) : mask_(mask) {}
  sigset_t mask_;
  bool owner_ = true;
};

// SIGPIPE ignored from now on, so that a write to a pipe whose reader has gone fails with EPIPE
// instead of killing the process on the spot. Returns whether it had its default action before,
// i.e. whether whoever started us expects a program to die of it (a shell does; systemd ignores
// it for services).
bool ignore_broken_pipe_signal();

// Ends the process by `signal` with its default action, as if it had never been caught, ignored
// or blocked: its parent sees it killed by that signal (a shell: status 128 + signal). Returns
// only if the signal did not end it.
void die_of_signal(int signal);

// Runs `start` (which starts threads) with every signal blocked, so that the new threads never
// take a signal meant to interrupt the loop; the caller's mask is restored afterwards.
template <typename Start>
auto with_signals_blocked(Start&& start) {
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  struct Restore {
    sigset_t mask;
    ~Restore() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } restore{previous};
  return start();
}

}  // namespace bp
