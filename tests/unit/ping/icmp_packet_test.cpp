#include "ping/packet/icmp_packet.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "ping/packet/icmp_error_text.h"
#include "ping/packet/ip_header.h"
#include "ping/packet/checksum.h"
#include "tests/unit/hex.h"

namespace bp {
namespace {

using Types = std::initializer_list<std::uint8_t>;

using Bytes = std::vector<std::uint8_t>;
using test::hex;

// ---- Captured traffic -------------------------------------------------------------------
// All captured with `tcpdump -x -i lo` from Debian's iputils ping 20221126, inside a network
// namespace of our own (unshare -n) with only loopback up. Bytes start at the IP header.

// `ping -c 1 127.0.0.1` (id 0x0ef9, seq 1, 56 data bytes). Same pair as checksum_test.cpp.
const char* const kV4Request =
    "4500 0054 c7ed 4000 4001 74b9 7f00 0001 7f00 0001 0800 088d 0ef9 0001 f248 016b"
    "0000 0000 29f2 0400 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";
const char* const kV4Reply =
    "4500 0054 c7ee 0000 4001 b4b8 7f00 0001 7f00 0001 0000 108d 0ef9 0001 f248 016b"
    "0000 0000 29f2 0400 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

// `ping -c 1 -s 24 127.0.0.1` with `iptables -A INPUT -p icmp --icmp-type echo-request -j
// REJECT --reject-with icmp-host-unreachable`: the kernel's type 3 code 1 error, quoting our
// request (id 0x1bb3, seq 1) whole. iputils printed "From 127.0.0.1 icmp_seq=1 Destination
// Host Unreachable".
const char* const kV4HostUnreachable =
    "45c0 0050 d9df 0000 4001 a20b 7f00 0001 7f00 0001 0301 fcfe 0000 0000 4500 0034"
    "d9de 4000 4001 62e8 7f00 0001 7f00 0001 0800 4e3c 1bb3 0001 8c49 016b 0000 0000"
    "aa0a 0a00 0000 0000 1011 1213 1415 1617";

// `ping -R -c 1 -s 8 127.0.0.1`: IHL 15, a 40-byte record-route option (id 0x1c25, seq 1).
const char* const kV4RecordRouteRequest =
    "4f00 004c 0660 4000 4001 853e 7f00 0001 7f00 0001 0107 2708 7f00 0001 0000 0000"
    "0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0800 cfc9"
    "1c25 0001 0001 0203 0405 0607";
const char* const kV4RecordRouteReply =
    "4f00 004c 0661 0000 4001 50aa 7f00 0001 7f00 0001 0727 107f 0000 017f 0000 017f"
    "0000 0100 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0000 d7c9"
    "1c25 0001 0001 0203 0405 0607";

// `ping -6 -c 1 -s 24 ::1` (id 0x1baf, seq 1). The ICMPv6 checksums d0a0 / cfa0 were
// filled in by the kernel: a reference for icmpv6_checksum().
const char* const kV6Request =
    "600c 738c 0020 3a40 0000 0000 0000 0000 0000 0000 0000 0001 0000 0000 0000 0000"
    "0000 0000 0000 0001 8000 d0a0 1baf 0001 8b49 016b 0000 0000 b14d 0900 0000 0000"
    "1011 1213 1415 1617";
const char* const kV6Reply =
    "6005 c348 0020 3a40 0000 0000 0000 0000 0000 0000 0000 0001 0000 0000 0000 0000"
    "0000 0000 0000 0001 8100 cfa0 1baf 0001 8b49 016b 0000 0000 b14d 0900 0000 0000"
    "1011 1213 1415 1617";

// `ping -6 -c 1 -s 24 ::1` with an ip6tables REJECT --reject-with icmp6-addr-unreachable:
// type 1 code 3 quoting our request (id 0x1bb7, seq 1). iputils printed "From ::1
// icmp_seq=1 Destination unreachable: Address unreachable".
const char* const kV6AddressUnreachable =
    "6001 2888 0050 3a40 0000 0000 0000 0000 0000 0000 0000 0001 0000 0000 0000 0000"
    "0000 0000 0000 0001 0103 f0d1 0000 0000 600c 738c 0020 3a40 0000 0000 0000 0000"
    "0000 0000 0000 0001 0000 0000 0000 0000 0000 0000 0000 0001 8000 6415 1bb7 0001"
    "8d49 016b 0000 0000 1ad1 0a00 0000 0000 1011 1213 1415 1617";

// ---- Helpers ----------------------------------------------------------------------------

Bytes tail(const Bytes& b, std::size_t from) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from), b.end());
}
Bytes head(const Bytes& b, std::size_t n) {
  return Bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
}
Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

constexpr std::array<std::uint8_t, 16> kLoopback6 = {0, 0, 0, 0, 0, 0, 0, 0,
                                                     0, 0, 0, 0, 0, 0, 0, 1};
const IpAddress kLoopback4 = IpAddress::v4(std::array<std::uint8_t, 4>{127, 0, 0, 1});
const IpAddress kTest4 = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 7});
const IpAddress kRouter4 = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 1});
const IpAddress kTest6 = IpAddress::v6(
    std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});

