// MetricsSink: which event feeds which counter, the ICMP error kinds of both families, the
// exporter's own counters, and counters that only grow, also under a concurrent reader.

#include "ping/metrics/metrics_sink.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace bp {
namespace {

using namespace std::chrono_literals;

ReplyEvent reply(std::uint16_t seq, Duration rtt, ReplyStatus status = ReplyStatus::kFirst) {
  ReplyEvent e;
  e.status = status;
  e.sequence = seq;
  e.rtt = rtt;
  e.ttl = 57;
  return e;
}

IcmpErrorEvent icmp_error(std::uint8_t type, std::uint8_t code) {
  IcmpErrorEvent e;
  e.type = type;
  e.code = code;
  return e;
}

std::size_t kind(IcmpErrorKind k) { return static_cast<std::size_t>(k); }

MetricsSink two_targets() {
  return MetricsSink({Family::kIpv4, Family::kIpv6}, RttBuckets::default_buckets());
}

TEST(MetricsSink, RequestsCountSentAndFailedSends) {
  MetricsSink sink = two_targets();
  sink.on_sent(0, 1);
  sink.on_send_failed(0, 101);
  sink.on_sent(1, 1);
  EXPECT_EQ(sink.snapshot(0).requests, 2u);
  EXPECT_EQ(sink.snapshot(1).requests, 1u);
  EXPECT_EQ(sink.exporter_snapshot().send_errors, 1u);
}

TEST(MetricsSink, ValidFirstReplyFeedsRepliesHistogramAndTtl) {
  MetricsSink sink = two_targets();
  EXPECT_FALSE(sink.snapshot(0).last_ttl) << "absent until a reply";
  sink.on_sent(0, 1);
  sink.on_reply(0, reply(1, 1ms));
  const TargetSnapshot s = sink.snapshot(0);
  EXPECT_EQ(s.replies, 1u);
  EXPECT_EQ(s.rtt.count(), 1u);
  EXPECT_EQ(s.rtt.counts[5], 1u) << "le=0.001";
  EXPECT_EQ(s.rtt.sum_ns, 1'000'000u);
  EXPECT_EQ(s.last_ttl, std::optional<std::uint8_t>(57));
  EXPECT_EQ(sink.snapshot(1).replies, 0u) << "targets keep their own counters";
}

TEST(MetricsSink, TtlZeroIsATtl) {
  MetricsSink sink = two_targets();
  ReplyEvent e = reply(1, 1ms);
  e.ttl = 0;
  sink.on_reply(0, e);
  EXPECT_EQ(sink.snapshot(0).last_ttl, std::optional<std::uint8_t>(0));
}

TEST(MetricsSink, DuplicatesAndCorruptRepliesAreNotReplies) {
  MetricsSink sink = two_targets();
  sink.on_reply(0, reply(1, 1ms, ReplyStatus::kDuplicate));
  sink.on_reply(0, reply(2, 1ms, ReplyStatus::kBadChecksum));
  ReplyEvent wrong_byte = reply(3, 1ms);
  wrong_byte.mismatch = PayloadMismatch{4, 0x10, 0x11};
  sink.on_reply(0, wrong_byte);
  wrong_byte.status = ReplyStatus::kDuplicate;
  sink.on_reply(0, wrong_byte);
  const TargetSnapshot s = sink.snapshot(0);
  EXPECT_EQ(s.duplicates, 1u);
  EXPECT_EQ(s.corrupt[static_cast<std::size_t>(CorruptReason::kChecksum)], 1u);
  EXPECT_EQ(s.corrupt[static_cast<std::size_t>(CorruptReason::kPayload)], 2u);
  EXPECT_EQ(s.replies, 0u);
  EXPECT_EQ(s.rtt.count(), 0u);
  EXPECT_FALSE(s.last_ttl);
}

TEST(MetricsSink, TruncatedOrForeignFirstRepliesCountNowhere) {
  MetricsSink sink = two_targets();
  ReplyEvent truncated = reply(1, 1ms);
  truncated.truncated = true;
  ReplyEvent foreign = reply(2, 1ms);
  foreign.different_address = true;
  sink.on_reply(0, truncated);
  sink.on_reply(0, foreign);
  const TargetSnapshot s = sink.snapshot(0);
  EXPECT_EQ(s.replies + s.duplicates + s.corrupt[0] + s.corrupt[1] + s.rtt.count(), 0u);
}

TEST(MetricsSink, IcmpErrorsByKindOfTheTargetsFamily) {
  MetricsSink sink = two_targets();
  sink.on_icmp_error(0, icmp_error(11, 0));  // IPv4 time exceeded
  sink.on_icmp_error(1, icmp_error(3, 0));   // ICMPv6 time exceeded
  sink.on_icmp_error(1, icmp_error(1, 3));   // ICMPv6 address unreachable
  IcmpErrorEvent in_band = icmp_error(5, 1);
  in_band.origin = ErrorOrigin::kInBand;
  sink.on_icmp_error(0, in_band);
  EXPECT_EQ(sink.snapshot(0).icmp_errors[kind(IcmpErrorKind::kTimeExceeded)], 1u);
  EXPECT_EQ(sink.snapshot(0).icmp_errors[kind(IcmpErrorKind::kRedirect)], 1u) << "in band too";
  EXPECT_EQ(sink.snapshot(1).icmp_errors[kind(IcmpErrorKind::kTimeExceeded)], 1u);
  EXPECT_EQ(sink.snapshot(1).icmp_errors[kind(IcmpErrorKind::kUnreachable)], 1u);
}

TEST(MetricsSink, LostProbesAreTimeouts) {
  MetricsSink sink = two_targets();
  sink.on_lost(1, 7);
  sink.on_lost(1, 8);
  EXPECT_EQ(sink.snapshot(1).timeouts, 2u);
}

TEST(MetricsSink, ExporterCountsLocalErrorsAndScrapeErrors) {
  MetricsSink sink = two_targets();
  sink.on_local_error(0, 90, 1500);
  sink.on_send_failed(1, 101);
  sink.note_scrape_error();
  const ExporterSnapshot e = sink.exporter_snapshot();
  EXPECT_EQ(e.send_errors, 2u);
  EXPECT_EQ(e.scrape_errors, 1u);
  EXPECT_EQ(sink.snapshot(0).requests, 0u) << "a local error is about a probe already counted";
}

TEST(MetricsSink, StaysSmallPerTarget) {
  EXPECT_LE(sizeof(MetricsSink::Counters), 128u);
  // With the default 19 buckets: Counters plus 19 counters, under 300 bytes per target.
  EXPECT_LE(sizeof(MetricsSink::Counters) + 19 * sizeof(MetricsSink::Counter), 300u);
}

TEST(IcmpErrorKind, Ipv4Mapping) {
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 3, 1), IcmpErrorKind::kUnreachable);
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 3, 13), IcmpErrorKind::kUnreachable);
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 3, 4), IcmpErrorKind::kPacketTooBig);
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 4, 0), IcmpErrorKind::kSourceQuench);
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 5, 0), IcmpErrorKind::kRedirect);
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 11, 1), IcmpErrorKind::kTimeExceeded);
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 12, 0), IcmpErrorKind::kParameterProblem);
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 1, 0), IcmpErrorKind::kOther) << "ICMPv6's unreachable type";
  EXPECT_EQ(icmp_error_kind(Family::kIpv4, 137, 0), IcmpErrorKind::kOther) << "ICMPv6's redirect type";
}

