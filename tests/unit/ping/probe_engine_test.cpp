// ProbeEngine through a fake network (fake_network.h) and a sink that records every event:
// what is sent and when, every kind of reply, the dispatch of replies and errors to targets
// (wrong source, wrong identifier, another run's replies with our identifier, sequence wrap),
// -W, send failures, the exit status and exact counts over many targets. Literal times only.

#include "ping/engine/probe_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <tuple>
#include <utility>
#include <vector>

#include "ping/engine/probe_token.h"
#include "ping/packet/payload.h"
#include "tests/unit/ping/fake_network.h"

namespace bp {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using test::FakeNetwork;
using test::SentProbe;

constexpr std::uint16_t kId4 = 0x4242;
constexpr std::uint16_t kId6 = 0x6262;
constexpr std::uint64_t kNonce = 0x5EED5EED12345678ULL;
const MonoTime kStart = MonoTime(seconds(1000));

// 198.19.c.d
IpAddress v4(std::uint8_t c, std::uint8_t d) { return IpAddress::v4(std::array<std::uint8_t, 4>{198, 19, c, d}); }
// 2001:db8:1::<last>
IpAddress v6(std::uint16_t last) {
  std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8, 0, 1};
  b[14] = static_cast<std::uint8_t>(last >> 8);
  b[15] = static_cast<std::uint8_t>(last);
  return IpAddress::v6(b);
}
const IpAddress kRouter = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 1});
const IpAddress kStranger = v4(0, 99);

EngineConfig config(std::uint64_t count = 0, Duration wait = seconds(10),
                    std::optional<Duration> deadline = std::nullopt) {
  EngineConfig c;
  c.identifiers = {kId4, kId6};
  c.payload.resize(56);
  fill_payload(c.payload);
  c.nonce = kNonce;
  c.count = count;
  c.wait = wait;
  c.deadline = deadline;
  return c;
}

// Every event, in order. Reply payload spans are dropped (they point into the test's buffers).
struct Recorder final : ProbeEvents {
  using Seq = std::pair<std::size_t, std::uint16_t>;
  std::vector<Seq> sent;
  std::vector<Seq> lost;
  std::vector<std::pair<std::size_t, int>> failed;
  std::vector<std::pair<std::size_t, ReplyEvent>> replies;
  std::vector<std::pair<std::size_t, IcmpErrorEvent>> errors;
  std::vector<std::tuple<std::size_t, int, std::uint32_t>> local_errors;
  std::vector<std::size_t> done;

  void on_sent(std::size_t t, std::uint16_t s) override { sent.emplace_back(t, s); }
  void on_send_failed(std::size_t t, int err) override { failed.emplace_back(t, err); }
  void on_reply(std::size_t t, const ReplyEvent& e) override {
    ReplyEvent copy = e;
    copy.payload = {};
    copy.ip_options = {};
    replies.emplace_back(t, copy);
  }
  void on_icmp_error(std::size_t t, const IcmpErrorEvent& e) override { errors.emplace_back(t, e); }
  void on_local_error(std::size_t t, int err, std::uint32_t info) override {
    local_errors.emplace_back(t, err, info);
  }
  void on_lost(std::size_t t, std::uint16_t s) override { lost.emplace_back(t, s); }
  void on_target_done(std::size_t t) override { done.push_back(t); }
};

struct Harness {
  FakeNetwork net;
  Recorder events;
  ProbeEngine engine;

  Harness(EngineConfig c, std::vector<IpAddress> targets) : engine(std::move(c), std::move(targets), kStart) {}

  std::size_t send_at(MonoTime now) {
    net.clock = now;
    return engine.send_due(now, net, events);
  }
  // Hands `message` to the engine as a datagram socket's read from `from` at `read_at`.
  void deliver(std::span<const std::uint8_t> message, const IpAddress& from, MonoTime read_at,
               Envelope envelope = {}, bool cut = false) {
    ReadMeta meta;
    meta.from = from;
    meta.read_at = read_at;
    meta.cut_by_buffer = cut;
    if (!envelope.ttl) envelope.ttl = 64;
    engine.on_echo_reply(test::parse_reply(from.family, message), envelope, meta, events);
  }
  // The faithful reply to `probe`, read `rtt` after its send.
  void answer(const SentProbe& probe, Duration rtt) { deliver(test::reply_bytes(probe), probe.to, probe.at + rtt); }
  void expire(MonoTime now) { engine.expire(now, events); }
};

// ---- Sending ------------------------------------------------------------------------------

TEST(ProbeEngine, SendsEachTargetAtItsOffsetInTheInterval) {
  Harness h(config(), {v4(0, 1), v6(5), v4(0, 3), v4(0, 4)});
  EXPECT_EQ(h.send_at(kStart - nanoseconds(1)), 0u);
  EXPECT_EQ(h.send_at(kStart), 1u);
  EXPECT_EQ(h.send_at(kStart + milliseconds(250) - nanoseconds(1)), 0u);
  EXPECT_EQ(h.send_at(kStart + milliseconds(250)), 1u);
  EXPECT_EQ(h.send_at(kStart + seconds(1)), 3u);
  EXPECT_EQ(h.events.sent, (std::vector<Recorder::Seq>{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {0, 2}}));
  ASSERT_EQ(h.net.sent.size(), 5u);
  EXPECT_EQ(h.net.sent[0].to, v4(0, 1));
  EXPECT_EQ(h.net.sent[1].to, v6(5));
  EXPECT_EQ(h.net.sent[4].to, v4(0, 1));
  EXPECT_EQ(h.net.sent[3].at, kStart + seconds(1));
  EXPECT_EQ(h.engine.pending(), 5u);
  EXPECT_EQ(h.engine.figures(0).transmitted, 2u);
  EXPECT_EQ(h.engine.figures(1).transmitted, 1u);
}

TEST(ProbeEngine, ProbeCarriesIdentifierSequenceTokenAndPattern) {
  Harness h(config(), {v4(0, 1), v6(5)});
  h.send_at(kStart + seconds(1));  // round 0 of both, round 1 of target 0
  ASSERT_EQ(h.net.sent.size(), 3u);
  const SentProbe& four = h.net.sent[0];
  ASSERT_EQ(four.icmp.size(), 64u);
  EXPECT_EQ(four.icmp[0], icmp4::kEchoRequest);
  EXPECT_EQ(four.icmp[1], 0);
  EXPECT_EQ(four.identifier(), kId4);
  EXPECT_EQ(four.sequence(), 1);
  ChecksumAccumulator sum;
  sum.add(four.icmp);
  EXPECT_EQ(sum.finish(), 0);  // a valid RFC 1071 checksum
  std::array<std::uint8_t, 8> token{};
  write_probe_token(probe_token(kNonce, 0, 0), token);
  EXPECT_TRUE(std::equal(token.begin(), token.end(), four.payload().begin()));
  for (std::size_t i = 8; i < 56; ++i) ASSERT_EQ(four.payload()[i], i) << i;

  const SentProbe& six = h.net.sent[1];
  EXPECT_EQ(six.icmp[0], icmp6::kEchoRequest);
  EXPECT_EQ(six.identifier(), kId6);
  EXPECT_TRUE(has_probe_token(probe_token(kNonce, 1, 0), six.payload(), 56));

  const SentProbe& second = h.net.sent[2];
  EXPECT_EQ(second.sequence(), 2);
  EXPECT_TRUE(has_probe_token(probe_token(kNonce, 0, 1), second.payload(), 56));
  EXPECT_FALSE(has_probe_token(probe_token(kNonce, 0, 0), second.payload(), 56));
}

