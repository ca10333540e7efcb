#pragma once
// ProbeEngine: many targets' probes from one process, as events. Pure: it sends through a
// Network (network.h), is handed the packets the loop read and the loop's clock readings, and
// reports what happens to a ProbeEvents sink (probe_events.h). It never reads a socket or a
// clock of its own, so its unit tests drive it with a fake network and literal times.
//
// What it keeps, all of fixed size per target (about 300 bytes at -i 1 -W 10):
//   - the schedule (SpreadSchedule): every target every -i, spread evenly over the interval;
//   - each target's recent probes (ProbeWindows): send time and state, for the -W window;
//   - each target's counts and RTT statistics (iputils' figures).
//
// Matching. A reply counts for target T only if all of these hold:
//   - its identifier is ours (the raw socket's kernel filter drops most others first);
//   - it comes from T's address (TargetIndex): the IPv4 header's source, or the socket's;
//   - its sequence number is one of T's probes still in the window;
//   - its payload starts with that probe's token (probe_token.h): a probe of this run, to this
//     target, of that round. Another process's replies fail here even with our identifier.
// The first such reply answers the probe (ReplyStatus::kFirst), later ones are duplicates.
// A reply with a bad checksum is reported and counted as corrupted, never as received. One to a
// probe already lost (after -W) or quoted by an ICMP error is not counted, as fping does: a
// target's counts mean "answered within -W". Anything else is foreign and only counted
// (foreign()).
//
// Time. A probe's send time is the Network's clock read just before its send. A reply's arrival
// is the kernel's receive stamp converted to the monotonic clock when the loop has it and it
// lies between the send and the read, else the loop's reading after the read; so the RTT does
// not include the time a reply waited in the socket for the loop to wake.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ping/engine/network.h"
#include "ping/engine/probe_events.h"
#include "ping/engine/probe_session.h"
#include "ping/engine/probe_window.h"
#include "ping/engine/spread_schedule.h"
#include "ping/engine/target_index.h"
#include "ping/packet/icmp_packet.h"
#include "ping/stats/rtt_stats.h"

namespace bp {

struct EngineConfig {
  // Ours, by family (IPv4, IPv6): one raw socket per family uses the same one; datagram sockets
  // each have the kernel's own.
  std::array<std::uint16_t, 2> identifiers{};
  std::vector<std::uint8_t> payload;   // every probe's payload; its first 8 bytes become the token
  std::uint64_t nonce = 0;             // per run, random: the tokens' seed
  Duration interval = std::chrono::seconds(1);
  std::uint64_t count = 0;             // -c, per target; 0 = no count
  std::optional<Duration> deadline;    // -w, the whole run
  Duration wait = std::chrono::seconds(10);  // -W: a probe's wait for its reply; 0 = forever
  // The sockets stamp each send in the kernel (SOF_TIMESTAMPING_OPT_ID numbers them): the loop
  // hands the stamps to on_tx_stamp(), and they replace the probes' send times.
  bool transmit_stamps = false;
  // The most probes sent in one send_due() call, so that a loop late by a lot of probes still
  // reads its sockets between batches.
  std::size_t max_sends_per_call = 1024;
};

// A reply or error as the loop read it.
struct ReadMeta {
  IpAddress from;                          // the socket's source address
  bool cut_by_buffer = false;              // MSG_TRUNC
  std::optional<KernelTime> kernel_rx;     // the kernel's receive stamp (wall clock), for -D
  std::optional<MonoTime> kernel_rx_mono;  // the same stamp on the monotonic clock
  MonoTime read_at{};                      // the loop's clock reading after the read
};

// One target's figures: iputils' summary counts and RTT statistics.
struct TargetFigures {
  std::uint64_t transmitted = 0;
  std::uint64_t received = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t corrupted = 0;
  std::uint64_t errors = 0;
  std::uint64_t lost = 0;  // counted lost so far (after -W)
  Duration elapsed{};      // first send to last send
  std::optional<Duration> last_rtt;
};

class ProbeEngine {
 public:
  ProbeEngine(EngineConfig config, std::vector<IpAddress> targets, MonoTime start);

  std::size_t size() const { return targets_.size(); }
  const IpAddress& target(std::size_t i) const { return targets_[i]; }

