#include "ping/exporter/exporter_observer.h"

#include "shared/mono_clock.h"

namespace bp {

void ExporterObserver::ready(const std::string& status) {
  if (!systemd_) return;
  systemd_->ready(status);
  if (systemd_->keepalive_interval()) next_tick_ = read_monotonic_clock();
}

void ExporterObserver::reloading() {
  if (systemd_) systemd_->reloading();
}

void ExporterObserver::stopping() {
  if (systemd_) systemd_->stopping();
}

// Only with WatchdogSec=: the keep-alive, from the loop, at half the period.
void ExporterObserver::on_tick(MonoTime now, const LoopProgress& /*progress*/) {
  systemd_->keepalive();
  next_tick_ = now + *systemd_->keepalive_interval();
}

}  // namespace bp
