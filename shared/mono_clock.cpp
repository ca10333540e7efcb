#include "shared/mono_clock.h"

#include <time.h>

namespace bp {

MonoTime read_monotonic_clock() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return MonoTime(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

Duration kernel_tick() {
  timespec res{};
  if (::clock_getres(CLOCK_MONOTONIC_COARSE, &res) != 0) return Duration::zero();
  return std::chrono::seconds(res.tv_sec) + std::chrono::nanoseconds(res.tv_nsec);
}

}  // namespace bp
