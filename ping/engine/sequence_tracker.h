#pragma once
// SequenceTracker: which ICMP echo sequence numbers we sent, when, and what came back for them.
//
// Numbering (iputils): the k-th probe (k = 1, 2, ...) carries seq = k mod 65536, so the first
// probe is seq 1 and seq 0 is used by probe 65536, after which the numbers wrap. Internally every
// probe is known by its absolute index k (64 bits), so ordering and in-flight counts stay right
// across the wrap.
//
// Send times live here, in memory, keyed by seq. They are never read back from the reply
// payload: a forged or corrupted reply cannot change an RTT beyond choosing which of our probes
// it claims to answer (iputils trusted the echoed timeval: CVE-2025-47268, CVE-2025-48964).
//
// A reply's seq is matched to the NEWEST probe that carried it. After the numbers wrap, a slot is
// reused: the new send overwrites its time and clears its duplicate bit (as iputils does before
// each send), so a very late reply to the older probe is taken as an answer to the newer one.
// The 16-bit field leaves no way to tell them apart.
//
// Classification of a reply (on_reply):
//   Unknown    no probe with that seq was ever sent (before the wrap: seq 0 or seq > sent).
//              The caller counts it as foreign, not as a reply; nothing here changes.
//   First      the first answer to that probe: counted as received; carries the send time and RTT.
//   Duplicate  the probe was already answered (iputils' 65536-bit table): counted as duplicate.
// Flags on a match:
//   out_of_order  (First only) an answer to a NEWER probe had already arrived. Counted.
//                 Duplicates are never flagged: reordering is about unique packets (RFC 4737).
//   late          (First and Duplicate) rtt > late_after. Only First replies are counted.
//                 late_after is the caller's per-reply timeout, normally -W (default 10 s);
//                 zero means "never late" (as -W 0 means "wait forever"). A late reply is still
//                 a reply (iputils counts it; we only flag it so the output can say so).
//
// In flight and "pipe" follow iputils (acknowledge() / in_flight() in ping.h), because the flood
// back-off depends on them and "pipe N" must print the same number:
//   in_flight()      probes sent after the newest acknowledged one = sent - index of the newest
//                    probe answered or errored. A lost probe stops counting once any newer probe
//                    is answered, so one loss does not throttle a flood forever.
//   max_in_flight()  the largest (sent - k + 1) seen when probe k was acknowledged by a First
//                    reply or an error: how many probes were out when an answer came back.
//                    Duplicates do not move it (iputils lets them; a forged duplicate of an old
//                    probe would then inflate "pipe").
// An ICMP error that quotes one of our probes (on_error) acknowledges it: it leaves the in-flight
// count, but it is not a reply (has_reply stays false, so `-O` still says "no answer yet", as
// iputils does).
//
// Cost: on_sent, on_reply and on_error are O(1) and never allocate. The tables (65536 send times
// and a 65536-bit reply table, about 520 KiB) are allocated once, in the constructor.

#include <array>
#include <bitset>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

enum class ReplyKind : std::uint8_t { Unknown, First, Duplicate };

struct ReplyMatch {
  ReplyKind kind = ReplyKind::Unknown;
  MonoTime sent_at{};         // First and Duplicate only
  Duration rtt{};             // received_at - sent_at, clamped at 0; First and Duplicate only
  bool out_of_order = false;  // First only
  bool late = false;          // First and Duplicate
};

struct SequenceCounts {
  std::uint64_t transmitted = 0;
  std::uint64_t received = 0;      // First replies
  std::uint64_t duplicates = 0;    // Duplicate replies
  std::uint64_t errors = 0;        // ICMP errors quoting one of our probes
  std::uint64_t out_of_order = 0;  // First replies flagged out_of_order
  std::uint64_t late = 0;          // First replies flagged late
};

class SequenceTracker {
 public:
  static constexpr std::size_t kSeqSpace = 65536;
  static constexpr Duration kDefaultLateAfter = std::chrono::seconds(10);

  explicit SequenceTracker(Duration late_after = kDefaultLateAfter);

  // The seq the next on_sent will use (1 before anything is sent).
  std::uint16_t next_seq() const { return static_cast<std::uint16_t>(counts_.transmitted + 1); }

  // Records a probe as sent at `sent_at` and returns its seq (== next_seq() before the call).
  // Also call it for a probe whose send failed hard, which iputils counts as transmitted.
  std::uint16_t on_sent(MonoTime sent_at);

  // Classifies an echo reply carrying `seq` (our identifier already checked by the caller).
  ReplyMatch on_reply(std::uint16_t seq, MonoTime received_at);

  // An ICMP error quoting our probe `seq`. Returns false (and changes nothing) when no probe
  // with that seq was sent; otherwise counts the error and, with kAcknowledge, acknowledges the
  // probe. iputils acknowledges IPv4 errors only (ping4_receive_error_msg; the IPv6 path does
  // not), so after an IPv6 run of errors it prints no "pipe N".
  enum class ErrorAck { kAcknowledge, kCountOnly };
  bool on_error(std::uint16_t seq, ErrorAck ack = ErrorAck::kAcknowledge);

  // When the newest probe with this seq was sent; nothing if no such probe was sent. Changes
  // nothing: for replies that are shown but not counted (a bad checksum).
  std::optional<MonoTime> sent_at(std::uint16_t seq) const;
  // Whether the newest probe with this seq has had a (First) reply.
  bool has_reply(std::uint16_t seq) const;

  // For `-O`, asked just before sending: the seq of the previous probe if it has no reply yet.
  std::optional<std::uint16_t> unanswered_previous() const;

  std::uint64_t in_flight() const { return counts_.transmitted - newest_acked_; }
  std::uint64_t max_in_flight() const { return max_in_flight_; }
  const SequenceCounts& counts() const { return counts_; }

 private:
  // Send times are raw nanosecond counts so that `new Slots` leaves them uninitialised: a slot
  // is always written by on_sent before anything reads it, and pages never used (a short run)
  // are never touched, which keeps the resident size of `ping -c 1` small.
  struct Slots {
    std::array<Duration::rep, kSeqSpace> sent_ns;
    std::bitset<kSeqSpace> replied;
  };

  // Absolute index k of the newest probe that carried `seq`; nullopt if none was sent.
  std::optional<std::uint64_t> probe_index(std::uint16_t seq) const;
  void acknowledge(std::uint64_t index);

  Duration late_after_;
  std::unique_ptr<Slots> slots_;
  SequenceCounts counts_;
  std::uint64_t newest_acked_ = 0;  // 0: nothing acknowledged yet
  std::uint64_t max_in_flight_ = 0;
};

}  // namespace bp
