#include "ping/engine/probe_window.h"

#include <algorithm>
#include <bit>

namespace bp {

std::size_t ProbeWindows::slots_for(Duration wait, Duration interval) {
  if (wait <= Duration::zero() || interval <= Duration::zero()) return 64;  // -W 0: see header
  const auto intervals = static_cast<std::uint64_t>((wait + interval - Duration(1)) / interval);
  if (intervals + 2 >= kMaxSlots) return kMaxSlots;
  return std::max(kMinSlots, std::bit_ceil(static_cast<std::size_t>(intervals) + 2));
}

ProbeWindows::ProbeWindows(std::size_t targets, std::size_t slots)
    : mask_(std::bit_ceil(std::clamp(slots, kMinSlots, kMaxSlots)) - 1),
      states_(targets * (mask_ + 1), ProbeState::kEmpty),
      sent_ns_(targets * (mask_ + 1), 0) {}

}  // namespace bp
