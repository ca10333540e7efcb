#include "ping/engine/timeout_scanner.h"

namespace bp {

bool TimeoutScanner::due(const SequenceTracker& tracker, std::uint16_t sequence, std::uint64_t sent,
                         MonoTime now) const {
  // Its slot is needed for the next send: settle it now.
  if (sent - next_ + 1 >= SequenceTracker::kSeqSpace) return true;
  if (wait_ <= Duration::zero()) return settled_.test(sequence);
  const auto at = tracker.sent_at(sequence);
  return !at || *at + wait_ <= now || settled_.test(sequence);
}

std::optional<MonoTime> TimeoutScanner::next_deadline(const SequenceTracker& tracker) const {
  if (wait_ <= Duration::zero() || next_ > tracker.counts().transmitted) return std::nullopt;
  const auto at = tracker.sent_at(static_cast<std::uint16_t>(next_));
  if (!at) return std::nullopt;
  return *at + wait_;
}

}  // namespace bp