// An ICMP message: type, code, the second word, a body; IPv4 checksum filled in.
Bytes icmp_message(std::uint8_t type, std::uint8_t code, std::uint32_t word, const Bytes& body) {
  Bytes m = {type,
             code,
             0,
             0,
             static_cast<std::uint8_t>(word >> 24),
             static_cast<std::uint8_t>(word >> 16),
             static_cast<std::uint8_t>(word >> 8),
             static_cast<std::uint8_t>(word)};
  m = concat(m, body);
  const std::uint16_t sum = internet_checksum(m);
  m[2] = static_cast<std::uint8_t>(sum >> 8);
  m[3] = static_cast<std::uint8_t>(sum);
  return m;
}

// A 20-byte IPv4 header (header checksum left 0: the parser does not check it).
Bytes ipv4_header(std::uint8_t protocol, std::size_t total, const IpAddress& src,
                  const IpAddress& dst, std::uint8_t ttl = 64) {
  Bytes h = {0x45,
             0,
             static_cast<std::uint8_t>(total >> 8),
             static_cast<std::uint8_t>(total),
             0,
             0,
             0x40,
             0,
             ttl,
             protocol,
             0,
             0};
  for (std::size_t i = 0; i < 4; ++i) h.push_back(src.bytes[i]);
  for (std::size_t i = 0; i < 4; ++i) h.push_back(dst.bytes[i]);
  return h;
}

Bytes ipv4_datagram(const Bytes& icmp, const IpAddress& src = kRouter4,
                    const IpAddress& dst = kTest4) {
  return concat(ipv4_header(icmp4::kProtocol, 20 + icmp.size(), src, dst), icmp);
}

Bytes ipv6_header(std::uint8_t next_header, std::size_t payload, const IpAddress& src,
                  const IpAddress& dst) {
  Bytes h = {0x60,
             0,
             0,
             0,
             static_cast<std::uint8_t>(payload >> 8),
             static_cast<std::uint8_t>(payload),
             next_header,
             64};
  h.insert(h.end(), src.bytes.begin(), src.bytes.end());
  h.insert(h.end(), dst.bytes.begin(), dst.bytes.end());
  return h;
}

// Our own echo request as a router would quote it: header + the first bytes of the payload.
Bytes our_request(Family family, std::uint16_t id, std::uint16_t seq) {
  Bytes out(16);
  const Bytes payload = {1, 2, 3, 4, 5, 6, 7, 8};
  build_echo_request(family, id, seq, payload, out);
  return out;
}

// By value: callers often pass a temporary ReceivedIcmp's message.
template <typename T>
T expect_alternative(const IcmpMessage& message) {
  EXPECT_TRUE(std::holds_alternative<T>(message)) << "variant index " << message.index();
  return std::holds_alternative<T>(message) ? std::get<T>(message) : T{};
}

MalformedReason malformed_reason(const IcmpMessage& message) {
  return expect_alternative<Malformed>(message).reason;
}

// ---- Building ---------------------------------------------------------------------------

// The example pinned in trippy-packet's documentation: id 1234, seq 10, no payload.
TEST(BuildEchoRequest, MatchesPublishedVector) {
  std::array<std::uint8_t, 8> out{};
  const auto message = build_echo_request(Family::kIpv4, 1234, 10, {}, out);
  EXPECT_EQ(Bytes(message.begin(), message.end()), hex("0800 f323 04d2 000a"));
}

TEST(BuildEchoRequest, ReproducesCapturedIputilsRequestByteForByte) {
  const Bytes captured = tail(hex(kV4Request), 20);
  std::array<std::uint8_t, 128> out{};
  const auto message = build_echo_request(Family::kIpv4, 0x0ef9, 1, tail(captured, 8), out);
  EXPECT_EQ(Bytes(message.begin(), message.end()), captured);  // checksum 088d included
}

TEST(BuildEchoRequest, Icmpv6LeavesTheChecksumToTheKernel) {
  Bytes captured = tail(hex(kV6Request), 40);
  std::array<std::uint8_t, 64> out{};
  const auto message = build_echo_request(Family::kIpv6, 0x1baf, 1, tail(captured, 8), out);
  captured[2] = captured[3] = 0;
  EXPECT_EQ(Bytes(message.begin(), message.end()), captured);
  // What the kernel then writes, computed over the same pseudo-header.
  EXPECT_EQ(icmpv6_checksum(kLoopback6, kLoopback6, message), 0xd0a0);
}

TEST(BuildEchoRequest, ReturnsEmptySpanWhenTheBufferIsTooSmall) {
  std::array<std::uint8_t, 63> out{};
  const std::array<std::uint8_t, 56> payload{};
  EXPECT_TRUE(build_echo_request(Family::kIpv4, 1, 1, payload, out).empty());
  EXPECT_TRUE(build_echo_request(Family::kIpv4, 1, 1, {}, std::span(out).first(7)).empty());
  EXPECT_EQ(build_echo_request(Family::kIpv4, 1, 1, {}, std::span(out).first(8)).size(), 8u);
}

TEST(BuildEchoRequest, PayloadAlreadyInPlaceIsKept) {
  std::array<std::uint8_t, 64> out{};
  for (std::size_t i = 8; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i * 3);
  const Bytes before(out.begin() + 8, out.end());
  const auto message = build_echo_request(Family::kIpv4, 7, 9, std::span(out).subspan(8), out);
  EXPECT_EQ(Bytes(message.begin() + 8, message.end()), before);
  EXPECT_EQ(internet_checksum(message), 0);
}