TEST(ProbeEngine, SendTimeIsTheNetworkClockJustBeforeTheSend) {
  Harness h(config(1, seconds(2)), {v4(0, 1)});
  h.net.clock = kStart + microseconds(7);  // the loop's turn began a little earlier
  h.engine.send_due(kStart, h.net, h.events);
  h.answer(h.net.sent[0], microseconds(100));
  EXPECT_EQ(h.events.replies[0].second.rtt, microseconds(100));
  EXPECT_EQ(h.net.sent[0].at, kStart + microseconds(7));
}

TEST(ProbeEngine, ALateTurnSendsTheMissedProbesInOrderInBatches) {
  EngineConfig c = config();
  c.max_sends_per_call = 4;
  Harness h(c, {v4(0, 1), v4(0, 2), v4(0, 3)});
  std::size_t total = 0;
  for (int call = 0; call < 20; ++call) {
    const std::size_t n = h.send_at(kStart + seconds(10));
    EXPECT_LE(n, 4u);
    total += n;
    if (n == 0) break;
  }
  EXPECT_EQ(total, 31u);  // rounds 0..9 of all three and round 10 of target 0
  ASSERT_EQ(h.events.sent.size(), 31u);
  for (std::size_t k = 0; k < 31; ++k) {
    EXPECT_EQ(h.events.sent[k], (Recorder::Seq{k % 3, static_cast<std::uint16_t>(k / 3 + 1)})) << k;
  }
  EXPECT_EQ(h.engine.next_wakeup(kStart + seconds(10)), kStart + seconds(10) + nanoseconds(333'333'333));
}

// ---- Replies ------------------------------------------------------------------------------

TEST(ProbeEngine, FirstReplyCountsWithItsRoundTrip) {
  Harness h(config(), {v4(0, 1), v6(5)});
  h.send_at(kStart + milliseconds(500));
  h.answer(h.net.sent[0], milliseconds(3));
  h.answer(h.net.sent[1], microseconds(250));
  ASSERT_EQ(h.events.replies.size(), 2u);
  const auto& [target, e] = h.events.replies[0];
  EXPECT_EQ(target, 0u);
  EXPECT_EQ(e.status, ReplyStatus::kFirst);
  EXPECT_EQ(e.sequence, 1);
  EXPECT_EQ(e.identifier, kId4);
  EXPECT_EQ(e.icmp_bytes, 64u);
  EXPECT_EQ(e.from, v4(0, 1));
  EXPECT_EQ(e.ttl, 64);
  EXPECT_EQ(e.rtt, milliseconds(3));
  EXPECT_TRUE(e.valid());
  EXPECT_EQ(h.events.replies[1].first, 1u);
  EXPECT_EQ(h.events.replies[1].second.rtt, microseconds(250));
  EXPECT_TRUE(h.events.replies[1].second.valid());
  EXPECT_EQ(h.engine.figures(0).received, 1u);
  EXPECT_EQ(h.engine.figures(0).last_rtt, milliseconds(3));
  EXPECT_EQ(h.engine.rtt_stats(0).samples(), 1u);
  EXPECT_EQ(h.engine.pending(), 0u);
  EXPECT_EQ(h.engine.foreign(), 0u);
}

TEST(ProbeEngine, KernelReceiveStampIsUsedOnlyBetweenSendAndRead) {
  Harness h(config(), {v4(0, 1)});
  for (int r = 0; r < 3; ++r) h.send_at(kStart + seconds(r));
  auto reply = [&h](std::size_t k, MonoTime stamp) {
    const std::vector<std::uint8_t> bytes = test::reply_bytes(h.net.sent[k]);
    ReadMeta meta;
    meta.from = v4(0, 1);
    meta.read_at = h.net.sent[k].at + milliseconds(5);
    meta.kernel_rx_mono = stamp;
    h.engine.on_echo_reply(test::parse_reply(Family::kIpv4, bytes), {}, meta, h.events);
    return h.events.replies.back().second.rtt;
  };
  EXPECT_EQ(reply(0, kStart + milliseconds(1)), milliseconds(1));
  EXPECT_EQ(reply(1, kStart + seconds(1) - nanoseconds(1)), milliseconds(5));  // before the send
  EXPECT_EQ(reply(2, kStart + seconds(2) + milliseconds(6)), milliseconds(5));  // after the read
}

TEST(ProbeEngine, DuplicateIsCountedOnceAndAddsToTheStatistics) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart);
  h.answer(h.net.sent[0], milliseconds(1));
  h.answer(h.net.sent[0], milliseconds(4));
  ASSERT_EQ(h.events.replies.size(), 2u);
  EXPECT_EQ(h.events.replies[1].second.status, ReplyStatus::kDuplicate);
  EXPECT_EQ(h.events.replies[1].second.rtt, milliseconds(4));
  EXPECT_FALSE(h.events.replies[1].second.valid());
  const TargetFigures f = h.engine.figures(0);
  EXPECT_EQ(f.received, 1u);
  EXPECT_EQ(f.duplicates, 1u);
  EXPECT_EQ(f.last_rtt, milliseconds(1));
  EXPECT_EQ(h.engine.rtt_stats(0).samples(), 2u);
}

// A raw IPv4 socket's datagram: a 20-byte header (TTL 64, protocol 1) from `from`, then `icmp`.
std::vector<std::uint8_t> ipv4_datagram(const IpAddress& from, std::span<const std::uint8_t> icmp) {
  const std::size_t total = 20 + icmp.size();
  std::vector<std::uint8_t> d = {0x45, 0, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total),
                                 0, 0, 0x40, 0, 64, icmp4::kProtocol, 0, 0};
  d.insert(d.end(), from.bytes.begin(), from.bytes.begin() + 4);
  d.insert(d.end(), {198, 18, 0, 2});
  d.insert(d.end(), icmp.begin(), icmp.end());
  return d;
}

TEST(ProbeEngine, BadChecksumIsShownAndCountedAsCorruptedNeverReceived) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart);
  std::vector<std::uint8_t> bad = test::reply_bytes(h.net.sent[0]);
  bad[3] ^= 0x5A;
  const std::vector<std::uint8_t> datagram = ipv4_datagram(v4(0, 1), bad);
  const ReceivedIcmp received = parse_ipv4_datagram(datagram);
  const EchoReply reply = std::get<EchoReply>(received.message);
  ASSERT_FALSE(reply.checksum_ok);
  ReadMeta meta;
  meta.from = v4(0, 1);
  meta.read_at = kStart + milliseconds(2);
  h.engine.on_echo_reply(reply, received.envelope, meta, h.events);
  ASSERT_EQ(h.events.replies.size(), 1u);
  EXPECT_EQ(h.events.replies[0].second.status, ReplyStatus::kBadChecksum);
  EXPECT_EQ(h.events.replies[0].second.rtt, milliseconds(2));
  EXPECT_EQ(h.events.replies[0].second.ttl, 64);
  EXPECT_FALSE(h.events.replies[0].second.valid());
  EXPECT_EQ(h.engine.figures(0).corrupted, 1u);
  EXPECT_EQ(h.engine.figures(0).received, 0u);
  EXPECT_EQ(h.engine.rtt_stats(0).samples(), 0u);
  EXPECT_EQ(h.engine.pending(), 1u);  // still waiting for a good one

  h.answer(h.net.sent[0], milliseconds(3));
  EXPECT_EQ(h.events.replies[1].second.status, ReplyStatus::kFirst);
  EXPECT_EQ(h.engine.figures(0).received, 1u);
}

