#include "ping/engine/spread_schedule.h"

namespace bp {

SpreadSchedule::SpreadSchedule(const SpreadPolicy& policy, MonoTime start)
    : policy_(policy), start_(start) {
  if (policy_.targets == 0) policy_.targets = 1;
}

MonoTime SpreadSchedule::due(ProbeSlot slot) const {
  // 128-bit products: interval * target cannot overflow for any interval and target count.
  __extension__ using Int128 = __int128;
  const Int128 interval = policy_.interval.count();
  const Int128 offset = interval * static_cast<Int128>(slot.target) / static_cast<Int128>(policy_.targets);
  const Int128 at = interval * static_cast<Int128>(slot.round) + offset;
  return start_ + Duration(static_cast<Duration::rep>(at));
}

std::optional<MonoTime> SpreadSchedule::deadline() const {
  if (!policy_.deadline) return std::nullopt;
  return start_ + *policy_.deadline;
}

std::optional<ProbeSlot> SpreadSchedule::next(MonoTime now) const {
  if (stopped_ || (policy_.count != 0 && cursor_.round >= policy_.count)) return std::nullopt;
  const auto end = deadline();
  if (end && (now >= *end || due(cursor_) >= *end)) return std::nullopt;
  return cursor_;
}

std::optional<MonoTime> SpreadSchedule::next_due(MonoTime now) const {
  const auto slot = next(now);
  if (!slot) return std::nullopt;
  return due(*slot);
}

void SpreadSchedule::advance() {
  if (++cursor_.target < policy_.targets) return;
  cursor_.target = 0;
  ++cursor_.round;
}

bool SpreadSchedule::finished(MonoTime now, std::uint64_t pending) const {
  if (const auto end = deadline(); end && now >= *end) return true;
  if (policy_.count == 0 && !stopped_) return false;
  return !sending(now) && pending == 0;
}

}  // namespace bp
