#pragma once
// Signals as readable events: the listed signals are blocked and delivered through a signalfd
// that sits in the poll set next to the sockets, so no handler and no global flag is needed.

#include <signal.h>
#include <sys/signalfd.h>

#include <initializer_list>
#include <optional>

#include "shared/expected.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"

namespace bp {

using SignalHandler = void (*)(int);

// sigaction() with a plain handler (SIG_DFL, SIG_IGN or a function), an empty mask and no flags.
// `previous`, when given, receives the handler it replaced.
std::optional<SysError> set_disposition(int signal, SignalHandler handler,
                                        SignalHandler* previous = nullptr);

class SignalFd {
 public:
  // Blocks `signals` in the calling thread and opens a non-blocking, close-on-exec signalfd.
  static Expected<SignalFd, SysError> open(std::initializer_list<int> signals);

  int fd() const { return fd_.get(); }
  // The next pending signal, or nothing when none is pending.
  std::optional<signalfd_siginfo> read_one() const;
  // The mask this object blocked; a child about to exec unblocks it (masks survive exec).
  const sigset_t& mask() const { return mask_; }

 private:
  SignalFd(UniqueFd fd, sigset_t mask) : fd_(std::move(fd)), mask_(mask) {}
  UniqueFd fd_;
  sigset_t mask_;
};

}  // namespace bp