TEST(ProbeEngine, WrongPayloadByteAfterTheTokenIsReportedAtItsIndex) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart + seconds(1));
  for (const std::size_t index : {std::size_t{8}, std::size_t{20}, std::size_t{55}}) {
    const std::size_t k = index == 8 ? 0 : 1;
    std::vector<std::uint8_t> bytes = test::reply_bytes(h.net.sent[k]);
    bytes[kIcmpHeaderSize + index] ^= 0xFF;
    test::fix_icmp4_checksum(bytes);
    h.deliver(bytes, v4(0, 1), kStart + seconds(1) + milliseconds(1));
    const ReplyEvent& e = h.events.replies.back().second;
    ASSERT_TRUE(e.mismatch) << index;
    EXPECT_EQ(e.mismatch->index, index);
    EXPECT_EQ(e.mismatch->expected, static_cast<std::uint8_t>(index));
    EXPECT_EQ(e.mismatch->actual, static_cast<std::uint8_t>(index ^ 0xFF));
    EXPECT_FALSE(e.valid());
  }
  EXPECT_EQ(h.events.replies[0].second.status, ReplyStatus::kFirst);  // counted, as iputils
  EXPECT_EQ(h.events.replies[1].second.status, ReplyStatus::kFirst);
  EXPECT_EQ(h.events.replies[2].second.status, ReplyStatus::kDuplicate);
  EXPECT_EQ(h.engine.figures(0).received, 2u);
}

TEST(ProbeEngine, AWrongTokenByteMakesTheReplyForeign) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart);
  for (std::size_t i = 0; i < kProbeTokenBytes; ++i) {
    std::vector<std::uint8_t> bytes = test::reply_bytes(h.net.sent[0]);
    bytes[kIcmpHeaderSize + i] ^= 0x01;
    test::fix_icmp4_checksum(bytes);
    h.deliver(bytes, v4(0, 1), kStart + milliseconds(1));
  }
  EXPECT_TRUE(h.events.replies.empty());
  EXPECT_EQ(h.engine.foreign(), kProbeTokenBytes);
  EXPECT_EQ(h.engine.pending(), 1u);
}

TEST(ProbeEngine, TruncatedRepliesCountWhenTheTokenIsWhole) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart + seconds(2));
  std::vector<std::uint8_t> short_reply = test::reply_bytes(h.net.sent[0]);
  short_reply.resize(kIcmpHeaderSize + 30);
  test::fix_icmp4_checksum(short_reply);
  h.deliver(short_reply, v4(0, 1), kStart + seconds(2) + milliseconds(1));
  ASSERT_EQ(h.events.replies.size(), 1u);
  EXPECT_TRUE(h.events.replies[0].second.truncated);
  EXPECT_FALSE(h.events.replies[0].second.mismatch);
  EXPECT_EQ(h.events.replies[0].second.icmp_bytes, 38u);
  EXPECT_EQ(h.events.replies[0].second.status, ReplyStatus::kFirst);
  EXPECT_FALSE(h.events.replies[0].second.valid());

  // Cut by the receive buffer (MSG_TRUNC) though the bytes look whole.
  h.deliver(test::reply_bytes(h.net.sent[1]), v4(0, 1), kStart + seconds(2) + milliseconds(1), {}, true);
  EXPECT_TRUE(h.events.replies.back().second.truncated);

  // Too short to hold the token: cannot be told from another's.
  std::vector<std::uint8_t> stub = test::reply_bytes(h.net.sent[2]);
  stub.resize(kIcmpHeaderSize + kProbeTokenBytes - 1);
  test::fix_icmp4_checksum(stub);
  h.deliver(stub, v4(0, 1), kStart + seconds(2) + milliseconds(1));
  EXPECT_EQ(h.events.replies.size(), 2u);
  EXPECT_EQ(h.engine.foreign(), 1u);
  EXPECT_EQ(h.engine.figures(0).received, 2u);
}

TEST(ProbeEngine, IpvSixRepliesCount) {
  Harness h(config(), {v6(1), v6(2)});
  h.send_at(kStart + milliseconds(500));
  h.answer(h.net.sent[1], microseconds(30));
  h.answer(h.net.sent[0], microseconds(40));
  ASSERT_EQ(h.events.replies.size(), 2u);
  EXPECT_EQ(h.events.replies[0].first, 1u);
  EXPECT_EQ(h.events.replies[0].second.identifier, kId6);
  EXPECT_EQ(h.events.replies[1].first, 0u);
  EXPECT_EQ(h.engine.figures(0).received + h.engine.figures(1).received, 2u);
}

// ---- Dispatch -----------------------------------------------------------------------------

TEST(ProbeEngine, ReplyFromAnAddressThatIsNoTargetIsForeign) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart);
  h.deliver(test::reply_bytes(h.net.sent[0]), kStranger, kStart + milliseconds(1));
  EXPECT_TRUE(h.events.replies.empty());
  EXPECT_EQ(h.engine.foreign(), 1u);
  EXPECT_EQ(h.engine.pending(), 1u);
}

TEST(ProbeEngine, ReplyFromAnotherTargetWithTheSameSequenceIsForeign) {
  Harness h(config(), {v4(0, 1), v4(0, 2)});
  h.send_at(kStart + milliseconds(500));  // both sent seq 1
  h.deliver(test::reply_bytes(h.net.sent[0]), v4(0, 2), kStart + milliseconds(600));
  EXPECT_TRUE(h.events.replies.empty());
  EXPECT_EQ(h.engine.foreign(), 1u);
  EXPECT_EQ(h.engine.pending(), 2u);
}

TEST(ProbeEngine, TheIpHeaderSourceWinsOverTheSocketAddress) {
  Harness h(config(), {v4(0, 1), v4(0, 2)});
  h.send_at(kStart + milliseconds(500));
  const std::vector<std::uint8_t> bytes = test::reply_bytes(h.net.sent[0]);
  Envelope from_other;
  from_other.source = v4(0, 2);
  h.deliver(bytes, v4(0, 1), kStart + milliseconds(600), from_other);
  EXPECT_EQ(h.engine.foreign(), 1u);
  Envelope from_target;
  from_target.source = v4(0, 1);
  h.deliver(bytes, kStranger, kStart + milliseconds(600), from_target);
  ASSERT_EQ(h.events.replies.size(), 1u);
  EXPECT_EQ(h.events.replies[0].first, 0u);
  EXPECT_EQ(h.events.replies[0].second.from, v4(0, 1));
}

TEST(ProbeEngine, WrongIdentifierIsForeign) {
  Harness h(config(), {v4(0, 1), v6(5)});
  h.send_at(kStart + milliseconds(500));
  std::vector<std::uint8_t> bytes = test::reply_bytes(h.net.sent[0]);
  bytes[5] ^= 0x01;
  test::fix_icmp4_checksum(bytes);
  h.deliver(bytes, v4(0, 1), kStart + milliseconds(600));
  // An IPv6 reply carrying the IPv4 socket's identifier.
  std::vector<std::uint8_t> six = test::reply_bytes(h.net.sent[1]);
  six[4] = kId4 >> 8;
  six[5] = kId4 & 0xFF;
  h.deliver(six, v6(5), kStart + milliseconds(600));
  EXPECT_TRUE(h.events.replies.empty());
  EXPECT_EQ(h.engine.foreign(), 2u);
}

