// ProbeSession: the events a target's packets become, for every kind of reply and error, with
// literal times (no clock, no socket).

#include "ping/engine/probe_session.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "ping/packet/payload.h"

namespace bp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr std::uint16_t kId = 0x4242;
const IpAddress kTarget = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 2});
const IpAddress kOther = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 3});
const IpAddress kTarget6 = IpAddress::v6(std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                                                      0, 0, 0, 0, 0, 0, 0, 2});

MonoTime at(milliseconds ms) { return MonoTime(ms); }

SessionConfig config(IpAddress target = kTarget) {
  SessionConfig c;
  c.target = target;
  c.identifier = kId;
  c.payload.resize(56);
  fill_payload(c.payload);
  c.kernel_tx_stamps = false;  // RTTs from the literal times below
  return c;
}

// A reply as the parser would hand it over, carrying `payload`.
EchoReply reply(std::uint16_t seq, std::span<const std::uint8_t> payload, std::uint16_t id = kId) {
  EchoReply r;
  r.identifier = id;
  r.sequence = seq;
  r.icmp_length = 8 + payload.size();
  r.payload = payload;
  return r;
}

ReplyMeta meta_at(milliseconds ms, IpAddress from = kTarget) {
  ReplyMeta m;
  m.from = from;
  m.read_at = at(ms);
  return m;
}

class ProbeSessionTest : public ::testing::Test {
 protected:
  ProbeSession session{config()};
  std::vector<std::uint8_t> payload = config().payload;
};

TEST_F(ProbeSessionTest, FirstReplyIsValidWithItsRoundTrip) {
  session.on_sent(at(milliseconds(1000)), true);
  const auto event = session.on_echo_reply(reply(1, payload), {}, meta_at(milliseconds(1003)));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->status, ReplyStatus::kFirst);
  EXPECT_EQ(event->sequence, 1);
  EXPECT_EQ(event->icmp_bytes, 64u);
  EXPECT_EQ(event->rtt, milliseconds(3));
  EXPECT_TRUE(event->valid());
  EXPECT_EQ(session.counts().received, 1u);
  EXPECT_EQ(session.last_rtt(), milliseconds(3));
  EXPECT_EQ(session.rtt_stats().samples(), 1u);
}

TEST_F(ProbeSessionTest, DuplicateIsCountedOnceAndAddsToTheStatistics) {
  session.on_sent(at(milliseconds(0)), true);
  ASSERT_TRUE(session.on_echo_reply(reply(1, payload), {}, meta_at(milliseconds(2))));
  const auto dup = session.on_echo_reply(reply(1, payload), {}, meta_at(milliseconds(5)));
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, ReplyStatus::kDuplicate);
  EXPECT_FALSE(dup->valid());  // never a heartbeat
  EXPECT_EQ(session.counts().received, 1u);
  EXPECT_EQ(session.counts().duplicates, 1u);
  EXPECT_EQ(session.rtt_stats().samples(), 2u);  // iputils counts duplicates in rtt
  EXPECT_EQ(session.last_rtt(), milliseconds(2));
}

TEST_F(ProbeSessionTest, BadChecksumIsCorruptedNeverReceivedButShowsItsTime) {
  session.on_sent(at(milliseconds(0)), true);
  EchoReply bad = reply(1, payload);
  bad.checksum_ok = false;
  const auto event = session.on_echo_reply(bad, {}, meta_at(milliseconds(4)));
  ASSERT_TRUE(event);
  EXPECT_EQ(event->status, ReplyStatus::kBadChecksum);
  EXPECT_EQ(event->rtt, milliseconds(4));
  EXPECT_FALSE(event->valid());
  EXPECT_EQ(session.counts().corrupted, 1u);
  EXPECT_EQ(session.counts().received, 0u);
  EXPECT_EQ(session.rtt_stats().samples(), 0u);
  // The probe is still unanswered: a good reply afterwards is the first.
  const auto good = session.on_echo_reply(reply(1, payload), {}, meta_at(milliseconds(6)));
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, ReplyStatus::kFirst);
}