  // Sends the probes due at `now` (at most max_sends_per_call); returns how many it sent.
  std::size_t send_due(MonoTime now, Network& network, ProbeEvents& events);
  // Probes whose -W wait has passed by `now` are lost.
  void expire(MonoTime now, ProbeEvents& events);
  // A reply read from the socket of the target's family.
  void on_echo_reply(const EchoReply& reply, const Envelope& envelope, const ReadMeta& meta,
                     ProbeEvents& events);
  // An ICMP error from a socket's error queue: `destination` is the original probe's
  // destination (the error message's address), `quoted` our ICMP message it carries.
  void on_queued_error(const IpAddress& destination, std::span<const std::uint8_t> quoted,
                       std::uint8_t type, std::uint8_t code, std::uint32_t info,
                       const std::optional<IpAddress>& from, ProbeEvents& events);
  // An ICMP error received in band (raw IPv4: redirects and source quenches).
  void on_in_band_error(const IcmpError& error, const Envelope& envelope, ProbeEvents& events);
  // The kernel's transmit stamp of the `key`-th accepted send (from 0) on `family`'s socket, on
  // the monotonic clock. It becomes that probe's send time when it lies after the loop's own
  // reading before the send (and within a second of it): the RTT then starts where the packet
  // left, not where the loop called send.
  void on_tx_stamp(Family family, std::uint32_t key, MonoTime at);
  // A local error (EMSGSIZE ...) about a probe to `destination`.
  void on_local_error(const IpAddress& destination, int err, std::uint32_t info, ProbeEvents& events);

  // When something is next due: a send, a probe's -W, or the deadline. Nothing: only packets
  // or signals can change anything.
  std::optional<MonoTime> next_wakeup(MonoTime now) const;
  bool finished(MonoTime now) const { return schedule_.finished(now, pending_); }
  // Sends nothing more; finished() once every probe in flight is answered or lost (a reload).
  void stop_sending() { schedule_.stop_sending(); }
  // Reports every probe still pending lost, then every target done (call once, at the end).
  void finish(ProbeEvents& events);

  TargetFigures figures(std::size_t target) const;
  const RttStats& rtt_stats(std::size_t target) const { return targets_state_[target].stats; }
  // iputils' exit status over all targets: 0 if every target answered (with -c and -w: every
  // target got its count of replies), else 1.
  int exit_status() const;
  // Replies and errors that matched no probe of ours.
  std::uint64_t foreign() const { return foreign_; }
  // Probes sent and not yet answered, errored or lost.
  std::uint64_t pending() const { return pending_; }

 private:
  struct TargetState {
    RttStats stats;
    std::uint64_t received = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t corrupted = 0;
    std::uint64_t errors = 0;
    std::uint64_t lost = 0;
    Duration::rep first_sent_ns = 0;
    Duration::rep last_sent_ns = 0;
    Duration::rep last_rtt_ns = -1;  // -1: none yet
  };
  struct Match {
    std::size_t target;
    std::uint64_t round;
  };

  std::uint16_t identifier(Family f) const { return config_.identifiers[f == Family::kIpv6 ? 1 : 0]; }
  void send_one(ProbeSlot slot, Network& network, ProbeEvents& events);
  void resolve(std::size_t target, std::uint64_t round, ProbeState state);
  // The round of target's probe that carried `sequence`, if it is in the window.
  std::optional<std::uint64_t> round_of(std::size_t target, std::uint16_t sequence) const;
  std::optional<Match> match_error(const IpAddress& destination, const EchoRequest& request) const;
  Duration rtt(std::size_t target, std::uint64_t round, const ReadMeta& meta) const;
  ReplyEvent reply_event(const EchoReply& reply, const Envelope& envelope, const ReadMeta& meta) const;

  // Which probe each accepted send was, by its key (the kernel counts a socket's accepted sends
  // from 0): the last kTxKeys sends of each family; a stamp is read well before that many more.
  static constexpr std::size_t kTxKeys = 8192;
  static constexpr std::uint64_t kNoProbe = ~std::uint64_t{0};
  struct TxKeys {
    std::vector<std::uint64_t> probe;  // target << 32 | low 32 bits of the round
    std::uint32_t next = 0;
  };
  void remember_send(std::size_t target, std::uint64_t round);

  EngineConfig config_;
  std::vector<IpAddress> targets_;
  std::array<TxKeys, 2> tx_keys_;
  TargetIndex index_;
  SpreadSchedule schedule_;
  ProbeWindows windows_;
  std::vector<TargetState> targets_state_;
  std::vector<std::uint8_t> packet_;  // the probe being built
  std::vector<std::uint8_t> payload_;
  ProbeSlot expiry_;                  // the oldest probe that may still be pending
  std::uint64_t pending_ = 0;
  std::uint64_t foreign_ = 0;
};

}  // namespace bp