TEST(BuildEchoRequest, ParsesBackToTheSameFields) {
  const Bytes payload = {0xde, 0xad, 0xbe, 0xef, 0x01};
  for (const Family family : {Family::kIpv4, Family::kIpv6}) {
    std::array<std::uint8_t, 32> out{};
    const auto message = build_echo_request(family, 0xbeef, 0xfffe, payload, out);
    const auto parsed = parse_icmp_message(family, message);
    const auto& request = expect_alternative<EchoRequest>(parsed.message);
    EXPECT_EQ(request, (EchoRequest{0xbeef, 0xfffe}));
    EXPECT_EQ(parse_sent_echo_request(family, message), (EchoRequest{0xbeef, 0xfffe}));
  }
}

// RFC 1624 incremental update against a full RFC 1071 recompute, for every sequence number,
// with payloads of even and odd length and one that drives the sum to its extremes.
TEST(SetEchoSequence, IncrementalChecksumEqualsFullRecomputeForEverySequence) {
  const std::vector<Bytes> payloads = {Bytes(56, 0), Bytes{0x10, 0x11, 0x12}, Bytes(40, 0xff),
                                       Bytes{}};
  for (const Bytes& payload : payloads) {
    std::array<std::uint8_t, 64> rolling{};
    std::array<std::uint8_t, 64> fresh{};
    auto message = build_echo_request(Family::kIpv4, 0xf7ff, 0, payload, rolling);
    for (std::uint32_t seq = 1; seq <= 0x10000; ++seq) {
      const auto s = static_cast<std::uint16_t>(seq);  // ends by wrapping back to 0
      set_echo_sequence(Family::kIpv4, message, s);
      const auto expected = build_echo_request(Family::kIpv4, 0xf7ff, s, payload, fresh);
      ASSERT_TRUE(std::equal(message.begin(), message.end(), expected.begin(), expected.end()))
          << "payload size " << payload.size() << " seq " << s;
    }
  }
}

TEST(SetEchoSequence, Icmpv6RewritesOnlyTheSequence) {
  std::array<std::uint8_t, 16> out{};
  const auto message = build_echo_request(Family::kIpv6, 0x1234, 1, Bytes(8, 0xaa), out);
  set_echo_sequence(Family::kIpv6, message, 0x0203);
  EXPECT_EQ(Bytes(message.begin(), message.end()), hex("8000 0000 1234 0203 aaaa aaaa aaaa aaaa"));
}

// ---- ICMPv6 pseudo-header checksum ------------------------------------------------------

// Worked by hand from RFC 8200 section 8.1: source ::1 and destination ::1 add 0x0001 each,
// the upper-layer length 8 adds 0x0008, next header 58 adds 0x003a, and the message
// 8000 0000 0000 0000 (echo request, id 0, seq 0) adds 0x8000. Sum 0x8044, complement 0x7fbb.
TEST(Icmpv6Checksum, HandComputedPseudoHeaderExample) {
  const Bytes message = hex("8000 0000 0000 0000");
  EXPECT_EQ(icmpv6_checksum(kLoopback6, kLoopback6, message), 0x7fbb);
}

TEST(Icmpv6Checksum, KernelFilledChecksumsOfCapturedPacketsVerifyToZero) {
  for (const char* captured : {kV6Request, kV6Reply, kV6AddressUnreachable}) {
    const Bytes packet = hex(captured);
    EXPECT_EQ(icmpv6_checksum(kLoopback6, kLoopback6, tail(packet, 40)), 0) << captured;
  }
}

TEST(Icmpv6Checksum, ZeroedFieldGivesTheWireValue) {
  Bytes reply = tail(hex(kV6Reply), 40);
  reply[2] = reply[3] = 0;
  EXPECT_EQ(icmpv6_checksum(kLoopback6, kLoopback6, reply), 0xcfa0);
}

TEST(Icmpv6Checksum, DependsOnBothAddresses) {
  const Bytes reply = tail(hex(kV6Reply), 40);
  std::array<std::uint8_t, 16> other = kLoopback6;
  other[15] = 2;
  EXPECT_NE(icmpv6_checksum(other, kLoopback6, reply), 0);
  EXPECT_NE(icmpv6_checksum(kLoopback6, other, reply), 0);
}

// ---- Raw IPv4 ---------------------------------------------------------------------------

TEST(ParseIpv4Datagram, CapturedReplyIsAnEchoReplyWithItsEnvelope) {
  const Bytes packet = hex(kV4Reply);
  const ReceivedIcmp received = parse_ipv4_datagram(packet);
  const auto& reply = expect_alternative<EchoReply>(received.message);
  EXPECT_EQ(reply.identifier, 0x0ef9);
  EXPECT_EQ(reply.sequence, 1);
  EXPECT_EQ(reply.icmp_length, 64u);  // "64 bytes from 127.0.0.1"
  EXPECT_EQ(reply.payload.data(), packet.data() + 28);
  EXPECT_EQ(reply.payload.size(), 56u);
  EXPECT_TRUE(reply.checksum_ok);
  EXPECT_EQ(received.envelope.ttl, 64);
  EXPECT_EQ(received.envelope.source, kLoopback4);
  EXPECT_EQ(received.envelope.destination, kLoopback4);
  EXPECT_TRUE(received.envelope.ip_options.empty());
}

TEST(ParseIpv4Datagram, CapturedRequestIsAnEchoRequestToIgnore) {
  const ReceivedIcmp received = parse_ipv4_datagram(hex(kV4Request));
  EXPECT_EQ(expect_alternative<EchoRequest>(received.message), (EchoRequest{0x0ef9, 1}));
}

