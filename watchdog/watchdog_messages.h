#pragma once
// The watchdog's log lines, as pure functions so their exact text is unit-tested. Each returns
// one line without the trailing newline; the loop writes it to stderr.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>

namespace bp {

// "watchdog: no reply from 127.0.0.1 for 10.0 s, stopping better_ping". The silence is cut
// (not rounded) to a tenth of a second, so a 10 s timeout that fires a few ms late still reads
// "10.0 s", and the number is never below the timeout it reports.
std::string expiry_message(std::string_view target, std::chrono::nanoseconds silence);

// "watchdog: protocol violation from better_ping: bad magic"
std::string violation_message(std::string_view what);

// What is wrong with a well-formed Hello, for violation_message().
//   "hello timeout 1 s differs from --timeout=0.5"
std::string hello_timeout_mismatch(std::chrono::nanoseconds hello, std::chrono::nanoseconds expected);
//   "hello pid 12 is not the pidfd's process 34"
std::string hello_pid_mismatch(pid_t hello_pid, pid_t pidfd_pid);

// "watchdog: better_ping (pid 1234) ended without saying goodbye"; without a known pid (0 or
// less): "watchdog: better_ping ended without saying goodbye".
std::string vanished_message(pid_t pinger_pid);

}  // namespace bp
