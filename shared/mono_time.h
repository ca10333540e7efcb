#pragma once
// The time types of every pure core (ping session, watchdog deadline).
//
// MonoTime is a point on a monotonic clock (CLOCK_MONOTONIC, or the kernel receive timestamp
// converted to it); Duration is a span of it. Both count nanoseconds. The core never reads a
// clock: each loop reads it once per turn (shared/mono_clock.h) and passes the value in.

#include <chrono>

namespace bp {

using Duration = std::chrono::nanoseconds;
using MonoTime = std::chrono::time_point<std::chrono::steady_clock, Duration>;

}  // namespace bp
