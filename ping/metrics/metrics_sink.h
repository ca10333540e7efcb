#pragma once
// MetricsSink: the Prometheus exporter's figures (issue 14), kept from the engine's events
// (probe_events.h) in counters that the probe loop writes and an HTTP thread reads WITHOUT
// locks. Pure: no clock, no I/O, no thread of its own.
//
// What each event counts, per target:
//   on_sent, on_send_failed   requests (a failed send still counts, as in iputils); a failed
//                             send also counts in the exporter's send_errors
//   on_reply                  bad checksum: corrupt{checksum}; a wrong payload byte (first or
//                             duplicate): corrupt{payload}; other duplicates: duplicates; a
//                             valid first reply (ReplyEvent::valid()): replies, its RTT in the
//                             histogram, its TTL as the last TTL. A first reply that is
//                             truncated or comes from another address counts nowhere: for
//                             the exporter it is not an answer (it shows as requests - replies)
//   on_icmp_error             icmp_errors{kind} (icmp_error_kind.h), in band ones included
//   on_local_error            the exporter's send_errors (the probe was already a request)
//   on_lost                   timeouts
//
// Why reading without locks is safe:
// - One writer. Only the probe loop's thread calls the on_* methods, so a counter is bumped
//   with a plain load and store (no atomic read-modify-write, no lock prefix) and no update is
//   lost. note_scrape_error() is the exception: it may run on any HTTP thread, so it uses
//   fetch_add on a counter the loop never writes.
// - Counters only grow, and each is one std::atomic<std::uint64_t>: a reader sees some value
//   it had, never a torn one, and by read-read coherence two loads in a row on one thread never
//   go backwards. So successive snapshots taken by one thread never decrease.
// - Across counters, relaxed order alone would promise nothing: a reader could see a reply
//   counted and an older request count. So the writer stores with release and the reader loads
//   with acquire, reading effects before causes: histogram, replies and the other per-reply
//   counters first, requests last. A request is counted (on_sent) before anything about its
//   probe, so every snapshot has replies <= requests and rtt count <= requests, and the
//   smokeping-style loss (requests - _count) is never negative. On x86-64 a release store and
//   an acquire load are the same plain mov as relaxed ones.
// - Within the histogram, the sum is stored before the bucket and read after the buckets, so
//   a snapshot's _sum may already include an RTT whose bucket it does not count yet (never the
//   reverse). The count is the sum of the buckets, so "+Inf" equals _count in every snapshot.
//
// Memory: per target, one Counters (120 bytes) and one counter per bucket (19 with the default
// buckets: 152 bytes), about 272 bytes: 27 MB for 100 000 targets. The targets are fixed at
// construction.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "ping/engine/probe_events.h"
#include "ping/metrics/icmp_error_kind.h"
#include "ping/metrics/rtt_histogram.h"
#include "ping/packet/ip_address.h"

namespace bp {

enum class CorruptReason : std::uint8_t { kChecksum, kPayload };
inline constexpr std::size_t kCorruptReasons = 2;
inline constexpr std::array<CorruptReason, kCorruptReasons> kAllCorruptReasons = {
    CorruptReason::kChecksum, CorruptReason::kPayload};
// The `reason` label value: "checksum" or "payload".
std::string_view corrupt_reason_label(CorruptReason reason);

// One target's figures at one moment, as plain values.
struct TargetSnapshot {
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;  // valid first replies
  std::uint64_t duplicates = 0;
  std::uint64_t timeouts = 0;
  std::array<std::uint64_t, kCorruptReasons> corrupt{};     // by CorruptReason
  std::array<std::uint64_t, kIcmpErrorKinds> icmp_errors{};  // by IcmpErrorKind
  std::optional<std::uint8_t> last_ttl;  // of the latest valid reply that had one
  RttHistogram rtt;
};

// The exporter's own counters.
struct ExporterSnapshot {
  std::uint64_t send_errors = 0;    // failed sends and local errors
  std::uint64_t scrape_errors = 0;  // scrapes that could not be answered
};

class MetricsSink final : public ProbeEvents {
 public:
  // One target per element of `families` (the family of its address), in the engine's order.
  MetricsSink(const std::vector<Family>& families, RttBuckets buckets);

  void on_sent(std::size_t target, std::uint16_t sequence) override;
  void on_send_failed(std::size_t target, int err) override;
  void on_reply(std::size_t target, const ReplyEvent& event) override;
  void on_icmp_error(std::size_t target, const IcmpErrorEvent& event) override;
  void on_local_error(std::size_t target, int err, std::uint32_t info) override;
  void on_lost(std::size_t target, std::uint16_t sequence) override;

  // From any thread (the HTTP side): a scrape failed, e.g. the client went away mid-response.
  void note_scrape_error();

  // Readers, from any thread.
  std::size_t targets() const { return counters_.size(); }
  const RttBuckets& buckets() const { return buckets_; }
  TargetSnapshot snapshot(std::size_t target) const;
  // The same into `out`, reusing its histogram's storage (a scrape of many targets).
  void snapshot_into(std::size_t target, TargetSnapshot& out) const;
  ExporterSnapshot exporter_snapshot() const;

  // A reload (SIGHUP) keeps an unchanged target's figures: the new sink takes them from the
  // old one's snapshot. The writer's side, before any reader has the new sink; `from` must
  // come from a sink with the same buckets.
  void restore(std::size_t target, const TargetSnapshot& from);
  void restore_exporter(const ExporterSnapshot& from);

  using Counter = std::atomic<std::uint64_t>;
  // One target's counters (the buckets live apart, in one array for all targets).
  struct Counters {
    Counter requests{0};
    Counter replies{0};
    Counter duplicates{0};
    Counter timeouts{0};
    Counter rtt_sum_ns{0};
    std::array<Counter, kCorruptReasons> corrupt{};
    std::array<Counter, kIcmpErrorKinds> icmp_errors{};
    std::atomic<std::uint16_t> ttl_plus_one{0};  // 0: no TTL yet
    Family family = Family::kIpv4;                // written once, before any reader
  };

 private:
  Counter* buckets_of(std::size_t target);
  const Counter* buckets_of(std::size_t target) const;
  void observe_rtt(std::size_t target, Duration rtt);

  RttBuckets buckets_;
  std::vector<Counters> counters_;
  std::unique_ptr<Counter[]> bucket_counts_;  // targets x buckets_.bucket_count()
  Counter send_errors_{0};
  Counter scrape_errors_{0};
};

}  // namespace bp
