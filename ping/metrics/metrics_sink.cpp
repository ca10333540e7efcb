#include "ping/metrics/metrics_sink.h"

#include <utility>

namespace bp {
namespace {

// The single writer's increment: no read-modify-write is needed, and release lets a reader
// that sees the new value see everything the loop counted before it (see the header).
void bump(MetricsSink::Counter& counter, std::uint64_t by = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_release);
}

std::uint64_t read(const MetricsSink::Counter& counter) {
  return counter.load(std::memory_order_acquire);
}

template <std::size_t N>
void read_all(const std::array<MetricsSink::Counter, N>& counters, std::array<std::uint64_t, N>& out) {
  for (std::size_t i = 0; i < N; ++i) out[i] = read(counters[i]);
}

std::size_t index_of(CorruptReason reason) { return static_cast<std::size_t>(reason); }
std::size_t index_of(IcmpErrorKind kind) { return static_cast<std::size_t>(kind); }

}  // namespace

std::string_view corrupt_reason_label(CorruptReason reason) {
  return reason == CorruptReason::kChecksum ? "checksum" : "payload";
}

MetricsSink::MetricsSink(const std::vector<Family>& families, RttBuckets buckets)
    : buckets_(std::move(buckets)),
      counters_(families.size()),
      bucket_counts_(std::make_unique<Counter[]>(families.size() * buckets_.bucket_count())) {
  for (std::size_t i = 0; i < families.size(); ++i) counters_[i].family = families[i];
}

MetricsSink::Counter* MetricsSink::buckets_of(std::size_t target) {
  return bucket_counts_.get() + target * buckets_.bucket_count();
}

const MetricsSink::Counter* MetricsSink::buckets_of(std::size_t target) const {
  return bucket_counts_.get() + target * buckets_.bucket_count();
}

void MetricsSink::on_sent(std::size_t target, std::uint16_t /*sequence*/) {
  bump(counters_[target].requests);
}

void MetricsSink::on_send_failed(std::size_t target, int /*err*/) {
  bump(counters_[target].requests);
  bump(send_errors_);
}

void MetricsSink::on_reply(std::size_t target, const ReplyEvent& event) {
  Counters& c = counters_[target];
  if (event.status == ReplyStatus::kBadChecksum) return bump(c.corrupt[index_of(CorruptReason::kChecksum)]);
  if (event.mismatch) return bump(c.corrupt[index_of(CorruptReason::kPayload)]);
  if (event.status == ReplyStatus::kDuplicate) return bump(c.duplicates);
  if (!event.valid()) return;  // truncated or from another address: not an answer
  if (event.ttl) c.ttl_plus_one.store(static_cast<std::uint16_t>(*event.ttl + 1), std::memory_order_release);
  if (event.rtt) observe_rtt(target, *event.rtt);
  bump(c.replies);
}

void MetricsSink::observe_rtt(std::size_t target, Duration rtt) {
  // The sum before the bucket: a snapshot reads the buckets first (see the header).
  bump(counters_[target].rtt_sum_ns, histogram_nanoseconds(rtt));
  bump(buckets_of(target)[buckets_.bucket_of(rtt)]);
}

void MetricsSink::on_icmp_error(std::size_t target, const IcmpErrorEvent& event) {
  Counters& c = counters_[target];
  bump(c.icmp_errors[index_of(icmp_error_kind(c.family, event.type, event.code))]);
}

void MetricsSink::on_local_error(std::size_t /*target*/, int /*err*/, std::uint32_t /*info*/) {
  bump(send_errors_);
}

void MetricsSink::on_lost(std::size_t target, std::uint16_t /*sequence*/) {
  bump(counters_[target].timeouts);
}

void MetricsSink::note_scrape_error() { scrape_errors_.fetch_add(1, std::memory_order_relaxed); }

TargetSnapshot MetricsSink::snapshot(std::size_t target) const {
  TargetSnapshot out;
  snapshot_into(target, out);
  return out;
}

// Effects before causes: everything a reply or a loss counts, then the requests last.
void MetricsSink::snapshot_into(std::size_t target, TargetSnapshot& out) const {
  const Counters& c = counters_[target];
  const std::uint16_t ttl = c.ttl_plus_one.load(std::memory_order_acquire);
  out.last_ttl = ttl == 0 ? std::nullopt : std::optional<std::uint8_t>(static_cast<std::uint8_t>(ttl - 1));
  const Counter* buckets = buckets_of(target);
  out.rtt.counts.resize(buckets_.bucket_count());
  for (std::size_t i = 0; i < out.rtt.counts.size(); ++i) out.rtt.counts[i] = read(buckets[i]);
  out.rtt.sum_ns = read(c.rtt_sum_ns);
  out.replies = read(c.replies);
  out.duplicates = read(c.duplicates);
  read_all(c.corrupt, out.corrupt);
  read_all(c.icmp_errors, out.icmp_errors);
  out.timeouts = read(c.timeouts);
  out.requests = read(c.requests);
}

ExporterSnapshot MetricsSink::exporter_snapshot() const {
  return {read(send_errors_), scrape_errors_.load(std::memory_order_relaxed)};
}

// Causes before effects, the reverse of snapshot_into(), so that a reader never sees more
// replies than requests even here (the exporter restores before it publishes the sink anyway).
void MetricsSink::restore(std::size_t target, const TargetSnapshot& from) {
  Counters& c = counters_[target];
  c.requests.store(from.requests, std::memory_order_release);
  c.timeouts.store(from.timeouts, std::memory_order_release);
  for (std::size_t i = 0; i < kIcmpErrorKinds; ++i) c.icmp_errors[i].store(from.icmp_errors[i], std::memory_order_release);
  for (std::size_t i = 0; i < kCorruptReasons; ++i) c.corrupt[i].store(from.corrupt[i], std::memory_order_release);
  c.duplicates.store(from.duplicates, std::memory_order_release);
  c.replies.store(from.replies, std::memory_order_release);
  c.rtt_sum_ns.store(from.rtt.sum_ns, std::memory_order_release);
  Counter* buckets = buckets_of(target);
  for (std::size_t i = 0; i < buckets_.bucket_count() && i < from.rtt.counts.size(); ++i) {
    buckets[i].store(from.rtt.counts[i], std::memory_order_release);
  }
  c.ttl_plus_one.store(from.last_ttl ? static_cast<std::uint16_t>(*from.last_ttl + 1) : 0,
                       std::memory_order_release);
}

void MetricsSink::restore_exporter(const ExporterSnapshot& from) {
  send_errors_.store(from.send_errors, std::memory_order_release);
  scrape_errors_.fetch_add(from.scrape_errors, std::memory_order_relaxed);
}

}  // namespace bp