TEST(ProbeEngine, SequencesNotSentAreForeign) {
  Harness h(config(), {v4(0, 1)});
  const std::vector<std::uint8_t> early = [] {
    SentProbe fake{std::vector<std::uint8_t>(64), v4(0, 1), kStart};
    build_echo_request(Family::kIpv4, kId4, 1, std::vector<std::uint8_t>(56), fake.icmp);
    return test::reply_bytes(fake);
  }();
  h.deliver(early, v4(0, 1), kStart);  // before any probe
  h.send_at(kStart);
  std::vector<std::uint8_t> ahead = test::reply_bytes(h.net.sent[0]);
  ahead[7] = 2;  // seq 2: not sent yet
  test::fix_icmp4_checksum(ahead);
  h.deliver(ahead, v4(0, 1), kStart + milliseconds(1));
  EXPECT_EQ(h.engine.foreign(), 2u);
  EXPECT_TRUE(h.events.replies.empty());
}

// Two runs forced onto one identifier, pinging the same target: each sees the other's replies,
// which carry the right identifier, sequence and source, but the other run's token.
TEST(ProbeEngine, AnotherRunsRepliesWithOurIdentifierNeverCount) {
  EngineConfig other_config = config();
  other_config.nonce = kNonce + 1;
  Harness ours(config(), {v4(0, 1), v6(5)});
  Harness theirs(other_config, {v4(0, 1), v6(5)});
  for (int round = 0; round < 20; ++round) {
    const MonoTime now = kStart + seconds(round) + milliseconds(500);
    ours.send_at(now);
    theirs.send_at(now);
    for (std::size_t k = 0; k < 2; ++k) {
      const SentProbe& mine = ours.net.sent[ours.net.sent.size() - 2 + k];
      const SentProbe& foreign = theirs.net.sent[theirs.net.sent.size() - 2 + k];
      ASSERT_EQ(foreign.sequence(), mine.sequence());
      ASSERT_EQ(foreign.identifier(), mine.identifier());
      ours.answer(foreign, microseconds(100));  // theirs first: must not answer our probe
      ours.answer(mine, microseconds(200));
      theirs.answer(mine, microseconds(100));
    }
  }
  EXPECT_EQ(ours.engine.foreign(), 40u);
  EXPECT_EQ(theirs.engine.foreign(), 40u);
  EXPECT_EQ(ours.events.replies.size(), 40u);
  for (const auto& [target, e] : ours.events.replies) {
    EXPECT_EQ(e.status, ReplyStatus::kFirst);
    EXPECT_EQ(e.rtt, microseconds(200));
  }
  EXPECT_EQ(ours.engine.figures(0).received, 20u);
  EXPECT_EQ(ours.engine.figures(1).received, 20u);
  EXPECT_EQ(ours.engine.figures(0).duplicates, 0u);
  EXPECT_EQ(theirs.engine.figures(0).received, 0u);
}

// -s below 8: the token is the payload's first bytes only. With 4 bytes another run's replies
// still fail; with -s 0 there is nothing to compare and identifier, sequence and source decide
// alone (a limitation: the options accept -s 0 with several targets).
TEST(ProbeEngine, ShortPayloadsCarryAShortToken) {
  for (const std::size_t size : {std::size_t{4}, std::size_t{0}}) {
    EngineConfig mine = config();
    mine.payload.resize(size);
    EngineConfig other = mine;
    other.nonce = kNonce + 1;
    Harness ours(mine, {v4(0, 1)});
    Harness theirs(other, {v4(0, 1)});
    ours.send_at(kStart);
    theirs.send_at(kStart);
    ASSERT_EQ(ours.net.sent[0].icmp.size(), kIcmpHeaderSize + size);
    ours.answer(theirs.net.sent[0], microseconds(100));
    EXPECT_EQ(ours.engine.foreign(), size == 0 ? 0u : 1u) << size;
    ours.answer(ours.net.sent[0], microseconds(200));
    ASSERT_FALSE(ours.events.replies.empty());
    EXPECT_EQ(ours.events.replies.back().second.icmp_bytes, kIcmpHeaderSize + size);
    EXPECT_EQ(ours.engine.figures(0).received, 1u) << size;
    EXPECT_EQ(ours.engine.figures(0).duplicates, size == 0 ? 1u : 0u) << size;
  }
}