TEST(ParseIpv4Datagram, ReplyWithRecordRouteOptions) {
  const Bytes packet = hex(kV4RecordRouteReply);
  const ReceivedIcmp received = parse_ipv4_datagram(packet);
  const auto& reply = expect_alternative<EchoReply>(received.message);
  EXPECT_EQ(reply.identifier, 0x1c25);
  EXPECT_EQ(reply.icmp_length, 16u);  // "16 bytes from 127.0.0.1"
  EXPECT_EQ(Bytes(reply.payload.begin(), reply.payload.end()), hex("0001 0203 0405 0607"));
  EXPECT_TRUE(reply.checksum_ok);
  ASSERT_EQ(received.envelope.ip_options.size(), 40u);
  EXPECT_EQ(received.envelope.ip_options[0], 0x07);  // record route
  EXPECT_EQ(received.envelope.ip_options.data(), packet.data() + 20);
}

TEST(ParseIpv4Datagram, BadChecksumIsReportedButStillParsed) {
  Bytes packet = hex(kV4Reply);
  packet[60] ^= 0x01;  // one payload bit
  const auto& reply = expect_alternative<EchoReply>(parse_ipv4_datagram(packet).message);
  EXPECT_FALSE(reply.checksum_ok);
  EXPECT_EQ(reply.sequence, 1);
  EXPECT_EQ(reply.identifier, 0x0ef9);
}

TEST(ParseIpv4Datagram, BytesPastTheTotalLengthAreIgnored) {
  const Bytes packet = concat(hex(kV4Reply), Bytes{1, 2, 3, 4, 5});
  const auto& reply = expect_alternative<EchoReply>(parse_ipv4_datagram(packet).message);
  EXPECT_EQ(reply.icmp_length, 64u);
  EXPECT_TRUE(reply.checksum_ok);
}

TEST(ParseIpv4Datagram, RejectsAVersionOtherThanFour) {
  Bytes packet = hex(kV4Reply);
  packet[0] = 0x65;
  EXPECT_EQ(malformed_reason(parse_ipv4_datagram(packet).message), MalformedReason::kBadIpVersion);
}

TEST(ParseIpv4Datagram, RejectsAHeaderLengthBelowFiveWords) {
  for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
    Bytes packet = hex(kV4Reply);
    packet[0] = static_cast<std::uint8_t>(0x40 | ihl);
    EXPECT_EQ(malformed_reason(parse_ipv4_datagram(packet).message),
              MalformedReason::kBadIpHeaderLength)
        << int{ihl};
  }
}

TEST(ParseIpv4Datagram, RejectsAHeaderLengthBeyondTheData) {
  Bytes packet = head(hex(kV4Reply), 40);
  packet[0] = 0x4f;  // 60-byte header in 40 bytes
  EXPECT_EQ(malformed_reason(parse_ipv4_datagram(packet).message),
            MalformedReason::kBadIpHeaderLength);
}

TEST(ParseIpv4Datagram, RejectsAnotherProtocolButKeepsTheEnvelope) {
  Bytes packet = hex(kV4Reply);
  packet[9] = 17;  // UDP
  const ReceivedIcmp received = parse_ipv4_datagram(packet);
  EXPECT_EQ(malformed_reason(received.message), MalformedReason::kNotIcmp);
  EXPECT_EQ(received.envelope.source, kLoopback4);
}

TEST(ParseIpv4Datagram, RejectsATotalLengthAboveTheData) {
  Bytes packet = hex(kV4Reply);
  packet[3] = 0x55;  // 85 > 84 received
  EXPECT_EQ(malformed_reason(parse_ipv4_datagram(packet).message),
            MalformedReason::kBadIpTotalLength);
}

TEST(ParseIpv4Datagram, RejectsATotalLengthBelowHeaderPlusEight) {
  Bytes packet = hex(kV4Reply);
  packet[2] = 0;
  packet[3] = 27;  // 20 + 7
  EXPECT_EQ(malformed_reason(parse_ipv4_datagram(packet).message),
            MalformedReason::kBadIpTotalLength);
  packet[3] = 28;  // 20 + 8: a bare header, whose checksum no longer covers the payload
  const auto& reply = expect_alternative<EchoReply>(parse_ipv4_datagram(packet).message);
  EXPECT_EQ(reply.icmp_length, 8u);
  EXPECT_FALSE(reply.checksum_ok);
}

TEST(ParseIpv4Datagram, EveryTruncationOfACapturedPacketIsMalformed) {
  for (const char* captured : {kV4Reply, kV4Request, kV4HostUnreachable, kV4RecordRouteReply}) {
    const Bytes packet = hex(captured);
    for (std::size_t n = 0; n < packet.size(); ++n) {
      const auto reason = malformed_reason(parse_ipv4_datagram(head(packet, n)).message);
      const std::size_t header = std::size_t{packet[0] & 0x0Fu} * 4;
      const MalformedReason expected = n < 20       ? MalformedReason::kTooShort
                                       : n < header ? MalformedReason::kBadIpHeaderLength
                                                    : MalformedReason::kBadIpTotalLength;
      EXPECT_EQ(reason, expected) << "length " << n;
    }
  }
}

// ---- ICMP messages without an IP header (datagram sockets, ICMPv6) ---------------------

