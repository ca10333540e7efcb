#pragma once
// OutageTracker: how long a target sent no replies, in total and at the longest.
//
// Definition. Probes are ordered by sequence number. A run of losses is a maximal range k..m of
// consecutive sequence numbers whose probes were all lost. With a the answered probe just
// before the run and b the one just after it (in sequence order), the run's outage is
//     arrival(b) - arrival(a)
// the time from the last reply before the losses to the first reply after them (0 if b's reply
// arrived before a's: never negative). Before any reply, a run starts at the run's start (the
// constructor's `start`). A run with no b yet (open) counts up to the `now` given to figures().
//     total    the sum of the outages of all runs, the open one included;
//     longest  the largest of them.
// Example, one probe a second: probe 5 is lost, replies to 4 and 6 arrive at 4.01 s and 6.01 s:
// the outage is 2 s, the time the target was silent. This is NOT fping -o's
// (sent - received) x interval, which says 1 s here and ignores when the replies came.
//
// Events (the caller's contract):
//   on_reply(seq, arrival)  the FIRST reply to probe seq (duplicates are not given).
//   on_lost(seq)            no reply will count for probe seq: its deadline (send + -W) passed
//                           without one, or an ICMP error answered it. Losses are reported in
//                           sequence order, at the deadline, so replies to later probes may
//                           already have arrived.
// Sequence numbers are 16 bits and wrap; "before" is RFC 1982 serial arithmetic: a is before b
// when int16(b - a) > 0. Pending replies must lie within 32767 numbers of each other.
//
// Settling. Probes are settled in sequence order. A reply settles as soon as every earlier
// probe is decided (answered or lost); until then it waits in a buffer of kMaxBlocks = 4
// blocks, each a range of consecutive answered sequence numbers with the arrivals of its first
// and last reply (no run can lie inside a block, so the replies in between do not matter: any
// number of replies behind one pending probe fits in one block). A loss of k decides every
// probe before k; one before k with neither a reply nor a loss (the caller skipped it) counts
// as neither. Until the first loss (or the buffer overflows) the first probe is not known, so
// the replies wait; that delays nothing, since nothing is lost yet.
//   - A reply or loss for a probe already settled is ignored: e.g. a reply after its probe was
//     declared lost (iputils still counts it as received, but its outage was decided).
//   - Buffer full: a reply that needs a 5th block first settles the lowest block, taking the
//     undecided probes before it as lost (a probe still unanswered while replies to several
//     later ones came is most likely lost); their later loss or reply is then ignored as above.
//     Figures stay >= 0; nothing is allocated.
// in_outage(): the last settled probe was lost (a run is open).
//
// Cost: every call is O(kMaxBlocks); 128 bytes, no heap.

#include <array>
#include <cstddef>
#include <cstdint>

#include "shared/mono_time.h"

namespace bp {

// a - b in RFC 1982 serial arithmetic on 16 bits: > 0 when a comes after b.
inline std::int16_t serial_difference(std::uint16_t a, std::uint16_t b) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b));
}

class OutageTracker {
 public:
  static constexpr std::size_t kMaxBlocks = 4;

  struct Figures {
    Duration total{};
    Duration longest{};
  };

  explicit OutageTracker(MonoTime start) : anchor_(start) {}

  void on_reply(std::uint16_t seq, MonoTime arrival);
  void on_lost(std::uint16_t seq);

  Figures figures(MonoTime now) const;
  bool in_outage() const { return in_run_; }

 private:
  // Consecutive answered probes first..last waiting to be settled.
  struct Block {
    std::uint16_t first;
    std::uint16_t last;
    MonoTime first_arrival;
    MonoTime last_arrival;
  };

  bool settled(std::uint16_t seq) const;
  bool in_block(std::uint16_t seq) const;
  bool join_block(std::uint16_t seq, MonoTime arrival);
  void insert_block(std::uint16_t seq, MonoTime arrival);
  void remove_block(std::size_t index);
  void settle_first_block();
  void settle_first_block_early();
  void settle_ready_blocks();
  void close_run(MonoTime arrival);

  std::array<Block, kMaxBlocks> blocks_{};
  MonoTime anchor_;  // arrival of the last settled reply; the start before any
  Duration total_{};
  Duration longest_{};
  std::uint16_t next_ = 0;  // the lowest undecided probe, once started_
  std::uint8_t block_count_ = 0;
  bool started_ = false;
  bool in_run_ = false;
};

}  // namespace bp
