#include "ping/engine/send_schedule.h"

#include <algorithm>

namespace bp {

SendSchedule::SendSchedule(const RunPolicy& policy, MonoTime start)
    : policy_(policy), start_(start) {
  policy_.preload = std::max<std::uint64_t>(policy_.preload, 1);
}

bool SendSchedule::sending_allowed() const {
  // With a deadline the count means "replies wanted", so probes keep going (iputils pinger()).
  return policy_.count == 0 || policy_.deadline.has_value() || sent_ < policy_.count;
}

std::optional<MonoTime> SendSchedule::deadline_time() const {
  if (!policy_.deadline) return std::nullopt;
  return start_ + *policy_.deadline;
}

std::optional<MonoTime> SendSchedule::next_send(std::uint64_t in_flight) const {
  if (!sending_allowed()) return std::nullopt;
  if (sent_ == 0) return start_;
  if (policy_.interval == Duration::zero() && in_flight >= policy_.preload) {
    return last_send_ + kFloodBackoff;
  }
  return last_send_ + std::max(policy_.interval - credit_, Duration::zero());
}

bool SendSchedule::should_send(MonoTime now, std::uint64_t in_flight) const {
  if (finished(now)) return false;
  const auto due = next_send(in_flight);
  return due && now >= *due;
}

void SendSchedule::on_sent(MonoTime now) {
  const Duration interval = policy_.interval;
  const auto preload = static_cast<Duration::rep>(policy_.preload);
  if (sent_ == 0) {
    credit_ = interval * (preload - 1);
  } else {
    const Duration catch_up = std::min(interval / 2, policy_.max_catch_up);
    const Duration available = std::min(now - last_send_ + credit_, interval * preload + catch_up);
    // Clamped so that a send the schedule did not ask for only restarts the pacing.
    credit_ = std::max(available - interval, Duration::zero());
  }
  last_send_ = now;
  ++sent_;
  if (policy_.count != 0 && sent_ == policy_.count && !policy_.deadline) fix_end_after(now);
}

void SendSchedule::fix_end_after(MonoTime from) {
  if (received_ > 0) {
    linger_end_ = from + std::max(2 * max_rtt_, policy_.interval);
  } else if (policy_.linger > Duration::zero()) {
    linger_end_ = from + policy_.linger;
  } else {
    waiting_for_first_reply_ = true;
  }
}

void SendSchedule::on_reply(MonoTime now, Duration rtt) {
  ++received_;
  max_rtt_ = std::max(max_rtt_, rtt);
  if (waiting_for_first_reply_) {
    waiting_for_first_reply_ = false;
    fix_end_after(now);
  }
}

void SendSchedule::on_error() { ++errors_; }

bool SendSchedule::finished(MonoTime now) const {
  if (const auto deadline = deadline_time(); deadline && now >= *deadline) return true;
  if (policy_.count != 0 && received_ + errors_ >= policy_.count) return true;
  if (policy_.stop_on_error_with_deadline && policy_.deadline && errors_ > 0) return true;
  return linger_end_ && now >= *linger_end_;
}

std::optional<MonoTime> SendSchedule::next_wakeup(std::uint64_t in_flight) const {
  std::optional<MonoTime> earliest;
  for (const auto& candidate : {next_send(in_flight), deadline_time(), linger_end_}) {
    if (candidate && (!earliest || *candidate < *earliest)) earliest = candidate;
  }
  return earliest;
}

Duration adaptive_interval(Duration ewma, Duration floor) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(ewma).count();
  const Duration interval = std::chrono::milliseconds((us + 500) / 1000);
  return std::max(interval, floor);
}

int SendSchedule::exit_status() const {
  const bool short_of_count =
      policy_.deadline && policy_.count != 0 && received_ < policy_.count;
  return (received_ == 0 || short_of_count) ? 1 : 0;
}

Duration SendSchedule::elapsed() const {
  return sent_ == 0 ? Duration::zero() : last_send_ - start_;
}

std::optional<Duration> SendSchedule::inter_packet_gap() const {
  if (sent_ < 2) return std::nullopt;
  return elapsed() / static_cast<Duration::rep>(sent_ - 1);
}

}  // namespace bp
