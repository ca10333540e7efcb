#include "watchdog/deadline_tracker.h"

#include <algorithm>

namespace bp {
namespace {

// at + d, or the largest representable time if that would overflow (d is always positive here).
MonoTime saturating_add(MonoTime at, std::chrono::nanoseconds d) {
  if (at > MonoTime::max() - d) return MonoTime::max();
  return at + d;
}

}  // namespace

DeadlineTracker::DeadlineTracker(std::chrono::nanoseconds timeout, MonoTime start)
    : timeout_(std::max(timeout, std::chrono::nanoseconds(1))),
      latest_(start),
      window_start_(start),
      deadline_(saturating_add(start, timeout_)) {}

void DeadlineTracker::on_heartbeat(MonoTime at) {
  advance(at);
  last_heartbeat_ = latest_;
  paused_ = false;
  start_window(latest_);
}

void DeadlineTracker::pause(MonoTime at) {
  advance(at);
  paused_ = true;
}

void DeadlineTracker::resume(MonoTime at) {
  advance(at);
  paused_ = false;
  start_window(latest_);
}

bool DeadlineTracker::expired(MonoTime now) const { return !paused_ && clamp(now) >= deadline_; }

std::chrono::nanoseconds DeadlineTracker::remaining(MonoTime now) const {
  if (paused_) return timeout_;
  const MonoTime at = clamp(now);
  return at >= deadline_ ? std::chrono::nanoseconds(0) : deadline_ - at;
}

std::optional<MonoTime> DeadlineTracker::deadline() const {
  if (paused_) return std::nullopt;
  return deadline_;
}

std::chrono::nanoseconds DeadlineTracker::silence(MonoTime now) const { return clamp(now) - window_start_; }

MonoTime DeadlineTracker::clamp(MonoTime now) const { return std::max(now, latest_); }

void DeadlineTracker::advance(MonoTime now) { latest_ = clamp(now); }

void DeadlineTracker::start_window(MonoTime at) {
  window_start_ = at;
  deadline_ = saturating_add(at, timeout_);
}

}  // namespace bp
