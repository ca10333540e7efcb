#include "ping/stats/reply_stats.h"

namespace bp {

static_assert(sizeof(ReplyStats) <= 256, "one exists for each of up to 100 000 targets");

ReplyStats::ReplyInfo ReplyStats::on_reply(std::uint16_t seq, Duration rtt, MonoTime arrival,
                                           std::optional<std::uint8_t> ttl, bool duplicate) {
  quantiles_.add(rtt);
  if (duplicate) return ReplyInfo{};
  ReplyInfo info;
  info.reordered = note_order(seq);
  if (!info.reordered) jitter_.add(rtt);
  info.ttl_changed = note_ttl(ttl);
  outage_.on_reply(seq, arrival);
  return info;
}

std::size_t ReplyStats::memory_bytes() const {
  return sizeof(*this) - sizeof(quantiles_) + quantiles_.memory_bytes();
}

// True if a later seq was answered before this one.
bool ReplyStats::note_order(std::uint16_t seq) {
  if (has_highest_ && serial_difference(seq, highest_seq_) < 0) {
    ++reordered_;
    return true;
  }
  highest_seq_ = seq;
  has_highest_ = true;
  return false;
}

bool ReplyStats::note_ttl(std::optional<std::uint8_t> ttl) {
  if (!ttl) return false;
  const bool changed = last_ttl_ && *last_ttl_ != *ttl;
  if (changed) ++ttl_changes_;
  last_ttl_ = ttl;
  return changed;
}

}  // namespace bp
