#pragma once
// How late the kernel may end a socket receive timeout (SO_RCVTIMEO), the loop's sleep.
//
// The timeout is a timer on the kernel's timer wheel (kernel/time/timer.c), counted in ticks of
// 1/HZ s. A timer due in T ticks lands in the first level whose range holds T; level n covers up
// to 63 << 3n ticks and rounds the expiry up to its granule of 8^n ticks:
//
//   level  range (ticks)   granule   at HZ 100   HZ 250 (Debian)   HZ 1000
//   0      0 .. 62         1         10 ms       4 ms              1 ms
//   1      63 .. 503       8         80 ms       32 ms             8 ms
//   2      504 .. 4031     64        640 ms      256 ms            64 ms
//   ...
//
// A receive timeout also starts on a tick boundary and is converted to ticks rounding up, so a
// wake-up may come up to one granule + 2 ticks after the instant asked for: 40 ms for a 1 s sleep
// at HZ 250, 100 ms at HZ 100, 66 ms at HZ 1000. SendSchedule makes up that much lateness so that
// it never accumulates into drift (RunPolicy::max_catch_up).
//
// Pure: the tick is handed in (kernel_tick() in ping_loop reads it from the coarse clock).

#include "shared/mono_time.h"

namespace bp {

// The worst lateness of a wake-up `timeout` after a timer is set, with ticks of `tick`.
// A tick of zero or less is taken as HZ 250's 4 ms.
Duration timer_wheel_lateness(Duration timeout, Duration tick);

}  // namespace bp