TEST(ParseIcmpMessage, DatagramSocketReplyReturnsTheCallersEnvelope) {
  const Bytes icmp = tail(hex(kV4Reply), 20);
  const Envelope envelope{kLoopback4, std::nullopt, 64, {}};
  const ReceivedIcmp received = parse_icmp_message(Family::kIpv4, icmp, envelope);
  const auto& reply = expect_alternative<EchoReply>(received.message);
  EXPECT_EQ(reply.sequence, 1);
  EXPECT_EQ(reply.icmp_length, 64u);
  EXPECT_TRUE(reply.checksum_ok);
  EXPECT_EQ(received.envelope.source, kLoopback4);
  EXPECT_EQ(received.envelope.ttl, 64);
  EXPECT_FALSE(received.envelope.destination.has_value());
}

TEST(ParseIcmpMessage, CapturedIcmpv6Reply) {
  const Bytes icmp = tail(hex(kV6Reply), 40);
  const auto& reply =
      expect_alternative<EchoReply>(parse_icmp_message(Family::kIpv6, icmp).message);
  EXPECT_EQ(reply.identifier, 0x1baf);
  EXPECT_EQ(reply.sequence, 1);
  EXPECT_EQ(reply.icmp_length, 32u);  // "32 bytes from ::1"
  EXPECT_EQ(reply.payload.size(), 24u);
  EXPECT_EQ(reply.payload.back(), 0x17);
  EXPECT_TRUE(reply.checksum_ok);
}

TEST(ParseIcmpMessage, Icmpv6ChecksumIsLeftToTheKernel) {
  Bytes icmp = tail(hex(kV6Reply), 40);
  icmp[20] ^= 0xff;
  EXPECT_TRUE(
      expect_alternative<EchoReply>(parse_icmp_message(Family::kIpv6, icmp).message).checksum_ok);
}

TEST(ParseIcmpMessage, CapturedIcmpv6RequestIsAnEchoRequest) {
  const Bytes icmp = tail(hex(kV6Request), 40);
  EXPECT_EQ(expect_alternative<EchoRequest>(parse_icmp_message(Family::kIpv6, icmp).message),
            (EchoRequest{0x1baf, 1}));
}

TEST(ParseIcmpMessage, EchoTypesOfTheOtherFamilyAreOther) {
  const Bytes v4_request = tail(hex(kV4Request), 20);
  EXPECT_EQ(expect_alternative<OtherIcmp>(parse_icmp_message(Family::kIpv6, v4_request).message),
            (OtherIcmp{8, 0}));
  const Bytes v6_reply = tail(hex(kV6Reply), 40);
  EXPECT_EQ(expect_alternative<OtherIcmp>(parse_icmp_message(Family::kIpv4, v6_reply).message),
            (OtherIcmp{129, 0}));
}

TEST(ParseIcmpMessage, UnrelatedTypesAreOther) {
  // IPv4 router advertisement and timestamp reply; ICMPv6 router advertisement and MLD.
  for (const std::uint8_t type : Types{9, 10, 13, 14, 17, 18, 42, 255}) {
    const Bytes message = icmp_message(type, 0, 0, Bytes(8, 0));
    EXPECT_EQ(expect_alternative<OtherIcmp>(parse_icmp_message(Family::kIpv4, message).message),
              (OtherIcmp{type, 0}));
  }
  for (const std::uint8_t type : Types{0, 5, 127, 130, 133, 134, 135, 136, 143, 255}) {
    const Bytes message = icmp_message(type, 3, 0, Bytes(8, 0));
    EXPECT_EQ(expect_alternative<OtherIcmp>(parse_icmp_message(Family::kIpv6, message).message),
              (OtherIcmp{type, 3}));
  }
}

TEST(ParseIcmpMessage, FewerThanEightBytesAreTooShort) {
  const Bytes icmp = tail(hex(kV4Reply), 20);
  for (std::size_t n = 0; n < 8; ++n) {
    for (const Family family : {Family::kIpv4, Family::kIpv6}) {
      EXPECT_EQ(malformed_reason(parse_icmp_message(family, head(icmp, n)).message),
                MalformedReason::kTooShort)
          << n;
    }
  }
}

TEST(ParseIcmpMessage, EveryTruncationOfAReplyIsAShorterReply) {
  const Bytes icmp = tail(hex(kV4Reply), 20);
  for (std::size_t n = 8; n <= icmp.size(); ++n) {
    const Bytes cut = head(icmp, n);
    const auto& reply =
        expect_alternative<EchoReply>(parse_icmp_message(Family::kIpv4, cut).message);
    EXPECT_EQ(reply.icmp_length, n);
    EXPECT_EQ(reply.payload.size(), n - 8);
    EXPECT_EQ(reply.checksum_ok, n == icmp.size()) << n;
  }
}

// ---- IPv4 errors ------------------------------------------------------------------------

TEST(ParseIpv4Error, CapturedHostUnreachableQuotesOurRequest) {
  const ReceivedIcmp received = parse_ipv4_datagram(hex(kV4HostUnreachable));
  const auto& error = expect_alternative<IcmpError>(received.message);
  EXPECT_EQ(error.type, icmp4::kDestinationUnreachable);
  EXPECT_EQ(error.code, 1);
  EXPECT_EQ(error.info, 0u);
  EXPECT_TRUE(error.checksum_ok);
  EXPECT_EQ(error.quoted.destination, kLoopback4);
  EXPECT_EQ(error.quoted.source, kLoopback4);
  EXPECT_EQ(error.quoted.protocol, icmp4::kProtocol);
  EXPECT_EQ(error.quoted.icmp, (QuotedIcmp{8, 0, 0x1bb3, 1}));
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{0x1bb3, 1}));
  EXPECT_EQ(received.envelope.source, kLoopback4);  // the offender
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv4), "Destination Host Unreachable");
}