TEST_F(ProbeSessionTest, BadChecksumForASequenceNeverSentHasNoTime) {
  EchoReply bad = reply(9, payload);
  bad.checksum_ok = false;
  const auto event = session.on_echo_reply(bad, {}, meta_at(milliseconds(4)));
  ASSERT_TRUE(event);
  EXPECT_FALSE(event->rtt);
}

TEST_F(ProbeSessionTest, WrongPayloadByteIsReportedAndNotAHeartbeat) {
  session.on_sent(at(milliseconds(0)), true);
  std::vector<std::uint8_t> changed = payload;
  changed[20] ^= 0xFF;
  const auto event = session.on_echo_reply(reply(1, changed), {}, meta_at(milliseconds(1)));
  ASSERT_TRUE(event);
  ASSERT_TRUE(event->mismatch);
  EXPECT_EQ(event->mismatch->index, 20u);
  EXPECT_EQ(event->mismatch->expected, payload[20]);
  EXPECT_EQ(event->payload.size(), payload.size());
  EXPECT_FALSE(event->valid());
  EXPECT_EQ(session.counts().received, 1u);  // iputils still counts it received
}

TEST_F(ProbeSessionTest, ShortReplyIsTruncatedAndNotChecked) {
  session.on_sent(at(milliseconds(0)), true);
  const std::span<const std::uint8_t> shorter(payload.data(), 20);
  const auto event = session.on_echo_reply(reply(1, shorter), {}, meta_at(milliseconds(1)));
  ASSERT_TRUE(event);
  EXPECT_TRUE(event->truncated);
  EXPECT_FALSE(event->mismatch);
  EXPECT_FALSE(event->valid());
  ReplyMeta cut = meta_at(milliseconds(1));
  cut.cut_by_buffer = true;
  session.on_sent(at(milliseconds(10)), true);
  EXPECT_TRUE(session.on_echo_reply(reply(2, payload), {}, cut)->truncated);
}

TEST_F(ProbeSessionTest, ReplyFromAnotherAddressIsCountedButNotAHeartbeat) {
  session.on_sent(at(milliseconds(0)), true);
  const auto event = session.on_echo_reply(reply(1, payload), {}, meta_at(milliseconds(1), kOther));
  ASSERT_TRUE(event);
  EXPECT_TRUE(event->different_address);
  EXPECT_EQ(event->from, kOther);
  EXPECT_FALSE(event->valid());
  // The IP header's source (raw IPv4) wins over the socket's address.
  session.on_sent(at(milliseconds(10)), true);
  Envelope envelope;
  envelope.source = kTarget;
  envelope.ttl = 61;
  const auto second = session.on_echo_reply(reply(2, payload), envelope, meta_at(milliseconds(11), kOther));
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->different_address);
  EXPECT_EQ(second->ttl, 61);
}

TEST_F(ProbeSessionTest, ForeignIdentifierAndUnsentSequenceAreNotOurs) {
  session.on_sent(at(milliseconds(0)), true);
  EXPECT_FALSE(session.on_echo_reply(reply(1, payload, kId + 1), {}, meta_at(milliseconds(1))));
  EXPECT_FALSE(session.on_echo_reply(reply(2, payload), {}, meta_at(milliseconds(1))));
  EXPECT_FALSE(session.on_echo_reply(reply(0, payload), {}, meta_at(milliseconds(1))));
  EXPECT_EQ(session.counts().received, 0u);
  EXPECT_EQ(session.counts().duplicates, 0u);
  EXPECT_EQ(session.counts().corrupted, 0u);
}

// The first 8 bytes of our echo request, as the error queue hands them back.
std::vector<std::uint8_t> quoted_request(Family family, std::uint16_t id, std::uint16_t seq) {
  std::vector<std::uint8_t> bytes(8 + 56);
  std::vector<std::uint8_t> p(56);
  fill_payload(p);
  build_echo_request(family, id, seq, p, bytes);
  return bytes;
}

