#pragma once
// ReplyStats: the statistics beyond iputils' of one target, as the JSON Lines and --stats text
// sinks print them: RTT percentiles, jitter, outage, reordering and TTL changes.
//
// What each reply feeds (on_reply):
//   duplicate    only the percentile sketch. iputils puts duplicates' RTTs into min/avg/max/mdev,
//                and the percentiles must agree with those figures (p999 <= max); nothing else
//                sees a duplicate.
//   first reply  the percentile sketch, the outage tracker, the reordering count, the TTL, and
//                the jitter unless it is reordered.
// Definitions:
//   rtt_quantiles()  nearest-rank percentiles of the RTTs of every reply (QuantileSketch).
//   reordered()      first replies that arrived after a first reply to a LATER sequence number
//                    (RFC 1982 serial arithmetic on the 16-bit seq). As SequenceTracker's
//                    out_of_order: a reply is reordered iff its seq is before the highest seq
//                    answered so far.
//   jitter()         RFC 3550's estimator (Jitter) over the first replies that were not
//                    reordered, i.e. over consecutive replies in sequence order.
//                    nullopt before two such replies.
//   ttl_changes()    how often the reply TTL (IPv4 TTL, IPv6 hop limit) of a first reply
//                    differed from that of the previous first reply with a known TTL (arrival
//                    order): route changes. The first TTL is not a change; unknown TTLs
//                    (nullopt) are skipped.
//   last_ttl()       the TTL of the latest first reply that had one.
//   outage(now)      OutageTracker's total and longest outage; on_lost() feeds it.
//
// Size: sizeof(ReplyStats) is about 230 bytes (static_assert below 256), with no heap until the
// first reply; the sketch then grows to at most 2 KiB (memory_bytes() <= 2048 + 256).

#include <cstddef>
#include <cstdint>
#include <optional>

#include "ping/stats/jitter.h"
#include "ping/stats/outage_tracker.h"
#include "ping/stats/quantile_sketch.h"
#include "shared/mono_time.h"

namespace bp {

class ReplyStats {
 public:
  // What on_reply found about this reply (false for duplicates).
  struct ReplyInfo {
    bool reordered = false;
    bool ttl_changed = false;
  };

  explicit ReplyStats(MonoTime start) : outage_(start) {}

  ReplyInfo on_reply(std::uint16_t seq, Duration rtt, MonoTime arrival,
                     std::optional<std::uint8_t> ttl, bool duplicate);
  // Probe seq will have no reply that counts: its deadline passed, or an ICMP error came.
  void on_lost(std::uint16_t seq) { outage_.on_lost(seq); }

  const QuantileSketch& rtt_quantiles() const { return quantiles_; }
  std::optional<Duration> jitter() const { return jitter_.value(); }
  std::uint64_t reordered() const { return reordered_; }
  std::uint64_t ttl_changes() const { return ttl_changes_; }
  std::optional<std::uint8_t> last_ttl() const { return last_ttl_; }
  OutageTracker::Figures outage(MonoTime now) const { return outage_.figures(now); }
  // sizeof(*this) plus the sketch's heap.
  std::size_t memory_bytes() const;

 private:
  bool note_order(std::uint16_t seq);
  bool note_ttl(std::optional<std::uint8_t> ttl);

  QuantileSketch quantiles_;
  OutageTracker outage_;
  Jitter jitter_;
  std::uint64_t reordered_ = 0;
  std::uint64_t ttl_changes_ = 0;
  std::uint16_t highest_seq_ = 0;
  bool has_highest_ = false;
  std::optional<std::uint8_t> last_ttl_;
};

}  // namespace bp
