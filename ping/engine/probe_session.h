#pragma once
// ProbeSession: one target's probes and what came back for them, as events. Pure: it is handed
// the time and the packets (already read from the socket), never reads a clock or a socket, and
// prints nothing. The loop hands its events to sinks: the iputils text today, better_ping's
// heartbeat, and (with many targets) JSON Lines and metrics.
//
// It keeps, for its target: the sequence numbers sent and answered (SequenceTracker), the RTT
// statistics (RttStats), the kernel's transmit stamps (TxStampTable), and the counts iputils'
// summary shows. It decides what a packet is:
//
//   an echo reply with our identifier and a sequence we sent      ReplyEvent, status kFirst or
//                                                                 kDuplicate; with a failed
//                                                                 checksum kBadChecksum (counted
//                                                                 as corrupted, never received)
//   an ICMP error (error queue or, raw IPv4, in band) quoting     IcmpErrorEvent (counted as an
//   one of our echo requests                                      error if from the queue)
//   anything else: another process's replies, sequences never    nothing (nullopt)
//   sent, our own requests seen on loopback, other ICMP
//
// Rules kept from the single-target loop, each pinned by the integration tests:
//   - iputils adds duplicates to the RTT statistics; a bad checksum reply is shown with the
//     time since its probe but kept out of every figure;
//   - the RTT comes from the kernel stamps when they are consistent (choose_rtt), else from the
//     loop's monotonic clock readings (always with -U, which stamps nothing in the kernel);
//   - every payload byte is checked; a reply shorter than what was sent is "truncated" and
//     not checked;
//   - iputils acknowledges IPv4 errors only (so no "pipe N" after an IPv6 run of errors).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ping/packet/icmp_packet.h"
#include "ping/packet/ip_address.h"
#include "ping/engine/kernel_stamps.h"
#include "ping/packet/payload.h"
#include "ping/stats/rtt_stats.h"
#include "ping/engine/sequence_tracker.h"
#include "shared/mono_time.h"

namespace bp {

struct SessionConfig {
  IpAddress target;
  std::uint16_t identifier = 0;
  std::vector<std::uint8_t> payload;  // what every probe carries after the ICMP header
  Duration late_after = SequenceTracker::kDefaultLateAfter;  // -W (0: never late)
  bool kernel_tx_stamps = true;       // false with -f and -U: sends are stamped in user space
};

enum class ReplyStatus { kFirst, kDuplicate, kBadChecksum };

// An echo reply to one of our probes.
struct ReplyEvent {
  ReplyStatus status = ReplyStatus::kFirst;
  std::uint16_t sequence = 0;
  std::uint16_t identifier = 0;
  std::size_t icmp_bytes = 0;               // ICMP header + payload received
  IpAddress from;
  std::optional<std::uint8_t> ttl;          // TTL or hop limit, when known
  std::optional<Duration> rtt;              // absent only for a bad checksum with no send time
  bool truncated = false;                   // shorter than sent (or cut by the buffer)
  bool different_address = false;           // not from the target
  std::optional<PayloadMismatch> mismatch;  // the first wrong payload byte
  std::span<const std::uint8_t> payload;    // as received, cut to the size sent (for the dump)
  std::span<const std::uint8_t> ip_options; // raw IPv4: the reply's IP options (-R, -T)
  std::optional<KernelTime> received_at;    // the kernel's receive stamp, for -D

  // What better_ping takes as a heartbeat: a first, intact reply from the target itself.
  bool valid() const {
    return status == ReplyStatus::kFirst && !mismatch && !truncated && !different_address;
  }
};

enum class ErrorOrigin {
  kErrorQueue,  // IP_RECVERR: matched to our socket by the kernel; counted
  kInBand,      // raw IPv4 redirect or source quench: shown, not counted (iputils)
};

// An ICMP error that quotes one of our echo requests.
struct IcmpErrorEvent {
  ErrorOrigin origin = ErrorOrigin::kErrorQueue;
  std::uint16_t sequence = 0;
  std::optional<IpAddress> from;  // the router that sent it
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint32_t info = 0;
  bool checksum_ok = true;        // in band only
};

// A packet as the socket delivered it, for on_echo_reply.
struct ReplyMeta {
  IpAddress from;                          // the socket's source address
  bool cut_by_buffer = false;              // MSG_TRUNC
  std::optional<KernelTime> kernel_rx;     // receive stamp
  MonoTime read_at{};                      // the loop's clock reading after the read
};

// The counts of iputils' summary line.
struct SessionCounts {
  std::uint64_t transmitted = 0;
  std::uint64_t received = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t errors = 0;  // ICMP errors quoting our probes, and local errors
};

class ProbeSession {
 public:
  explicit ProbeSession(SessionConfig config);

  const SessionConfig& config() const { return config_; }

  // The sequence number the next probe carries.
  std::uint16_t next_sequence() const { return tracker_.next_seq(); }
  // A probe left at `sent_at` (the loop's clock reading just before the send): handed to the
  // kernel (`accepted`), or failed hard, which iputils still counts as transmitted.
  void on_sent(MonoTime sent_at, bool accepted);
  // The kernel's transmit stamp number `key` (counting accepted sends from 0).
  void on_tx_stamp(std::uint32_t key, KernelTime when) { tx_stamps_.on_tx_stamp(key, when); }
  // A local error (EMSGSIZE, a failed send the error queue did not explain): counted.
  void on_local_error() { ++local_errors_; }

  // An echo reply read from the socket (identifier not yet checked).
  std::optional<ReplyEvent> on_echo_reply(const EchoReply& reply, const Envelope& envelope,
                                          const ReplyMeta& meta);
  // An ICMP error from the error queue; `quoted` is our original message that it carries.
  std::optional<IcmpErrorEvent> on_queued_error(std::span<const std::uint8_t> quoted,
                                                std::uint8_t type, std::uint8_t code,
                                                std::uint32_t info,
                                                const std::optional<IpAddress>& from);
  // An ICMP error received in band (raw IPv4: redirects and source quenches pass the filter).
  std::optional<IcmpErrorEvent> on_in_band_error(const IcmpError& error, const Envelope& envelope);

  // -O: the previous probe, when it has had no reply.
  std::optional<std::uint16_t> unanswered_previous() const { return tracker_.unanswered_previous(); }
  std::uint64_t in_flight() const { return tracker_.in_flight(); }
  std::uint64_t max_in_flight() const { return tracker_.max_in_flight(); }

  SessionCounts counts() const;
  const SequenceTracker& tracker() const { return tracker_; }
  const RttStats& rtt_stats() const { return stats_; }
  std::optional<Duration> last_rtt() const { return last_rtt_; }

 private:
  SessionConfig config_;
  SequenceTracker tracker_;
  RttStats stats_;
  TxStampTable tx_stamps_;
  std::uint64_t corrupted_ = 0;
  std::uint64_t local_errors_ = 0;  // errors that quote no probe of ours (iputils counts them)
  std::optional<Duration> last_rtt_;
};

}  // namespace bp
