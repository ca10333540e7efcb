#include "watchdog/kill_policy.h"

#include <algorithm>
#include <utility>

namespace bp {
namespace {

bool group_is_safe_to_signal(const KillTargets& t, const KillConfig& config) {
  return config.signal_group && t.pinger_led_group && t.pinger_pgid == t.pinger_pid && t.pinger_pgid > 1 &&
         t.watchdog_pgid == t.pinger_pgid;
}

}  // namespace

KillPolicy::KillPolicy(const KillTargets& targets, const KillConfig& config)
    : targets_(targets), config_(config), may_signal_group_(group_is_safe_to_signal(targets, config)) {
  config_.grace = std::max(config_.grace, std::chrono::nanoseconds(0));
}

KillStep KillPolicy::on_expired() {
  if (phase_ != Phase::kSupervising) return {};
  phase_ = Phase::kTerminatingPinger;
  std::vector<SignalAction> signals{to_pinger(config_.first_signal)};
  // SIGCONT after the first signal, so a stopped better_ping wakes with it already pending.
  if (config_.first_signal != SIGCONT) signals.push_back(to_pinger(SIGCONT));
  return {std::move(signals), config_.grace, false};
}

KillStep KillPolicy::on_pinger_exited() {
  switch (phase_) {
    case Phase::kSupervising:
      return finish();
    case Phase::kTerminatingPinger:
    case Phase::kKillingPinger:
      return start_group_phase();
    case Phase::kTerminatingGroup:
    case Phase::kDone:
      return {};
  }
  return {};
}

KillStep KillPolicy::on_grace_elapsed() {
  switch (phase_) {
    case Phase::kTerminatingPinger:
      phase_ = Phase::kKillingPinger;
      return {{to_pinger(SIGKILL)}, config_.grace, false};
    case Phase::kKillingPinger:
      // Still there a grace period after SIGKILL (uninterruptible sleep): nothing more can be
      // done to it, but its group should not be left running.
      return start_group_phase();
    case Phase::kTerminatingGroup:
      return finish({to_group(SIGKILL)});
    case Phase::kSupervising:
    case Phase::kDone:
      return {};
  }
  return {};
}

KillStep KillPolicy::on_group_empty() {
  if (phase_ != Phase::kTerminatingGroup) return {};
  return finish();
}

SignalAction KillPolicy::to_pinger(int signal) const {
  return {SignalTarget::kPinger, targets_.pinger_pid, signal};
}

SignalAction KillPolicy::to_group(int signal) const {
  return {SignalTarget::kGroup, targets_.pinger_pgid, signal};
}

KillStep KillPolicy::finish(std::vector<SignalAction> signals) {
  phase_ = Phase::kDone;
  return {std::move(signals), std::nullopt, true};
}

KillStep KillPolicy::start_group_phase() {
  if (!may_signal_group_) return finish();
  phase_ = Phase::kTerminatingGroup;
  return {{to_group(config_.first_signal), to_group(SIGCONT)}, config_.grace, false};
}

std::string_view to_string(KillPolicy::Phase phase) {
  switch (phase) {
    case KillPolicy::Phase::kSupervising: return "supervising";
    case KillPolicy::Phase::kTerminatingPinger: return "terminating better_ping";
    case KillPolicy::Phase::kKillingPinger: return "killing better_ping";
    case KillPolicy::Phase::kTerminatingGroup: return "terminating process group";
    case KillPolicy::Phase::kDone: return "done";
  }
  return "unknown";
}

}  // namespace bp
