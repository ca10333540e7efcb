#include "watchdog/watchdog_messages.h"

#include "watchdog/watchdog_options.h"

namespace bp {

std::string expiry_message(std::string_view target, std::chrono::nanoseconds silence) {
  const auto tenths = std::chrono::duration_cast<std::chrono::duration<long long, std::deci>>(silence).count();
  const long long shown = tenths < 0 ? 0 : tenths;
  return "watchdog: no reply from " + std::string(target) + " for " + std::to_string(shown / 10) + "." +
         std::to_string(shown % 10) + " s, stopping better_ping";
}

std::string violation_message(std::string_view what) {
  return "watchdog: protocol violation from better_ping: " + std::string(what);
}

std::string hello_timeout_mismatch(std::chrono::nanoseconds hello, std::chrono::nanoseconds expected) {
  return "hello timeout " + format_seconds(hello) + " s differs from --timeout=" + format_seconds(expected);
}

std::string hello_pid_mismatch(pid_t hello_pid, pid_t pidfd_pid) {
  return "hello pid " + std::to_string(hello_pid) + " is not the pidfd's process " + std::to_string(pidfd_pid);
}

std::string vanished_message(pid_t pinger_pid) {
  const std::string who = pinger_pid > 0 ? "better_ping (pid " + std::to_string(pinger_pid) + ")" : "better_ping";
  return "watchdog: " + who + " ended without saying goodbye";
}

}  // namespace bp
