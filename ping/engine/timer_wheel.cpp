#include "ping/engine/timer_wheel.h"

#include <algorithm>

namespace bp {

Duration timer_wheel_lateness(Duration timeout, Duration tick) {
  constexpr int kLevelBits = 3;       // each level's granule is 8 times the one below
  constexpr Duration::rep kLevel0Range = 63;
  constexpr int kLevels = 9;          // the wheel's depth at HZ > 100 (8 at HZ 100: same ranges)
  if (tick <= Duration::zero()) tick = std::chrono::milliseconds(4);
  const Duration::rep ticks = std::max<Duration::rep>(0, (timeout + tick - Duration(1)) / tick);
  Duration::rep granule = 1;
  for (int level = 0; level < kLevels - 1 && ticks >= (kLevel0Range << (kLevelBits * level)); ++level) {
    granule <<= kLevelBits;
  }
  return tick * (granule + 2);
}

}  // namespace bp