TEST_F(ProbeSessionTest, QueuedIpv4ErrorIsCountedAndAcknowledged) {
  session.on_sent(at(milliseconds(0)), true);
  session.on_sent(at(milliseconds(10)), true);
  session.on_sent(at(milliseconds(20)), true);
  const auto bytes = quoted_request(Family::kIpv4, kId, 1);
  const auto event = session.on_queued_error(bytes, 3, 1, 0, kOther);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->origin, ErrorOrigin::kErrorQueue);
  EXPECT_EQ(event->sequence, 1);
  EXPECT_EQ(event->from, kOther);
  EXPECT_EQ(session.counts().errors, 1u);
  EXPECT_EQ(session.max_in_flight(), 3u);  // "pipe 3", as iputils
}

TEST(ProbeSession, QueuedIpv6ErrorIsCountedButNotAcknowledged) {
  ProbeSession session{config(kTarget6)};
  for (int i = 0; i < 3; ++i) session.on_sent(at(milliseconds(10 * i)), true);
  const auto bytes = quoted_request(Family::kIpv6, kId, 1);
  ASSERT_TRUE(session.on_queued_error(bytes, 1, 3, 0, std::nullopt));
  EXPECT_EQ(session.counts().errors, 1u);
  EXPECT_EQ(session.max_in_flight(), 0u);  // no "pipe N" after IPv6 errors (iputils 20221126)
  EXPECT_EQ(session.in_flight(), 3u);
}

TEST_F(ProbeSessionTest, QueuedErrorForAnotherProcessOrAnUnsentProbeIsIgnored) {
  session.on_sent(at(milliseconds(0)), true);
  EXPECT_FALSE(session.on_queued_error(quoted_request(Family::kIpv4, kId + 1, 1), 3, 1, 0, kOther));
  EXPECT_FALSE(session.on_queued_error(quoted_request(Family::kIpv4, kId, 7), 3, 1, 0, kOther));
  const std::vector<std::uint8_t> garbage{1, 2, 3};
  EXPECT_FALSE(session.on_queued_error(garbage, 3, 1, 0, kOther));
  EXPECT_EQ(session.counts().errors, 0u);
}

TEST_F(ProbeSessionTest, InBandErrorQuotingOurRequestIsShownNotCounted) {
  session.on_sent(at(milliseconds(0)), true);
  IcmpError error;
  error.type = 5;  // redirect
  error.code = 1;
  error.info = 0xC6120001;
  error.quoted.destination = kTarget;
  error.quoted.protocol = 1;
  error.quoted.icmp = QuotedIcmp{8, 0, kId, 1};
  Envelope envelope;
  envelope.source = kOther;
  const auto event = session.on_in_band_error(error, envelope);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->origin, ErrorOrigin::kInBand);
  EXPECT_EQ(event->from, kOther);
  EXPECT_EQ(event->info, 0xC6120001u);
  EXPECT_EQ(session.counts().errors, 0u);
  error.quoted.destination = kOther;  // about a probe to someone else
  EXPECT_FALSE(session.on_in_band_error(error, envelope));
}

TEST_F(ProbeSessionTest, FailedSendsAndLocalErrorsCount) {
  session.on_sent(at(milliseconds(0)), false);
  session.on_local_error();
  EXPECT_EQ(session.counts().transmitted, 1u);
  EXPECT_EQ(session.counts().errors, 1u);
}

TEST(ProbeSession, KernelStampsGiveTheRoundTripWhenConsistent) {
  SessionConfig c = config();
  c.kernel_tx_stamps = true;
  ProbeSession session{c};
  std::vector<std::uint8_t> payload = c.payload;
  session.on_sent(at(milliseconds(0)), true);
  const KernelTime tx = std::chrono::seconds(1700000000);
  session.on_tx_stamp(0, tx + microseconds(10));
  ReplyMeta meta = meta_at(milliseconds(1));
  meta.kernel_rx = tx + microseconds(60);
  const auto event = session.on_echo_reply(reply(1, payload), {}, meta);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->rtt, microseconds(50));  // inside the 1 ms the loop saw
  EXPECT_EQ(event->received_at, meta.kernel_rx);
}

}  // namespace
}  // namespace bp
