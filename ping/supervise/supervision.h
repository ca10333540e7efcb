#pragma once
// Everything that watches better_ping's loop from outside, as one PingObserver: the watchdog
// link (heartbeats, channel, job control) and, under systemd, the service manager (keep-alive
// and status).

#include <optional>
#include <string>

#include "ping/app/ping_loop.h"
#include "ping/output/service_status.h"
#include "ping/supervise/watchdog_link.h"
#include "ping/supervise/systemd_notify.h"

namespace bp {

class Supervision final : public PingObserver {
 public:
  // `end_on_closed_output`: see PingObserver (better_ping then dies of SIGPIPE, as iputils).
  Supervision(WatchdogLink& link, std::optional<SystemdNotifier> systemd, std::string target,
              bool end_on_closed_output);

  void on_valid_reply(std::uint16_t sequence, Duration rtt, MonoTime at) override;
  std::optional<int> on_other_signal(const CaughtSignal& info) override {
    return link_.on_other_signal(info);
  }
  std::optional<MonoTime> next_tick() const override { return next_tick_; }
  void on_tick(MonoTime now, const LoopProgress& progress) override;
  // Final STATUS= and STOPPING=1.
  void on_finish(const LoopProgress& progress) override;
  bool end_on_closed_output() const override { return end_on_closed_output_; }

  // Tells systemd the service is up (a no-op without systemd). Call before the loop starts.
  void ready(MonoTime now);

 private:
  static constexpr Duration kStatusEvery = std::chrono::seconds(1);

  WatchdogLink& link_;
  std::optional<SystemdNotifier> systemd_;
  std::string target_;
  std::optional<MonoTime> next_tick_;  // only under systemd
  bool end_on_closed_output_;
};

}  // namespace bp