// One target past 65 536 probes: its sequence numbers wrap; a reply matches the newest probe
// with that sequence, never the one of 65 536 rounds before (its token differs).
TEST(ProbeEngine, SequenceWrapMatchesTheNewestProbeOnly) {
  EngineConfig c = config(0, milliseconds(2));
  c.interval = milliseconds(1);
  Harness h(c, {v4(0, 1)});
  constexpr std::uint64_t kRounds = 65'536 + 70;
  SentProbe round_69;
  for (std::uint64_t r = 0; r < kRounds; ++r) {
    ASSERT_EQ(h.send_at(kStart + milliseconds(r)), 1u);
    const SentProbe& p = h.net.sent.back();
    ASSERT_EQ(p.sequence(), static_cast<std::uint16_t>(r + 1));
    if (r == 69) round_69 = p;
    if (r + 2 < kRounds) {
      h.answer(p, microseconds(50));
      ASSERT_EQ(h.events.replies.back().second.sequence, static_cast<std::uint16_t>(r + 1));
      ASSERT_EQ(h.events.replies.back().second.status, ReplyStatus::kFirst);
    }
    h.net.sent.clear();
    h.expire(kStart + milliseconds(r));
  }
  EXPECT_EQ(h.engine.figures(0).received, kRounds - 2);
  EXPECT_EQ(h.engine.foreign(), 0u);
  EXPECT_TRUE(h.events.lost.empty());
  EXPECT_EQ(h.engine.pending(), 2u);

  // Round 69 carried seq 70, as the newest probe (round 65 605) does now.
  EXPECT_EQ(round_69.sequence(), 70);
  h.answer(round_69, milliseconds(65'536));
  EXPECT_EQ(h.engine.foreign(), 1u);
  EXPECT_EQ(h.engine.pending(), 2u);

  // Replies to the two newest probes, built as the target would echo them.
  for (const std::uint64_t round : {kRounds - 1, kRounds - 2}) {
    SentProbe p{std::vector<std::uint8_t>(64), v4(0, 1), kStart + milliseconds(round)};
    std::vector<std::uint8_t> payload = config().payload;
    write_probe_token(probe_token(kNonce, 0, round), payload);
    build_echo_request(Family::kIpv4, kId4, static_cast<std::uint16_t>(round + 1), payload, p.icmp);
    h.answer(p, microseconds(80));
    EXPECT_EQ(h.events.replies.back().second.status, ReplyStatus::kFirst);
    EXPECT_EQ(h.events.replies.back().second.sequence, static_cast<std::uint16_t>(round + 1));
    EXPECT_EQ(h.events.replies.back().second.rtt, microseconds(80));
  }
  EXPECT_EQ(h.engine.figures(0).received, kRounds);
  EXPECT_EQ(h.engine.pending(), 0u);
  EXPECT_EQ(h.engine.figures(0).transmitted, kRounds);
}

// ---- -W, lost probes, errors ----------------------------------------------------------------

TEST(ProbeEngine, ProbesStillPendingAtTheEndAreLostThenTargetsDone) {
  Harness h(config(), {v4(0, 1), v4(0, 2)});
  h.send_at(kStart + seconds(1));  // rounds 0 and 1 of target 0, round 0 of target 1
  ASSERT_EQ(h.net.sent.size(), 3u);
  h.answer(h.net.sent[1], milliseconds(1));  // target 1's only probe
  h.engine.finish(h.events);
  EXPECT_EQ(h.events.lost, (std::vector<Recorder::Seq>{{0, 1}, {0, 2}}));
  EXPECT_EQ(h.events.done, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(h.engine.pending(), 0u);
  EXPECT_EQ(h.engine.figures(0).lost, 2u);
}

TEST(ProbeEngine, ProbeIsLostExactlyWhenItsWaitHasPassed) {
  Harness h(config(1, seconds(2)), {v4(0, 1)});
  h.net.clock = kStart + microseconds(7);
  h.engine.send_due(kStart, h.net, h.events);
  const MonoTime lost_at = kStart + microseconds(7) + seconds(2);
  EXPECT_EQ(h.engine.next_wakeup(kStart), lost_at);
  h.expire(lost_at - nanoseconds(1));
  EXPECT_TRUE(h.events.lost.empty());
  EXPECT_EQ(h.engine.pending(), 1u);
  h.expire(lost_at);
  EXPECT_EQ(h.events.lost, (std::vector<Recorder::Seq>{{0, 1}}));
  EXPECT_EQ(h.engine.pending(), 0u);
  EXPECT_EQ(h.engine.figures(0).lost, 1u);
  EXPECT_TRUE(h.engine.finished(lost_at));
  h.expire(lost_at + hours(1));
  EXPECT_EQ(h.events.lost.size(), 1u);  // once
}

TEST(ProbeEngine, AReplyAfterTheWaitIsNotCounted) {
  Harness h(config(0, seconds(2)), {v4(0, 1)});
  h.send_at(kStart);
  h.expire(kStart + seconds(2));
  h.answer(h.net.sent[0], milliseconds(2'500));
  EXPECT_TRUE(h.events.replies.empty());
  EXPECT_EQ(h.engine.figures(0).received, 0u);
  EXPECT_EQ(h.engine.foreign(), 0u);  // ours, only too late
  EXPECT_EQ(h.engine.rtt_stats(0).samples(), 0u);
}

// A reply that arrived within -W counts even when the loop reads it after the -W has passed
// (its kernel stamp tells when it came).
TEST(ProbeEngine, AReplyThatCameWithinTheWaitCountsWhenReadLater) {
  Harness h(config(0, seconds(1)), {v4(0, 1)});
  h.send_at(kStart);
  const std::vector<std::uint8_t> bytes = test::reply_bytes(h.net.sent[0]);
  ReadMeta meta;
  meta.from = v4(0, 1);
  meta.kernel_rx_mono = kStart + milliseconds(900);
  meta.read_at = kStart + milliseconds(1200);
  h.engine.on_echo_reply(test::parse_reply(Family::kIpv4, bytes), {}, meta, h.events);
  EXPECT_EQ(h.engine.figures(0).received, 1u);
  EXPECT_EQ(h.events.replies[0].second.rtt, milliseconds(900));
}

// A reply that arrived after its probe's -W is not counted even when the loop reads it before
// expire() has run for that probe (a loop that woke late): counts must not depend on the loop's
// timing. The arrival is the kernel stamp, else read_at (what rtt() takes).
TEST(ProbeEngine, AReplyThatCameAfterTheWaitIsNotCountedEvenBeforeExpire) {
  Harness h(config(0, seconds(1)), {v4(0, 1)});
  h.send_at(kStart);
  h.answer(h.net.sent[0], milliseconds(1500));  // read late; expire() has not run yet
  EXPECT_TRUE(h.events.replies.empty());
  EXPECT_EQ(h.engine.figures(0).received, 0u);
  h.expire(kStart + milliseconds(1500));
  EXPECT_EQ(h.events.lost, (std::vector<Recorder::Seq>{{0, 1}}));
  EXPECT_EQ(h.engine.figures(0).lost, 1u);
}

TEST(ProbeEngine, ExpiryWalksTargetsInSendOrderAndSkipsAnsweredOnes) {
  Harness h(config(0, milliseconds(500)), {v4(0, 1), v4(0, 2), v4(0, 3)});
  h.send_at(kStart + milliseconds(700));  // at 0, 333 and 666 ms, all with the clock at 700
  h.net.sent.clear();
  Harness g(config(0, milliseconds(500)), {v4(0, 1), v4(0, 2), v4(0, 3)});
  for (const int ms : {0, 334, 667}) g.send_at(kStart + milliseconds(ms));
  g.answer(g.net.sent[1], milliseconds(1));
  g.expire(kStart + milliseconds(1166));
  EXPECT_EQ(g.events.lost, (std::vector<Recorder::Seq>{{0, 1}}));  // target 2 sent at 667
  EXPECT_EQ(g.engine.next_wakeup(kStart + milliseconds(1166)), kStart + milliseconds(1000));
  g.expire(kStart + milliseconds(1167));
  EXPECT_EQ(g.events.lost, (std::vector<Recorder::Seq>{{0, 1}, {2, 1}}));
  EXPECT_EQ(g.engine.pending(), 0u);
  // All three of h's went at 700 ms: all lost at 1200 ms.
  h.expire(kStart + milliseconds(1200));
  EXPECT_EQ(h.events.lost.size(), 3u);
}

TEST(ProbeEngine, AProbeStillPendingWhenItsSlotIsNeededIsLostThen) {
  // -W 0 (wait forever): only slot reuse loses a probe.
  Harness h(config(0, Duration::zero()), {v4(0, 1)});
  const std::size_t slots = ProbeWindows::slots_for(Duration::zero(), seconds(1));
  for (std::size_t r = 0; r < slots; ++r) h.send_at(kStart + seconds(r));
  h.expire(kStart + hours(1000));
  EXPECT_TRUE(h.events.lost.empty());
  // No expiry wake-up with -W 0: the next send.
  EXPECT_EQ(h.engine.next_wakeup(kStart + seconds(slots) - nanoseconds(1)), kStart + seconds(slots));
  h.send_at(kStart + seconds(slots));
  EXPECT_EQ(h.events.lost, (std::vector<Recorder::Seq>{{0, 1}}));
  EXPECT_EQ(h.engine.pending(), slots);
  EXPECT_EQ(h.engine.figures(0).lost, 1u);
  h.answer(h.net.sent[0], seconds(slots));  // too late now
  EXPECT_TRUE(h.events.replies.empty());

  // A long -W at a short -i: 1024 slots, so probe 1 goes when probe 1025 is sent, before its -W.
  EngineConfig c = config(0, seconds(10));
  c.interval = milliseconds(1);
  Harness fast(c, {v4(0, 1)});
  for (int r = 0; r <= 1024; ++r) fast.send_at(kStart + milliseconds(r));
  EXPECT_EQ(fast.events.lost, (std::vector<Recorder::Seq>{{0, 1}}));
}

TEST(ProbeEngine, QueuedIcmpErrorIsCountedAndResolvesItsProbe) {
  Harness h(config(0, seconds(5)), {v4(0, 1), v4(0, 2)});
  h.send_at(kStart + milliseconds(500));
  const SentProbe& probe = h.net.sent[1];
  h.engine.on_queued_error(probe.to, probe.icmp, icmp4::kDestinationUnreachable, 1, 0, kRouter, h.events);
  ASSERT_EQ(h.events.errors.size(), 1u);
  const auto& [target, e] = h.events.errors[0];
  EXPECT_EQ(target, 1u);
  EXPECT_EQ(e.origin, ErrorOrigin::kErrorQueue);
  EXPECT_EQ(e.sequence, 1);
  EXPECT_EQ(e.type, icmp4::kDestinationUnreachable);
  EXPECT_EQ(e.code, 1);
  EXPECT_EQ(e.from, kRouter);
  EXPECT_EQ(h.engine.figures(1).errors, 1u);
  EXPECT_EQ(h.engine.figures(0).errors, 0u);
  EXPECT_EQ(h.engine.pending(), 1u);  // target 0's only
  h.answer(probe, milliseconds(3));   // a reply after the error is not counted
  EXPECT_TRUE(h.events.replies.empty());
  EXPECT_EQ(h.engine.figures(1).received, 0u);
  h.expire(kStart + hours(1));
  EXPECT_EQ(h.events.lost, (std::vector<Recorder::Seq>{{0, 1}}));  // not target 1's
  EXPECT_EQ(h.engine.foreign(), 0u);
}

TEST(ProbeEngine, QueuedErrorQuotingOnlyTheHeaderMatches) {
  Harness h(config(), {v6(5)});
  h.send_at(kStart);
  const std::span<const std::uint8_t> header = std::span(h.net.sent[0].icmp).first(kIcmpHeaderSize);
  h.engine.on_queued_error(v6(5), header, icmp6::kPacketTooBig, 0, 1280, std::nullopt, h.events);
  ASSERT_EQ(h.events.errors.size(), 1u);
  EXPECT_EQ(h.events.errors[0].second.info, 1280u);
  EXPECT_FALSE(h.events.errors[0].second.from);
}

TEST(ProbeEngine, QueuedErrorsNotAboutOurProbesAreForeign) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart);
  const std::vector<std::uint8_t> ours = h.net.sent[0].icmp;
  auto error = [&h](const IpAddress& to, std::span<const std::uint8_t> quoted) {
    h.engine.on_queued_error(to, quoted, icmp4::kTimeExceeded, 0, 0, kRouter, h.events);
  };
  error(kStranger, ours);  // to an address that is no target
  std::vector<std::uint8_t> other_id = ours;
  other_id[4] ^= 0x80;
  error(v4(0, 1), other_id);
  std::vector<std::uint8_t> unsent = ours;
  unsent[7] = 9;
  error(v4(0, 1), unsent);
  error(v4(0, 1), std::span(ours).first(4));  // too short
  std::vector<std::uint8_t> reply = ours;
  reply[0] = icmp4::kEchoReply;
  error(v4(0, 1), reply);  // quotes no echo request
  EXPECT_TRUE(h.events.errors.empty());
  EXPECT_EQ(h.engine.foreign(), 5u);
  EXPECT_EQ(h.engine.figures(0).errors, 0u);
  EXPECT_EQ(h.engine.pending(), 1u);
}

IcmpError redirect_quoting(const IpAddress& destination, std::uint16_t id, std::uint16_t seq) {
  IcmpError e;
  e.type = icmp4::kRedirect;
  e.code = 1;
  e.info = 0xC6120001;
  e.quoted.source = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 2});
  e.quoted.destination = destination;
  e.quoted.protocol = icmp4::kProtocol;
  e.quoted.icmp = QuotedIcmp{icmp4::kEchoRequest, 0, id, seq};
  return e;
}

TEST(ProbeEngine, InBandErrorIsShownNotCounted) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart);
  Envelope envelope;
  envelope.source = kRouter;
  h.engine.on_in_band_error(redirect_quoting(v4(0, 1), kId4, 1), envelope, h.events);
  ASSERT_EQ(h.events.errors.size(), 1u);
  EXPECT_EQ(h.events.errors[0].second.origin, ErrorOrigin::kInBand);
  EXPECT_EQ(h.events.errors[0].second.sequence, 1);
  EXPECT_EQ(h.events.errors[0].second.type, icmp4::kRedirect);
  EXPECT_EQ(h.events.errors[0].second.info, 0xC6120001u);
  EXPECT_EQ(h.events.errors[0].second.from, kRouter);
  EXPECT_EQ(h.engine.figures(0).errors, 0u);
  EXPECT_EQ(h.engine.pending(), 1u);
  h.answer(h.net.sent[0], milliseconds(1));
  EXPECT_EQ(h.engine.figures(0).received, 1u);

  // Others' in-band errors: no event, and not even foreign.
  h.engine.on_in_band_error(redirect_quoting(kStranger, kId4, 1), envelope, h.events);
  h.engine.on_in_band_error(redirect_quoting(v4(0, 1), kId4 + 1, 1), envelope, h.events);
  h.engine.on_in_band_error(redirect_quoting(v4(0, 1), kId4, 2), envelope, h.events);
  EXPECT_EQ(h.events.errors.size(), 1u);
  EXPECT_EQ(h.engine.foreign(), 0u);
}