TEST(IcmpErrorKind, Ipv6Mapping) {
  EXPECT_EQ(icmp_error_kind(Family::kIpv6, 1, 4), IcmpErrorKind::kUnreachable);
  EXPECT_EQ(icmp_error_kind(Family::kIpv6, 2, 0), IcmpErrorKind::kPacketTooBig);
  EXPECT_EQ(icmp_error_kind(Family::kIpv6, 3, 1), IcmpErrorKind::kTimeExceeded);
  EXPECT_EQ(icmp_error_kind(Family::kIpv6, 4, 2), IcmpErrorKind::kParameterProblem);
  EXPECT_EQ(icmp_error_kind(Family::kIpv6, 137, 0), IcmpErrorKind::kRedirect);
  EXPECT_EQ(icmp_error_kind(Family::kIpv6, 11, 0), IcmpErrorKind::kOther) << "IPv4's time exceeded";
  EXPECT_EQ(icmp_error_kind(Family::kIpv6, 5, 0), IcmpErrorKind::kOther);
}

TEST(IcmpErrorKind, StableLabelValues) {
  std::string all;
  for (const IcmpErrorKind k : kAllIcmpErrorKinds) all += std::string(icmp_error_kind_label(k)) + " ";
  EXPECT_EQ(all, "unreachable time_exceeded parameter_problem redirect source_quench packet_too_big other ");
}