TEST(ParseIpv4Error, FragmentationNeededCarriesTheNextHopMtu) {
  const Bytes quote =
      concat(ipv4_header(1, 1500, kTest4, kLoopback4), our_request(Family::kIpv4, 77, 5));
  // RFC 1191: the MTU is the low 16 bits; the high 16 are unused and must not leak in.
  const Bytes message = icmp_message(3, 4, 0xabcd0578, quote);
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv4, message).message);
  EXPECT_EQ(error.info, 1400u);
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{77, 5}));
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv4), "Frag needed and DF set (mtu = 1400)");
}

TEST(ParseIpv4Error, ParameterProblemCarriesThePointer) {
  const Bytes quote =
      concat(ipv4_header(1, 84, kTest4, kLoopback4), our_request(Family::kIpv4, 1, 2));
  const Bytes message = icmp_message(12, 0, 0x14000000, quote);
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv4, message).message);
  EXPECT_EQ(error.info, 20u);
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv4), "Parameter problem: pointer = 20");
}

TEST(ParseIpv4Error, RedirectCarriesTheGateway) {
  const Bytes quote =
      concat(ipv4_header(1, 84, kTest4, kLoopback4), our_request(Family::kIpv4, 1, 2));
  const Bytes message = icmp_message(5, 1, 0xc6120001, quote);
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv4, message).message);
  EXPECT_EQ(error.info, 0xc6120001u);
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv4), "Redirect Host(New nexthop: 198.18.0.1)");
}

TEST(ParseIpv4Error, EveryIpv4ErrorTypeIsAnError) {
  const Bytes quote =
      concat(ipv4_header(1, 84, kTest4, kLoopback4), our_request(Family::kIpv4, 9, 9));
  for (const std::uint8_t type : Types{3, 4, 5, 11, 12}) {
    const Bytes datagram = ipv4_datagram(icmp_message(type, 0, 0, quote));
    const auto& error = expect_alternative<IcmpError>(parse_ipv4_datagram(datagram).message);
    EXPECT_EQ(error.type, type);
    EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{9, 9})) << int{type};
  }
}

TEST(ParseIpv4Error, QuotedHeaderWithOptions) {
  // The captured record-route request as a router quotes it: 60-byte header + 8 bytes.
  const Bytes quote = head(hex(kV4RecordRouteRequest), 68);
  const auto& error = expect_alternative<IcmpError>(
      parse_ipv4_datagram(ipv4_datagram(icmp_message(11, 0, 0, quote))).message);
  EXPECT_EQ(error.quoted.protocol, icmp4::kProtocol);
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{0x1c25, 1}));
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv4), "Time to live exceeded");
}

TEST(ParseIpv4Error, QuoteOfAnotherProtocolHasNoIcmp) {
  const Bytes udp = hex("a1b2 0035 0030 0000");
  const Bytes quote = concat(ipv4_header(17, 48, kTest4, kLoopback4), udp);
  const auto& error = expect_alternative<IcmpError>(
      parse_icmp_message(Family::kIpv4, icmp_message(3, 3, 0, quote)).message);
  EXPECT_EQ(error.quoted.protocol, 17);
  EXPECT_FALSE(error.quoted.icmp.has_value());
  EXPECT_FALSE(error.quoted.echo_request().has_value());
  EXPECT_EQ(error.quoted.destination, kLoopback4);
}

TEST(ParseIpv4Error, QuoteOfAnEchoReplyIsNotOurRequest) {
  Bytes inner = our_request(Family::kIpv4, 5, 6);
  inner[0] = icmp4::kEchoReply;
  const Bytes quote = concat(ipv4_header(1, 84, kTest4, kLoopback4), inner);
  const auto& error = expect_alternative<IcmpError>(
      parse_icmp_message(Family::kIpv4, icmp_message(3, 1, 0, quote)).message);
  EXPECT_EQ(error.quoted.icmp, (QuotedIcmp{0, 0, 5, 6}));
  EXPECT_FALSE(error.quoted.echo_request().has_value());
}

TEST(ParseIpv4Error, BadChecksumIsReportedButStillParsed) {
  Bytes datagram = hex(kV4HostUnreachable);
  datagram.back() ^= 0x40;
  const auto& error = expect_alternative<IcmpError>(parse_ipv4_datagram(datagram).message);
  EXPECT_FALSE(error.checksum_ok);
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{0x1bb3, 1}));
}

TEST(ParseIpv4Error, QuoteThatIsNotAnIpv4Header) {
  const Bytes bad_version =
      concat(ipv4_header(1, 84, kTest4, kLoopback4), our_request(Family::kIpv4, 1, 1));
  Bytes v6 = bad_version;
  v6[0] = 0x65;
  EXPECT_EQ(malformed_reason(parse_icmp_message(Family::kIpv4, icmp_message(3, 1, 0, v6)).message),
            MalformedReason::kQuoteBadIpHeader);
  Bytes short_ihl = bad_version;
  short_ihl[0] = 0x44;
  EXPECT_EQ(
      malformed_reason(parse_icmp_message(Family::kIpv4, icmp_message(3, 1, 0, short_ihl)).message),
      MalformedReason::kQuoteBadIpHeader);
}

