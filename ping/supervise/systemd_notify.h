#pragma once
// Talking to systemd when run as a Type=notify service: READY=1 once set up, WATCHDOG=1 from the
// main loop when WatchdogSec= is set (so systemd catches a hung loop as well as our own watchdog
// catches a silent target), STATUS= with the last RTT and the loss, STOPPING=1 at the end.
//
// libsystemd's sd_notify() and sd_watchdog_enabled() are used, but libsystemd is loaded with
// dlopen() only when $NOTIFY_SOCKET is set: linked normally it would add about a megabyte of
// resident memory (it pulls in compression and crypto libraries) to every interactive ping.
// Without $NOTIFY_SOCKET nothing happens at all.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace bp {

class SystemdNotifier {
 public:
  // Nothing when not started by systemd with a notification socket, or when libsystemd cannot
  // be loaded (then the service manager times out waiting for READY, which is visible).
  static std::optional<SystemdNotifier> from_environment();

  // WatchdogSec= halved (systemd's advice: ping at least twice per period); nothing if unset.
  std::optional<std::chrono::nanoseconds> keepalive_interval() const { return keepalive_; }

  void ready(const std::string& status) const;
  void status(const std::string& status) const;
  void keepalive() const;
  void stopping() const;
  void reloading() const;  // RELOADING=1; ready() again when done

 private:
  using NotifyFn = int (*)(int, const char*);
  SystemdNotifier(NotifyFn notify, std::optional<std::chrono::nanoseconds> keepalive)
      : notify_(notify), keepalive_(keepalive) {}
  void send(const std::string& message) const;

  NotifyFn notify_;
  std::optional<std::chrono::nanoseconds> keepalive_;
};

}  // namespace bp
