#pragma once
// The one place that reads CLOCK_MONOTONIC for the loops of ping, better_ping and the watchdog:
// each reads it once per turn and hands the value to its pure core.

#include "shared/mono_time.h"

namespace bp {

MonoTime read_monotonic_clock();

// The kernel's tick (1/HZ s): the resolution of CLOCK_MONOTONIC_COARSE. Zero if unknown.
Duration kernel_tick();

}  // namespace bp
