#include "ping/supervision.h"

#include <cstdio>

#include "ping/report.h"

namespace bp {

Supervision::Supervision(WatchdogLink& link, std::optional<SystemdNotifier> systemd,
                         std::string target)
    : link_(link), systemd_(std::move(systemd)), target_(std::move(target)) {}

void Supervision::on_valid_reply(std::uint16_t sequence, Duration rtt) {
  link_.on_valid_reply(sequence, rtt);
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

void Supervision::stopping() const {
  if (systemd_) systemd_->stopping();
}

std::string service_status(const std::string& target, const LoopProgress& progress) {
  std::string text = target + ": " + std::to_string(progress.transmitted) + " sent, " +
                     std::to_string(progress.received) + " received";
  if (progress.transmitted > 0) {
    const double loss = 100.0 * static_cast<double>(progress.transmitted - std::min(progress.received, progress.transmitted)) /
                        static_cast<double>(progress.transmitted);
    char figure[32];
    std::snprintf(figure, sizeof figure, "%.3g", loss);
    text += std::string(", ") + figure + "% loss";
  }
  if (progress.last_rtt) text += ", last rtt " + format_rtt_ms(*progress.last_rtt, false) + " ms";
  return text;
}

}  // namespace bp
