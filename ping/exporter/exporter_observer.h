#pragma once
// The exporter's side of systemd (Type=notify, WatchdogSec=): READY=1 once /metrics is served,
// WATCHDOG=1 from the probe loop itself (so a hung loop is caught, not only a dead process),
// STATUS= with the targets and the listening address, RELOADING=1 and READY=1 around a reload,
// STOPPING=1 at the end. Without $NOTIFY_SOCKET it does nothing.

#include <optional>
#include <string>

#include "ping/app/ping_loop.h"
#include "ping/supervise/systemd_notify.h"

namespace bp {

class ExporterObserver final : public PingObserver {
 public:
  explicit ExporterObserver(std::optional<SystemdNotifier> systemd) : systemd_(std::move(systemd)) {}

  void ready(const std::string& status);
  void reloading();
  void stopping();

  void on_valid_reply(std::uint16_t, Duration, MonoTime) override {}
  std::optional<MonoTime> next_tick() const override { return next_tick_; }
  void on_tick(MonoTime now, const LoopProgress& progress) override;

 private:
  std::optional<SystemdNotifier> systemd_;
  std::optional<MonoTime> next_tick_;
};

}  // namespace bp
