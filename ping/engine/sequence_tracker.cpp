#include "ping/engine/sequence_tracker.h"

#include <algorithm>

namespace bp {

SequenceTracker::SequenceTracker(Duration late_after)
    // `new Slots`, not make_unique: default-initialised on purpose, see Slots.
    : late_after_(late_after), slots_(new Slots) {}

std::uint16_t SequenceTracker::on_sent(MonoTime sent_at) {
  const std::uint16_t seq = next_seq();
  ++counts_.transmitted;
  slots_->sent_ns[seq] = sent_at.time_since_epoch().count();
  slots_->replied.reset(seq);
  return seq;
}

std::optional<std::uint64_t> SequenceTracker::probe_index(std::uint16_t seq) const {
  const std::uint64_t sent = counts_.transmitted;
  // How many probes ago this seq was last used, in 16-bit arithmetic (0 = the newest probe).
  const auto back = static_cast<std::uint16_t>(static_cast<std::uint16_t>(sent) - seq);
  if (back >= sent) return std::nullopt;  // that would be probe 0 or earlier: never sent
  return sent - back;
}

void SequenceTracker::acknowledge(std::uint64_t index) {
  max_in_flight_ = std::max(max_in_flight_, counts_.transmitted - index + 1);
  newest_acked_ = std::max(newest_acked_, index);
}

ReplyMatch SequenceTracker::on_reply(std::uint16_t seq, MonoTime received_at) {
  const auto index = probe_index(seq);
  if (!index) return {};

  ReplyMatch match;
  match.sent_at = MonoTime(Duration(slots_->sent_ns[seq]));
  // A receive stamp before the send stamp can only come from clock trouble; iputils also
  // reports such a trip as 0 rather than a negative time.
  match.rtt = std::max(received_at - match.sent_at, Duration::zero());
  match.late = late_after_ > Duration::zero() && match.rtt > late_after_;

  if (slots_->replied.test(seq)) {
    match.kind = ReplyKind::Duplicate;
    ++counts_.duplicates;
    return match;
  }
  match.kind = ReplyKind::First;
  slots_->replied.set(seq);
  ++counts_.received;
  match.out_of_order = *index < newest_acked_;
  if (match.out_of_order) ++counts_.out_of_order;
  if (match.late) ++counts_.late;
  acknowledge(*index);
  return match;
}

bool SequenceTracker::on_error(std::uint16_t seq, ErrorAck ack) {
  const auto index = probe_index(seq);
  if (!index) return false;
  ++counts_.errors;
  if (ack == ErrorAck::kAcknowledge) acknowledge(*index);
  return true;
}

std::optional<MonoTime> SequenceTracker::sent_at(std::uint16_t seq) const {
  if (!probe_index(seq)) return std::nullopt;
  return MonoTime(Duration(slots_->sent_ns[seq]));
}

bool SequenceTracker::has_reply(std::uint16_t seq) const {
  return probe_index(seq).has_value() && slots_->replied.test(seq);
}

std::optional<std::uint16_t> SequenceTracker::unanswered_previous() const {
  if (counts_.transmitted == 0) return std::nullopt;
  const auto seq = static_cast<std::uint16_t>(counts_.transmitted);
  if (slots_->replied.test(seq)) return std::nullopt;
  return seq;
}

}  // namespace bp