TEST(ProbeEngine, LocalErrorCountsForItsTarget) {
  Harness h(config(), {v4(0, 1), v6(5)});
  h.engine.on_local_error(v6(5), EMSGSIZE, 1400, h.events);
  h.engine.on_local_error(kStranger, EMSGSIZE, 1400, h.events);
  EXPECT_EQ(h.events.local_errors, (std::vector<std::tuple<std::size_t, int, std::uint32_t>>{{1, EMSGSIZE, 1400}}));
  EXPECT_EQ(h.engine.figures(1).errors, 1u);
  EXPECT_EQ(h.engine.figures(0).errors, 0u);
}

TEST(ProbeEngine, FailedSendsAreTransmittedAndErrors) {
  Harness h(config(2, seconds(1)), {v4(0, 1), v4(0, 2)});
  h.net.error_for = [](const IpAddress& to) { return to == v4(0, 2) ? ENETUNREACH : 0; };
  h.send_at(kStart + seconds(1) + milliseconds(500));
  EXPECT_EQ(h.events.sent.size(), 4u);  // on_sent for every probe, failed or not
  EXPECT_EQ(h.events.failed, (std::vector<std::pair<std::size_t, int>>{{1, ENETUNREACH}, {1, ENETUNREACH}}));
  const TargetFigures f = h.engine.figures(1);
  EXPECT_EQ(f.transmitted, 2u);
  EXPECT_EQ(f.errors, 2u);
  EXPECT_EQ(f.received, 0u);
  EXPECT_EQ(h.engine.pending(), 2u);  // target 0's
  h.deliver(test::reply_bytes(h.net.sent[1]), v4(0, 2), kStart + seconds(2));  // cannot be
  EXPECT_TRUE(h.events.replies.empty());
  h.answer(h.net.sent[0], milliseconds(1));
  h.answer(h.net.sent[2], milliseconds(1));
  EXPECT_TRUE(h.engine.finished(kStart + seconds(2)));
  EXPECT_EQ(h.engine.exit_status(), 1);
  EXPECT_TRUE(h.events.lost.empty());
}

// ---- End of the run, exit status, figures -------------------------------------------------

TEST(ProbeEngine, CountRunEndsWhenEveryProbeIsAnsweredOrLost) {
  Harness h(config(2, seconds(1)), {v4(0, 1), v4(0, 2)});
  EXPECT_FALSE(h.engine.finished(kStart));
  h.send_at(kStart + seconds(2));
  EXPECT_EQ(h.net.sent.size(), 4u);
  EXPECT_EQ(h.send_at(kStart + seconds(5)), 0u);
  for (std::size_t k = 0; k < 3; ++k) h.answer(h.net.sent[k], milliseconds(1));
  EXPECT_FALSE(h.engine.finished(kStart + seconds(2)));  // the last probe waits
  h.expire(kStart + seconds(2) + nanoseconds(1));
  EXPECT_FALSE(h.engine.finished(kStart + seconds(2) + nanoseconds(1)));  // sent at 2 s, lost at 3 s
  EXPECT_EQ(h.engine.next_wakeup(kStart + seconds(2)), kStart + seconds(3));
  h.expire(kStart + seconds(3));
  EXPECT_EQ(h.events.lost, (std::vector<Recorder::Seq>{{1, 2}}));
  EXPECT_TRUE(h.engine.finished(kStart + seconds(3)));
  EXPECT_FALSE(h.engine.next_wakeup(kStart + seconds(3)));
}