// One of a fixed, varied sequence of events for target `target` (deterministic: no RNG).
void apply_event(MetricsSink& sink, std::size_t target, std::uint32_t i) {
  const auto seq = static_cast<std::uint16_t>(i);
  switch (i % 9) {
    case 0: case 1: case 2: sink.on_sent(target, seq); break;
    case 3: sink.on_reply(target, reply(seq, std::chrono::microseconds(i % 5000))); break;
    case 4: sink.on_reply(target, reply(seq, 2ms, ReplyStatus::kDuplicate)); break;
    case 5: sink.on_lost(target, seq); break;
    case 6: sink.on_icmp_error(target, icmp_error(3, static_cast<std::uint8_t>(i % 16))); break;
    case 7: sink.on_reply(target, reply(seq, 1ms, ReplyStatus::kBadChecksum)); break;
    default: sink.on_send_failed(target, 101); break;
  }
}

// Every counter of `later` is at least that of `earlier`.
void expect_not_below(const TargetSnapshot& earlier, const TargetSnapshot& later) {
  ASSERT_GE(later.requests, earlier.requests);
  ASSERT_GE(later.replies, earlier.replies);
  ASSERT_GE(later.duplicates, earlier.duplicates);
  ASSERT_GE(later.timeouts, earlier.timeouts);
  for (std::size_t i = 0; i < kCorruptReasons; ++i) ASSERT_GE(later.corrupt[i], earlier.corrupt[i]);
  for (std::size_t i = 0; i < kIcmpErrorKinds; ++i) ASSERT_GE(later.icmp_errors[i], earlier.icmp_errors[i]);
  for (std::size_t i = 0; i < later.rtt.counts.size(); ++i) ASSERT_GE(later.rtt.counts[i], earlier.rtt.counts[i]);
  ASSERT_GE(later.rtt.sum_ns, earlier.rtt.sum_ns);
}

void expect_consistent(const TargetSnapshot& s) {
  ASSERT_LE(s.replies, s.requests);
  ASSERT_LE(s.rtt.count(), s.requests);
  ASSERT_EQ(s.rtt.cumulative().back(), s.rtt.count());
}

TEST(MetricsSink, CountersNeverDecreaseAsEventsApply) {
  MetricsSink sink = two_targets();
  TargetSnapshot previous = sink.snapshot(0);
  for (std::uint32_t i = 0; i < 2000; ++i) {
    apply_event(sink, 0, i);
    const TargetSnapshot now = sink.snapshot(0);
    expect_not_below(previous, now);
    expect_consistent(now);
    previous = now;
  }
  // 2000 = 9 * 222 + 2: 4 requests per cycle of 9 events, and the last two events are sends.
  EXPECT_EQ(previous.requests, 222u * 4 + 2);
}

TEST(MetricsSink, ConcurrentReaderSeesGrowingConsistentSnapshots) {
  constexpr std::uint32_t kEvents = 100'000;
  constexpr int kMaxSnapshots = 1'000'000;  // bounds the reader if the writer were stuck
  MetricsSink sink = two_targets();
  std::atomic<bool> done{false};
  std::atomic<bool> reading{false};
  std::thread writer([&] {
    // The writer starts once the reader is reading, so that they overlap (a writer done
    // before the reader's first look would make the test pass without testing anything).
    while (!reading.load(std::memory_order_acquire)) std::this_thread::yield();
    for (std::uint32_t i = 0; i < kEvents; ++i) apply_event(sink, 1, i);
    done.store(true, std::memory_order_release);
  });
  TargetSnapshot previous = sink.snapshot(1);
  reading.store(true, std::memory_order_release);
  TargetSnapshot now;
  int taken = 0;
  for (; taken < kMaxSnapshots && (taken == 0 || !done.load(std::memory_order_acquire)); ++taken) {
    sink.snapshot_into(1, now);
    expect_not_below(previous, now);
    expect_consistent(now);
    if (::testing::Test::HasFatalFailure()) break;
    std::swap(previous, now);
  }
  writer.join();
  const TargetSnapshot last = sink.snapshot(1);
  expect_not_below(previous, last);
  EXPECT_EQ(last.requests, kEvents / 9 * 4 + 1);  // 100 000 = 9 * 11 111 + 1: one more send
  EXPECT_EQ(last.replies, kEvents / 9);
  EXPECT_GT(taken, 0);
}

}  // namespace
}  // namespace bp
