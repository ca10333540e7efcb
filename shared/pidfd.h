#pragma once
// pidfds: file descriptors that name one process for good (Linux >= 5.3). Unlike a pid number,
// a pidfd cannot be recycled: signalling through it after the process is gone fails with ESRCH
// instead of hitting a stranger, and the descriptor becomes readable (POLLIN) when the process
// terminates, so it sits in a poll set like a socket.
//
// better_ping opens one on itself before forking its watchdog, which inherits it; the watchdog
// watches it and signals through it. The calls go through syscall() so nothing depends on the
// C library's wrappers.

#include <sys/types.h>

#include <optional>

#include "shared/expected.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"

namespace bp {

// pidfd_open(pid, 0). The descriptor is close-on-exec, as every pidfd is; to hand it to an
// exec'd child, clear FD_CLOEXEC in the child.
Expected<UniqueFd, SysError> open_pidfd(pid_t pid);

// pidfd_send_signal(pidfd, signal, NULL, 0): like kill(pid, signal) with the sender's pid as
// si_pid. Empty on success; ESRCH means the process has terminated.
std::optional<SysError> pidfd_send(int pidfd, int signal);

// What /proc/self/fdinfo/FD says about fd:
//   nothing  - fd is not an open pidfd;
//   a pid    - the process it refers to, as seen in our pid namespace; -1 once that process
//              has terminated and been reaped, 0 if it is outside our pid namespace.
std::optional<pid_t> pidfd_target(int fd);

}  // namespace bp