TEST(ProbeEngine, WaitForeverEndsACountRunOnlyWhenAllAreAnswered) {
  Harness h(config(1, Duration::zero()), {v4(0, 1)});
  h.send_at(kStart);
  h.expire(kStart + hours(100));
  EXPECT_FALSE(h.engine.finished(kStart + hours(100)));
  EXPECT_FALSE(h.engine.next_wakeup(kStart + hours(100)));  // only a packet can change anything
  h.answer(h.net.sent[0], hours(100));
  EXPECT_TRUE(h.engine.finished(kStart + hours(100)));
}

TEST(ProbeEngine, DeadlineEndsTheRunPendingOrNot) {
  Harness h(config(0, seconds(10), milliseconds(2500)), {v4(0, 1), v4(0, 2)});
  EXPECT_EQ(h.engine.next_wakeup(kStart - seconds(1)), kStart);
  h.send_at(kStart + milliseconds(2499));
  EXPECT_EQ(h.net.sent.size(), 5u);  // 0, 0.5, 1, 1.5, 2 s; 2.5 s is the deadline
  EXPECT_EQ(h.engine.next_wakeup(kStart + milliseconds(2499)), kStart + milliseconds(2500));
  EXPECT_FALSE(h.engine.finished(kStart + milliseconds(2499)));
  EXPECT_EQ(h.send_at(kStart + seconds(3)), 0u);
  EXPECT_TRUE(h.engine.finished(kStart + milliseconds(2500)));
  EXPECT_EQ(h.engine.pending(), 5u);
}

TEST(ProbeEngine, NextWakeupIsTheNextSendExpiryOrDeadline) {
  Harness h(config(0, milliseconds(100)), {v4(0, 1), v4(0, 2), v4(0, 3), v4(0, 4)});
  EXPECT_EQ(h.engine.next_wakeup(kStart - hours(1)), kStart);
  h.send_at(kStart);
  EXPECT_EQ(h.engine.next_wakeup(kStart), kStart + milliseconds(100));  // the expiry first
  h.answer(h.net.sent[0], milliseconds(1));
  h.expire(kStart + milliseconds(1));
  EXPECT_EQ(h.engine.next_wakeup(kStart + milliseconds(1)), kStart + milliseconds(250));  // the send

  Harness d(config(0, milliseconds(100), milliseconds(50)), {v4(0, 1), v4(0, 2)});
  d.send_at(kStart);
  EXPECT_EQ(d.engine.next_wakeup(kStart), kStart + milliseconds(50));  // the deadline first

  Harness idle(config(1, milliseconds(100), seconds(30)), {v4(0, 1)});
  idle.send_at(kStart);
  idle.answer(idle.net.sent[0], milliseconds(1));
  idle.expire(kStart + milliseconds(1));
  EXPECT_EQ(idle.engine.next_wakeup(kStart + milliseconds(1)), kStart + seconds(30));
}

TEST(ProbeEngine, FinishReportsEveryTargetDoneInOrder) {
  Harness h(config(), {v4(0, 1), v6(5), v4(0, 3)});
  h.engine.finish(h.events);
  EXPECT_EQ(h.events.done, (std::vector<std::size_t>{0, 1, 2}));
}

TEST(ProbeEngine, ExitStatusIsZeroOnlyWhenEveryTargetAnswered) {
  auto run = [](EngineConfig c, std::vector<int> replies) {
    std::vector<IpAddress> targets;
    for (std::size_t i = 0; i < replies.size(); ++i) targets.push_back(v4(0, static_cast<std::uint8_t>(i + 1)));
    Harness h(std::move(c), targets);
    h.send_at(kStart + seconds(5));
    std::vector<int> left = replies;
    for (const SentProbe& p : h.net.sent) {
      const std::size_t i = p.to.bytes[3] - 1u;
      if (left[i]-- > 0) h.answer(p, milliseconds(1));
    }
    return h.engine.exit_status();
  };
  EXPECT_EQ(run(config(3), {3, 3}), 0);
  EXPECT_EQ(run(config(3), {1, 2}), 0);  // -c without -w: one reply is enough
  EXPECT_EQ(run(config(3), {3, 0}), 1);
  EXPECT_EQ(run(config(3, seconds(10), seconds(10)), {3, 3}), 0);
  EXPECT_EQ(run(config(3, seconds(10), seconds(10)), {3, 2}), 1);  // -c with -w: all of them
  EXPECT_EQ(run(config(0, seconds(10), seconds(10)), {1, 1}), 0);  // -w alone: one is enough
  EXPECT_EQ(run(config(), {0, 0}), 1);
  EXPECT_EQ(Harness(config(), {v4(0, 1)}).engine.exit_status(), 1);  // nothing sent yet
}

TEST(ProbeEngine, FiguresPerTarget) {
  Harness h(config(3, milliseconds(1500)), {v4(0, 1), v6(5)});
  for (int r = 0; r < 3; ++r) {
    for (const int offset : {0, 500}) {
      h.net.clock = kStart + seconds(r) + milliseconds(offset) + microseconds(r);  // a late clock
      h.engine.send_due(kStart + seconds(r) + milliseconds(offset), h.net, h.events);
    }
  }
  ASSERT_EQ(h.net.sent.size(), 6u);
  h.answer(h.net.sent[0], milliseconds(1));
  h.answer(h.net.sent[2], milliseconds(2));
  h.answer(h.net.sent[2], milliseconds(9));  // duplicate
  h.answer(h.net.sent[4], milliseconds(3));
  h.answer(h.net.sent[1], milliseconds(4));
  h.engine.on_queued_error(v6(5), h.net.sent[3].icmp, icmp6::kDestinationUnreachable, 3, 0, v6(1), h.events);
  h.expire(kStart + seconds(10));

  const TargetFigures a = h.engine.figures(0);
  EXPECT_EQ(a.transmitted, 3u);
  EXPECT_EQ(a.received, 3u);
  EXPECT_EQ(a.duplicates, 1u);
  EXPECT_EQ(a.corrupted, 0u);
  EXPECT_EQ(a.errors, 0u);
  EXPECT_EQ(a.lost, 0u);
  EXPECT_EQ(a.elapsed, seconds(2) + microseconds(2));
  EXPECT_EQ(a.last_rtt, milliseconds(3));
  EXPECT_EQ(h.engine.rtt_stats(0).samples(), 4u);

  const TargetFigures b = h.engine.figures(1);
  EXPECT_EQ(b.transmitted, 3u);
  EXPECT_EQ(b.received, 1u);
  EXPECT_EQ(b.errors, 1u);
  EXPECT_EQ(b.lost, 1u);
  EXPECT_EQ(b.elapsed, seconds(2) + microseconds(2));
  EXPECT_EQ(b.last_rtt, milliseconds(4));
  EXPECT_EQ(h.events.lost, (std::vector<Recorder::Seq>{{1, 3}}));
  EXPECT_EQ(h.engine.exit_status(), 0);
  EXPECT_EQ(h.engine.figures(0).lost + h.engine.figures(1).lost, 1u);

  const Harness fresh(config(), {v4(0, 1)});
  EXPECT_EQ(fresh.engine.figures(0).transmitted, 0u);
  EXPECT_EQ(fresh.engine.figures(0).elapsed, Duration::zero());
  EXPECT_FALSE(fresh.engine.figures(0).last_rtt);
}

// A whole run driven as the loop drives it: wake at next_wakeup(), send, read (every probe's
// reply at once, unless the target is silent or that reply dropped), expire, until finished.
struct RunResult {
  std::uint64_t turns = 0;
  MonoTime ended{};
};

