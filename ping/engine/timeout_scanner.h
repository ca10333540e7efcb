#pragma once
// TimeoutScanner: which of the single-target loop's probes had no reply within -W, for the
// outputs that report them (JSON "timeout" lines, outage figures). iputils itself reports no
// such thing, so the loop keeps a scanner only for those outputs.
//
// It walks the probes in the order they were sent (their -W deadlines come in that order) and
// reports each one that neither a reply nor an ICMP error settled by its deadline. It reads the
// send times from the SequenceTracker, which keeps them for the last 65 536 probes; a probe
// whose slot is about to be reused (65 536 sends within -W, a long flood) is settled then, as
// lost if unanswered, so nothing is reported about the wrong probe. -W 0 (wait forever): none
// is ever lost. A reply after the deadline still counts in iputils' figures, as in iputils;
// the probe was reported lost already. Pure: the caller hands in the time.
//
// Memory: one bit per sequence number (8 KiB). Cost: O(1) per probe.

#include <bitset>
#include <cstdint>
#include <optional>

#include "ping/engine/sequence_tracker.h"
#include "shared/mono_time.h"

namespace bp {

class TimeoutScanner {
 public:
  explicit TimeoutScanner(Duration wait) : wait_(wait) {}

  // Probe `sequence` was just sent (it is the tracker's newest).
  void on_sent(std::uint16_t sequence) { settled_.reset(sequence); }
  // A first reply or an ICMP error settled probe `sequence`.
  void on_settled(std::uint16_t sequence) { settled_.set(sequence); }

  // Reports (lost(sequence)) every probe whose deadline has passed by `now`, unsettled.
  template <typename Lost>
  void expire(const SequenceTracker& tracker, MonoTime now, Lost&& lost) {
    const std::uint64_t sent = tracker.counts().transmitted;
    while (next_ <= sent) {
      const auto sequence = static_cast<std::uint16_t>(next_);
      if (!due(tracker, sequence, sent, now)) return;
      ++next_;
      if (!settled_.test(sequence) && wait_ > Duration::zero()) lost(sequence);
    }
  }
  // The run is over: every probe still unsettled is lost (the summary counts it so).
  template <typename Lost>
  void finish(const SequenceTracker& tracker, Lost&& lost) {
    const std::uint64_t sent = tracker.counts().transmitted;
    for (; next_ <= sent; ++next_) {
      const auto sequence = static_cast<std::uint16_t>(next_);
      if (!settled_.test(sequence)) lost(sequence);
    }
  }
  // When the oldest probe still waiting reaches its deadline; nothing if none waits.
  std::optional<MonoTime> next_deadline(const SequenceTracker& tracker) const;

 private:
  bool due(const SequenceTracker& tracker, std::uint16_t sequence, std::uint64_t sent, MonoTime now) const;

  Duration wait_;
  std::uint64_t next_ = 1;  // the oldest probe not yet checked (probes count from 1)
  std::bitset<SequenceTracker::kSeqSpace> settled_;
};

}  // namespace bp
