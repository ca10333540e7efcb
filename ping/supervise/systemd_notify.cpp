#include "ping/supervise/systemd_notify.h"

#include <dlfcn.h>
#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

namespace bp {

std::optional<SystemdNotifier> SystemdNotifier::from_environment() {
  if (std::getenv("NOTIFY_SOCKET") == nullptr) return std::nullopt;
  // Never closed: the notifier lives as long as the process.
  void* lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) return std::nullopt;
  auto notify = reinterpret_cast<decltype(&sd_notify)>(dlsym(lib, "sd_notify"));
  auto watchdog_enabled =
      reinterpret_cast<decltype(&sd_watchdog_enabled)>(dlsym(lib, "sd_watchdog_enabled"));
  if (notify == nullptr || watchdog_enabled == nullptr) return std::nullopt;
  std::optional<std::chrono::nanoseconds> keepalive;
  std::uint64_t usec = 0;
  // unset_environment = 1: the forked watchdog must not think the keep-alive is its job.
  if (watchdog_enabled(1, &usec) > 0 && usec > 0) {
    keepalive = std::chrono::microseconds(usec / 2);
  }
  return SystemdNotifier(notify, keepalive);
}

void SystemdNotifier::send(const std::string& message) const { notify_(0, message.c_str()); }

void SystemdNotifier::ready(const std::string& status) const { send("READY=1\nSTATUS=" + status); }

void SystemdNotifier::status(const std::string& status) const { send("STATUS=" + status); }

void SystemdNotifier::keepalive() const { send("WATCHDOG=1"); }
void SystemdNotifier::reloading() const { send("RELOADING=1"); }

void SystemdNotifier::stopping() const { send("STOPPING=1"); }

}  // namespace bp