template <typename Drop>
RunResult drive(Harness& h, Drop drop) {
  RunResult result;
  MonoTime now = kStart;
  for (; result.turns < 1'000'000 && !h.engine.finished(now); ++result.turns) {
    h.send_at(now);
    for (const SentProbe& p : h.net.sent) {
      if (!drop(p)) h.answer(p, microseconds(50 + p.to.bytes[15] % 100));
    }
    h.net.sent.clear();
    h.expire(now);
    const auto next = h.engine.next_wakeup(now);
    if (!next) break;
    now = std::max(now, *next);
  }
  result.ended = now;
  return result;
}

std::vector<IpAddress> mixed_targets(std::size_t n) {
  std::vector<IpAddress> targets;
  for (std::size_t i = 0; i < n; ++i) {
    targets.push_back(i % 2 == 0 ? v4(static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i))
                                 : v6(static_cast<std::uint16_t>(i)));
  }
  return targets;
}

TEST(ProbeEngine, ThousandTargetsEveryReplyCountedExactly) {
  Harness h(config(4, seconds(1)), mixed_targets(1'000));
  const RunResult run = drive(h, [](const SentProbe&) { return false; });
  EXPECT_EQ(run.ended, kStart + seconds(3) + nanoseconds(999'000'000));  // the last send
  EXPECT_EQ(h.net.sends, 4'000u);
  EXPECT_EQ(h.events.replies.size(), 4'000u);
  for (std::size_t i = 0; i < 1'000; ++i) {
    const TargetFigures f = h.engine.figures(i);
    ASSERT_EQ(f.transmitted, 4u) << i;
    ASSERT_EQ(f.received, 4u) << i;
    ASSERT_EQ(f.duplicates + f.corrupted + f.errors + f.lost, 0u) << i;
    ASSERT_EQ(f.elapsed, seconds(3)) << i;
  }
  EXPECT_EQ(h.engine.foreign(), 0u);
  EXPECT_EQ(h.engine.pending(), 0u);
  EXPECT_EQ(h.engine.exit_status(), 0);
}

TEST(ProbeEngine, ThousandTargetsSomeSilentSomeLossyCountedExactly) {
  Harness h(config(4, seconds(1)), mixed_targets(1'000));
  const TargetIndex index(mixed_targets(1'000));
  auto silent = [](std::size_t i) { return i % 7 == 3; };
  auto lossy = [](std::size_t i) { return i % 5 == 1; };  // loses its second reply
  const RunResult run = drive(h, [&](const SentProbe& p) {
    const std::size_t i = *index.find(p.to);
    return silent(i) || (lossy(i) && p.sequence() == 2);
  });
  EXPECT_EQ(run.ended, kStart + seconds(4) + milliseconds(997));  // the -W of silent target 997's last
  std::uint64_t replies = 0;
  std::uint64_t lost = 0;
  for (std::size_t i = 0; i < 1'000; ++i) {
    const std::uint64_t expected = silent(i) ? 0 : lossy(i) ? 3 : 4;
    const TargetFigures f = h.engine.figures(i);
    ASSERT_EQ(f.transmitted, 4u) << i;
    ASSERT_EQ(f.received, expected) << i;
    ASSERT_EQ(f.lost, 4 - expected) << i;
    replies += expected;
    lost += 4 - expected;
  }
  EXPECT_EQ(h.events.replies.size(), replies);
  EXPECT_EQ(h.events.lost.size(), lost);
  EXPECT_EQ(h.engine.foreign(), 0u);
  EXPECT_EQ(h.engine.exit_status(), 1);
}

TEST(ProbeEngine, HundredThousandTargetsTwoRounds) {
  std::vector<IpAddress> targets;
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    if (i < 65'536) {
      targets.push_back(v4(static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)));
    } else {
      std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8, 0, 2};
      b[13] = static_cast<std::uint8_t>(i >> 16);
      b[14] = static_cast<std::uint8_t>(i >> 8);
      b[15] = static_cast<std::uint8_t>(i);
      targets.push_back(IpAddress::v6(b));
    }
  }
  Harness h(config(2, seconds(1)), targets);
  drive(h, [](const SentProbe&) { return false; });
  EXPECT_EQ(h.net.sends, 200'000u);
  EXPECT_EQ(h.events.replies.size(), 200'000u);
  for (std::size_t i = 0; i < targets.size(); ++i) ASSERT_EQ(h.engine.figures(i).received, 2u) << i;
  EXPECT_EQ(h.engine.foreign(), 0u);
  EXPECT_EQ(h.engine.exit_status(), 0);
}

// ---- Kernel transmit stamps ---------------------------------------------------------------

// Each family's socket numbers its accepted sends from 0; a stamp replaces its probe's send
// time, so the RTT starts where the packet left.
TEST(ProbeEngine, TransmitStampsBecomeTheSendTimesPerFamily) {
  EngineConfig c = config();
  c.transmit_stamps = true;
  Harness h(c, {v4(0, 1), v6(5), v4(0, 3)});
  h.send_at(kStart + milliseconds(700));  // round 0 of all three: keys v4 0, v6 0, v4 1
  ASSERT_EQ(h.net.sent.size(), 3u);
  h.engine.on_tx_stamp(Family::kIpv4, 1, h.net.sent[2].at + microseconds(7));
  h.engine.on_tx_stamp(Family::kIpv6, 0, h.net.sent[1].at + microseconds(3));
  for (std::size_t i = 0; i < 3; ++i) h.answer(h.net.sent[i], microseconds(100));
  ASSERT_EQ(h.events.replies.size(), 3u);
  EXPECT_EQ(h.events.replies[0].second.rtt, microseconds(100));  // no stamp: the loop's reading
  EXPECT_EQ(h.events.replies[1].second.rtt, microseconds(97));
  EXPECT_EQ(h.events.replies[2].second.rtt, microseconds(93));
}

// A stamp is taken only when it is plausible for that send: not before the loop's reading, not
// more than a second after it, for a key that was used, once.
TEST(ProbeEngine, ImplausibleOrUnknownTransmitStampsChangeNothing) {
  EngineConfig c = config();
  c.transmit_stamps = true;
  Harness h(c, {v4(0, 1), v4(0, 2)});
  h.send_at(kStart + milliseconds(600));
  h.engine.on_tx_stamp(Family::kIpv4, 0, h.net.sent[0].at - nanoseconds(1));
  h.engine.on_tx_stamp(Family::kIpv4, 1, h.net.sent[1].at + seconds(2));
  h.engine.on_tx_stamp(Family::kIpv4, 7, h.net.sent[1].at + microseconds(1));  // never sent
  h.engine.on_tx_stamp(Family::kIpv6, 0, h.net.sent[0].at + microseconds(1));  // no IPv6 send
  h.engine.on_tx_stamp(Family::kIpv4, 0, h.net.sent[0].at + microseconds(5));  // key 0 was used up
  for (std::size_t i = 0; i < 2; ++i) h.answer(h.net.sent[i], microseconds(100));
  ASSERT_EQ(h.events.replies.size(), 2u);
  EXPECT_EQ(h.events.replies[0].second.rtt, microseconds(100));
  EXPECT_EQ(h.events.replies[1].second.rtt, microseconds(100));
}

// Without kernel stamps (-U) the engine keeps no keys and ignores any stamp.
TEST(ProbeEngine, WithoutTransmitStampsTheLoopsReadingsStay) {
  Harness h(config(), {v4(0, 1)});
  h.send_at(kStart);
  h.engine.on_tx_stamp(Family::kIpv4, 0, h.net.sent[0].at + microseconds(5));
  h.answer(h.net.sent[0], microseconds(100));
  ASSERT_EQ(h.events.replies.size(), 1u);
  EXPECT_EQ(h.events.replies[0].second.rtt, microseconds(100));
}

}  // namespace
}  // namespace bp