TEST(ParseIpv4Error, EveryTruncationOfTheCapturedErrorIsMalformedOrComplete) {
  const Bytes icmp = tail(hex(kV4HostUnreachable), 20);
  for (std::size_t n = 0; n <= icmp.size(); ++n) {
    const IcmpMessage message = parse_icmp_message(Family::kIpv4, head(icmp, n)).message;
    if (n < 8) {
      EXPECT_EQ(malformed_reason(message), MalformedReason::kTooShort) << n;
    } else if (n < 8 + 20 + 8) {
      EXPECT_EQ(malformed_reason(message), MalformedReason::kQuoteTooShort) << n;
    } else {
      EXPECT_EQ(expect_alternative<IcmpError>(message).quoted.echo_request(),
                (EchoRequest{0x1bb3, 1}))
          << n;
    }
  }
}

TEST(ParseIpv4Error, QuoteCutInsideItsOptionsIsTooShort) {
  const Bytes request = hex(kV4RecordRouteRequest);
  for (std::size_t n = 20; n < 68; ++n) {
    const Bytes message = icmp_message(11, 0, 0, head(request, n));
    EXPECT_EQ(malformed_reason(parse_icmp_message(Family::kIpv4, message).message),
              MalformedReason::kQuoteTooShort)
        << n;
  }
}

// ---- ICMPv6 errors ----------------------------------------------------------------------

Bytes ipv6_quote(const Bytes& after_header, std::uint8_t next_header = icmp6::kProtocol) {
  return concat(ipv6_header(next_header, after_header.size(), IpAddress::v6(kLoopback6), kTest6),
                after_header);
}

TEST(ParseIcmpv6Error, CapturedAddressUnreachableQuotesOurRequest) {
  const Bytes icmp = tail(hex(kV6AddressUnreachable), 40);
  const Envelope envelope{IpAddress::v6(kLoopback6), std::nullopt, 64, {}};
  const ReceivedIcmp received = parse_icmp_message(Family::kIpv6, icmp, envelope);
  const auto& error = expect_alternative<IcmpError>(received.message);
  EXPECT_EQ(error.type, icmp6::kDestinationUnreachable);
  EXPECT_EQ(error.code, 3);
  EXPECT_EQ(error.quoted.destination, IpAddress::v6(kLoopback6));
  EXPECT_EQ(error.quoted.protocol, icmp6::kProtocol);
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{0x1bb7, 1}));
  EXPECT_EQ(received.envelope.source, IpAddress::v6(kLoopback6));
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv6),
            "Destination unreachable: Address unreachable");
}

TEST(ParseIcmpv6Error, PacketTooBigCarriesTheMtu) {
  const Bytes message = icmp_message(2, 0, 1280, ipv6_quote(our_request(Family::kIpv6, 3, 4)));
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv6, message).message);
  EXPECT_EQ(error.info, 1280u);
  EXPECT_EQ(error.quoted.destination, kTest6);
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{3, 4}));
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv6), "Packet too big: mtu=1280");
}

TEST(ParseIcmpv6Error, ParameterProblemCarriesAThirtyTwoBitPointer) {
  const Bytes message =
      icmp_message(4, 0, 0x00010028, ipv6_quote(our_request(Family::kIpv6, 3, 4)));
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv6, message).message);
  EXPECT_EQ(error.info, 0x00010028u);
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv6),
            "Parameter problem: Wrong header field at 65576");
}

TEST(ParseIcmpv6Error, TimeExceededAndUnreachableCarryNoInfo) {
  for (const std::uint8_t type : Types{1, 3}) {
    const Bytes message =
        icmp_message(type, 0, 0xffffffff, ipv6_quote(our_request(Family::kIpv6, 3, 4)));
    const auto& error =
        expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv6, message).message);
    EXPECT_EQ(error.info, 0u) << int{type};
  }
}

TEST(ParseIcmpv6Error, QuoteWithAFirstFragmentHeader) {
  // Fragment header: next header 58, reserved, offset 0 with M set, identification.
  const Bytes fragment = hex("3a00 0001 1234 5678");
  const Bytes message =
      icmp_message(3, 1, 0, ipv6_quote(concat(fragment, our_request(Family::kIpv6, 11, 12)), 44));
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv6, message).message);
  EXPECT_EQ(error.quoted.protocol, icmp6::kProtocol);
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{11, 12}));
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv6), "Time exceeded: Defragmentation failure");
}

TEST(ParseIcmpv6Error, QuoteOfALaterFragmentHasNoIcmp) {
  const Bytes fragment = hex("3a00 00b8 1234 5678");  // offset 23 * 8
  const Bytes message =
      icmp_message(3, 1, 0, ipv6_quote(concat(fragment, our_request(Family::kIpv6, 11, 12)), 44));
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv6, message).message);
  EXPECT_EQ(error.quoted.protocol, 44);
  EXPECT_FALSE(error.quoted.echo_request().has_value());
}

TEST(ParseIcmpv6Error, QuoteWithHopByHopAndDestinationOptions) {
  const Bytes hop_by_hop = hex("3c00 0102 0000 0000");  // next: dest opts, 8 bytes
  const Bytes dest_opts = hex("3a01 0106 0000 0000 0000 0000 0000 0000");  // next: 58, 16 bytes
  const Bytes chain = concat(concat(hop_by_hop, dest_opts), our_request(Family::kIpv6, 21, 22));
  const Bytes message = icmp_message(1, 4, 0, ipv6_quote(chain, 0));
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv6, message).message);
  EXPECT_EQ(error.quoted.protocol, icmp6::kProtocol);
  EXPECT_EQ(error.quoted.echo_request(), (EchoRequest{21, 22}));
}

