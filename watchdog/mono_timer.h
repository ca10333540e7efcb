#pragma once
// A one-shot CLOCK_MONOTONIC timer as a pollable descriptor (timerfd), armed at absolute times.
// MonoTime (shared/mono_time.h) counts CLOCK_MONOTONIC nanoseconds, as read_monotonic_clock()
// returns them, so a DeadlineTracker deadline arms the timer as it is. CLOCK_MONOTONIC does
// not count suspend, so a laptop that sleeps does not wake up to a timeout.

#include <optional>

#include "shared/expected.h"
#include "shared/mono_clock.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"
#include "watchdog/deadline_tracker.h"

namespace bp {

class MonoTimer {
 public:
  // A non-blocking, close-on-exec timerfd, disarmed.
  static Expected<MonoTimer, SysError> create();

  int fd() const { return fd_.get(); }
  // Fires once `at` is reached (at once if it is past). Replaces any earlier arming and forgets
  // an expiry not consumed yet.
  std::optional<SysError> arm_at(MonoTime at);
  std::optional<SysError> disarm();
  // Whether the timer fired since it was last armed or consumed; clears that.
  bool consume();

 private:
  explicit MonoTimer(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace bp
