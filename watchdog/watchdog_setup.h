#pragma once
// Start-up checks of the watchdog process, before its loop runs: signal disposition, no
// capabilities, and the two inherited descriptors really being what --channel-fd and --pidfd
// claim. Error texts are one line without the "watchdog: " prefix.

#include <sys/types.h>

#include <optional>
#include <string>

#include "shared/expected.h"
#include "shared/signals.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"
#include "watchdog/watchdog_options.h"

namespace bp {

// Sets the signal mask (atomically) to exactly what the loop reads from the returned signalfd: SIGTERM,
// SIGINT, SIGHUP and SIGQUIT (never fatal: they reach the whole group, better_ping handles
// them and says goodbye; group signals the watchdog sends itself land here too) and SIGCONT
// (a fresh window). Everything else is unblocked, so SIGTSTP stops the watchdog with its job.
// better_ping's child should exec the watchdog with SIGTERM, SIGINT, SIGHUP and SIGQUIT still
// blocked (and nothing else): then a Ctrl-C during start-up stays pending instead of killing it.
// SIGCONT gets its default disposition back (an inherited SIG_IGN would hide it), SIGPIPE is
// ignored.
Expected<SignalFd, SysError> watch_signals();

// The watchdog needs no privilege. If /proc/self/status shows any capability (started by root,
// or by a better_ping that kept some), drops them all and checks again.
std::optional<std::string> ensure_no_capabilities();

struct InheritedDescriptors {
  UniqueFd channel;   // a connected stream socket
  UniqueFd pinger;    // a pidfd of better_ping
  pid_t pinger_pid = 0;  // its pid; -1 if it has already terminated and been reaped
};

// Checks --channel-fd (open, a socket, SOCK_STREAM, connected) and --pidfd (a pidfd), then
// takes ownership of both. E.g. "invalid --channel-fd=5: not a socket".
Expected<InheritedDescriptors, std::string> adopt_descriptors(const WatchdogOptions& options);

// The watchdog writes only to stderr, so it points the stdout it inherited from better_ping at
// /dev/null. When that stdout is a pipe (`better_ping HOST | tee log`), a copy of it (a write end,
// close-on-exec) is returned, never written to: wait_for_reader() only asks how much the reader
// has not taken yet (FIONREAD works on either end of a pipe). Never a read end: one held here
// would keep the pipe open for better_ping's writes after its real reader has gone, and
// `better_ping HOST | head -3` would never end. The reader sees end-of-file once better_ping and
// the watchdog have both let go: the watchdog ends right after better_ping, and when it stops a
// process group it lets go before signalling the group (wait_for_reader).
UniqueFd detach_stdout();

// Before the group is signalled: waits, at most `bound`, until the reader of the pipe has
// taken everything (better_ping's summary), so that it is not killed with the summary still in
// the pipe, then lets go of the pipe so the reader sees end-of-file and can end on its own.
// Checks every 5 ms; returns at once for an invalid descriptor.
void wait_for_reader(UniqueFd& pipe, std::chrono::milliseconds bound);

}  // namespace bp
