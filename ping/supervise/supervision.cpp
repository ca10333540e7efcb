#include "ping/supervise/supervision.h"


namespace bp {

Supervision::Supervision(WatchdogLink& link, std::optional<SystemdNotifier> systemd,
                         std::string target, bool end_on_closed_output)
    : link_(link), systemd_(std::move(systemd)), target_(std::move(target)),
      end_on_closed_output_(end_on_closed_output) {}

void Supervision::on_valid_reply(std::uint16_t sequence, Duration rtt, MonoTime at) {
  link_.on_valid_reply(sequence, rtt, at);
}

void Supervision::ready(MonoTime now) {
  if (!systemd_) return;
  systemd_->ready("pinging " + target_);
  next_tick_ = now;
}

void Supervision::on_tick(MonoTime now, const LoopProgress& progress) {
  if (!systemd_) return;
  // The keep-alive is sent from the loop itself: if the loop hangs, systemd notices.
  if (systemd_->keepalive_interval()) systemd_->keepalive();
  systemd_->status(service_status(target_, progress));
  const Duration every = std::min(kStatusEvery, systemd_->keepalive_interval().value_or(kStatusEvery));
  next_tick_ = now + every;
}

void Supervision::on_finish(const LoopProgress& progress) {
  if (!systemd_) return;
  systemd_->status(service_status(target_, progress));
  systemd_->stopping();
}

}  // namespace bp