TEST(ParseIcmpv6Error, ExtensionHeaderCutShortStopsTheWalk) {
  const Bytes dest_opts = hex("3a01 0106 0000 0000 0000 0000 0000 0000");
  const Bytes quote =
      head(ipv6_quote(concat(dest_opts, our_request(Family::kIpv6, 1, 2)), 60), 40 + 12);
  const auto& error = expect_alternative<IcmpError>(
      parse_icmp_message(Family::kIpv6, icmp_message(1, 0, 0, quote)).message);
  EXPECT_EQ(error.quoted.protocol, 60);
  EXPECT_FALSE(error.quoted.icmp.has_value());
}

TEST(ParseIcmpv6Error, QuoteOfAnotherProtocolHasNoIcmp) {
  const Bytes message = icmp_message(1, 4, 0, ipv6_quote(hex("a1b2 0035 0010 0000"), 17));
  const auto& error =
      expect_alternative<IcmpError>(parse_icmp_message(Family::kIpv6, message).message);
  EXPECT_EQ(error.quoted.protocol, 17);
  EXPECT_FALSE(error.quoted.echo_request().has_value());
}

TEST(ParseIcmpv6Error, QuoteOfAnIpv4HeaderIsBad) {
  const Bytes v4 = head(hex(kV4HostUnreachable), 64);  // 64 bytes starting 0x45
  EXPECT_EQ(malformed_reason(parse_icmp_message(Family::kIpv6, icmp_message(1, 0, 0, v4)).message),
            MalformedReason::kQuoteBadIpHeader);
}

TEST(ParseIcmpv6Error, EveryTruncationOfTheCapturedErrorIsMalformedOrComplete) {
  const Bytes icmp = tail(hex(kV6AddressUnreachable), 40);
  for (std::size_t n = 0; n <= icmp.size(); ++n) {
    const IcmpMessage message = parse_icmp_message(Family::kIpv6, head(icmp, n)).message;
    if (n < 8) {
      EXPECT_EQ(malformed_reason(message), MalformedReason::kTooShort) << n;
    } else if (n < 8 + 40 + 8) {
      EXPECT_EQ(malformed_reason(message), MalformedReason::kQuoteTooShort) << n;
    } else {
      EXPECT_EQ(expect_alternative<IcmpError>(message).quoted.echo_request(),
                (EchoRequest{0x1bb7, 1}))
          << n;
    }
  }
}

// ---- Error queue ------------------------------------------------------------------------

TEST(ParseSentEchoRequest, ReadsIdentifierAndSequenceOfOurRequest) {
  EXPECT_EQ(parse_sent_echo_request(Family::kIpv4, tail(hex(kV4Request), 20)),
            (EchoRequest{0x0ef9, 1}));
  EXPECT_EQ(parse_sent_echo_request(Family::kIpv6, tail(hex(kV6Request), 40)),
            (EchoRequest{0x1baf, 1}));
}

TEST(ParseSentEchoRequest, EightBytesAreEnough) {
  EXPECT_EQ(parse_sent_echo_request(Family::kIpv4, hex("0800 0000 0102 0304")),
            (EchoRequest{0x0102, 0x0304}));
  EXPECT_FALSE(parse_sent_echo_request(Family::kIpv4, hex("0800 0000 0102 03")).has_value());
  EXPECT_FALSE(parse_sent_echo_request(Family::kIpv4, {}).has_value());
}

TEST(ParseSentEchoRequest, AnythingButAnEchoRequestOfTheFamilyIsNotOurs) {
  EXPECT_FALSE(parse_sent_echo_request(Family::kIpv4, tail(hex(kV4Reply), 20)).has_value());
  EXPECT_FALSE(parse_sent_echo_request(Family::kIpv6, tail(hex(kV4Request), 20)).has_value());
  EXPECT_FALSE(parse_sent_echo_request(Family::kIpv4, tail(hex(kV6Request), 40)).has_value());
}

// ---- Robustness -------------------------------------------------------------------------

// Deterministic pseudo-random bytes, biased towards plausible headers so the deeper paths run.
TEST(IcmpParsers, NeverReadOutsideTheirInput) {
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<std::uint8_t>(state >> 24);
  };
  const std::array<std::uint8_t, 8> firsts = {0x45, 0x4f, 0x46, 0x60, 3, 11, 1, 0};
  for (int round = 0; round < 20000; ++round) {
    Bytes data(next() % 120);
    for (auto& b : data) b = next();
    if (!data.empty()) data[0] = firsts[next() % firsts.size()];
    if (data.size() > 9 && next() % 2) data[9] = 1;
    if (data.size() > 28 && next() % 2) data[28] = firsts[next() % 3];
    if (data.size() > 8 && next() % 2) data[8] = 0x60;
    for (const IcmpMessage& m :
         {parse_ipv4_datagram(data).message, parse_icmp_message(Family::kIpv4, data).message,
          parse_icmp_message(Family::kIpv6, data).message}) {
      if (const auto* reply = std::get_if<EchoReply>(&m)) {
        ASSERT_GE(reply->payload.data(), data.data());
        ASSERT_LE(reply->payload.data() + reply->payload.size(), data.data() + data.size());
        ASSERT_EQ(reply->icmp_length, reply->payload.size() + 8);
      }
    }
    (void)parse_sent_echo_request(Family::kIpv4, data);
  }
}

}  // namespace
}  // namespace bp
