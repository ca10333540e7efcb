#include "tests/responder/reply_builder.h"

#include <gtest/gtest.h>

#include <vector>

#include "ping/packet/checksum.h"
#include "tests/unit/hex.h"
#include "tests/unit/responder/captured_requests.h"

namespace bp::responder {
namespace {

using bp::test::hex;
using test::kKernelReply4;
using test::kKernelReply6;
using test::request4;
using test::request6;

// The expected datagrams below were computed independently (a few lines of Python over the
// captured bytes); the ICMP checksums of the plain replies equal the kernel's.

Bytes icmp_part(const Datagram& d) {
  const std::size_t header = d.family == Family::kIpv4 ? 20 : 40;
  return Bytes(d.bytes.begin() + static_cast<std::ptrdiff_t>(header), d.bytes.end());
}

Bytes icmp_part(const Bytes& datagram, std::size_t header) {
  return Bytes(datagram.begin() + static_cast<std::ptrdiff_t>(header), datagram.end());
}

Datagram only(const std::vector<Datagram>& replies) {
  EXPECT_EQ(replies.size(), 1u);
  return replies.empty() ? Datagram{} : replies.front();
}

Datagram reply4(Scenario s, const ReplyParams& params = {}) {
  return only(build_replies(request4(), s, params));
}

Datagram reply6(Scenario s, const ReplyParams& params = {}) {
  return only(build_replies(request6(), s, params));
}

// The one's complement sum over the ICMPv6 pseudo-header and message: 0 when intact.
std::uint16_t icmpv6_residue(const Datagram& d) {
  ChecksumAccumulator sum;
  sum.add(std::span<const std::uint8_t>(d.bytes).subspan(8, 32));
  sum.add_u32(static_cast<std::uint32_t>(d.bytes.size() - 40));
  sum.add_u16(58);
  sum.add(std::span<const std::uint8_t>(d.bytes).subspan(40));
  return sum.finish();
}

const char* const kNormalReply4 =
    "4500 0054 83ca 0000 4001 6ab7 c612 0002"
    "c612 0001 0000 0543 03a9 0001 0001 0203"
    "0405 0607 0809 0a0b 0c0d 0e0f 1011 1213"
    "1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233"
    "3435 3637";

const char* const kNormalReply6 =
    "6000 0000 0040 3a40 2001 0db8 0000 0000"
    "0000 0000 0000 0002 2001 0db8 0000 0000"
    "0000 0000 0000 0001 8100 2852 03aa 0001"
    "0001 0203 0405 0607 0809 0a0b 0c0d 0e0f"
    "1011 1213 1415 1617 1819 1a1b 1c1d 1e1f"
    "2021 2223 2425 2627 2829 2a2b 2c2d 2e2f"
    "3031 3233 3435 3637";

// --- parsing ---------------------------------------------------------------------------------

TEST(ParseIpv4EchoRequest, CapturedRequestGivesAddressesIdentifierSequenceAndBytes) {
  const auto r = parse_ipv4_echo_request(hex(test::kRequest4));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->family, Family::kIpv4);
  EXPECT_EQ(r->source, test::v4(198, 18, 0, 1));
  EXPECT_EQ(r->destination, test::v4(198, 18, 0, 2));
  EXPECT_EQ(r->identifier, 0x03a9);
  EXPECT_EQ(r->sequence, 1);
  EXPECT_EQ(r->ip_header, hex("4500 0054 83ca 4000 4001 2ab7 c612 0001 c612 0002"));
  EXPECT_EQ(r->icmp.size(), 64u);
  EXPECT_EQ(r->icmp[0], 8);
}

TEST(ParseIpv4EchoRequest, EchoReplyIsNotARequest) {
  EXPECT_FALSE(parse_ipv4_echo_request(hex(kKernelReply4)));
}

TEST(ParseIpv4EchoRequest, TotalLengthBeyondTheDataIsRefused) {
  auto bytes = hex(test::kRequest4);
  bytes.resize(80);  // total length still says 84
  EXPECT_FALSE(parse_ipv4_echo_request(bytes));
}

TEST(ParseIpv4EchoRequest, BytesPastTheTotalLengthAreIgnored) {
  auto bytes = hex(test::kRequest4);
  bytes.push_back(0xEE);
  const auto r = parse_ipv4_echo_request(bytes);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->icmp.size(), 64u);
}

TEST(ParseIpv4EchoRequest, OtherProtocolOrVersionIsRefused) {
  auto udp = hex(test::kRequest4);
  udp[9] = 17;
  EXPECT_FALSE(parse_ipv4_echo_request(udp));
  auto v6 = hex(test::kRequest4);
  v6[0] = 0x65;
  EXPECT_FALSE(parse_ipv4_echo_request(v6));
  EXPECT_FALSE(parse_ipv4_echo_request(hex("4500 0054 83ca")));
}

TEST(ParseIcmpv6EchoRequest, RebuildsTheCapturedIpv6HeaderFromTheSocketsReport) {
  const EchoRequestIn r = request6();
  EXPECT_EQ(r.family, Family::kIpv6);
  EXPECT_EQ(r.source, test::v6(1));
  EXPECT_EQ(r.destination, test::v6(2));
  EXPECT_EQ(r.identifier, 0x03aa);
  EXPECT_EQ(r.sequence, 1);
  const auto whole = hex(test::kRequest6);
  EXPECT_EQ(r.ip_header, Bytes(whole.begin(), whole.begin() + 40));
  EXPECT_EQ(r.icmp, Bytes(whole.begin() + 40, whole.end()));
}

TEST(ParseIcmpv6EchoRequest, EchoReplyAndShortMessagesAreRefused) {
  const auto reply = hex(kKernelReply6);
  EXPECT_FALSE(parse_icmpv6_echo_request(icmp_part(reply, 40), test::request6_arrival()));
  EXPECT_FALSE(parse_icmpv6_echo_request(hex("8000 2952 03aa"), test::request6_arrival()));
}

// --- replies, IPv4 ---------------------------------------------------------------------------

TEST(BuildRepliesIpv4, NormalIsTheKernelsReplyWithTheRequestsIpIdentification) {
  const Datagram d = reply4(Scenario::kNormal);
  EXPECT_EQ(d.family, Family::kIpv4);
  EXPECT_EQ(d.destination, test::v4(198, 18, 0, 1));
  EXPECT_EQ(d.bytes, hex(kNormalReply4));
  EXPECT_EQ(icmp_part(d), icmp_part(hex(kKernelReply4), 20));
  EXPECT_EQ(internet_checksum(std::span<const std::uint8_t>(d.bytes).first(20)), 0);
}

TEST(BuildRepliesIpv4, DropSendsNothing) {
  EXPECT_TRUE(build_replies(request4(), Scenario::kDrop, {}).empty());
}

TEST(BuildRepliesIpv4, DuplicateSendsTheNormalReplyTwice) {
  const auto replies = build_replies(request4(), Scenario::kDuplicate, {});
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].bytes, hex(kNormalReply4));
  EXPECT_EQ(replies[1].bytes, hex(kNormalReply4));
}

TEST(BuildRepliesIpv4, ReorderBuildsANormalReplyTheSchedulerHolds) {
  EXPECT_EQ(reply4(Scenario::kReorder).bytes, hex(kNormalReply4));
}

TEST(BuildRepliesIpv4, BadChecksumSpoilsOnlyTheIcmpChecksum) {
  Bytes expected = hex(kNormalReply4);
  expected[22] = 0x50;  // 0x0543 ^ 0x5555
  expected[23] = 0x16;
  const Datagram d = reply4(Scenario::kBadChecksum);
  EXPECT_EQ(d.bytes, expected);
  EXPECT_NE(internet_checksum(icmp_part(d)), 0);
}

TEST(BuildRepliesIpv4, CorruptByteFlipsPayloadByteTwentyWithAValidChecksum) {
  const Datagram d = reply4(Scenario::kCorruptByte);
  EXPECT_EQ(icmp_part(d), hex("0000 2e42 03a9 0001 0001 0203 0405 0607"
                              "0809 0a0b 0c0d 0e0f 1011 1213 eb15 1617"
                              "1819 1a1b 1c1d 1e1f 2021 2223 2425 2627"
                              "2829 2a2b 2c2d 2e2f 3031 3233 3435 3637"));
}

TEST(BuildRepliesIpv4, CorruptByteBeyondThePayloadLeavesTheReplyIntact) {
  ReplyParams params;
  params.corrupt_byte = 56;
  EXPECT_EQ(reply4(Scenario::kCorruptByte, params).bytes, hex(kNormalReply4));
}

TEST(BuildRepliesIpv4, ChangeIdentifierFlipsItsBits) {
  const Bytes icmp = icmp_part(reply4(Scenario::kChangeIdentifier));
  EXPECT_EQ(Bytes(icmp.begin(), icmp.begin() + 8), hex("0000 0c95 fc56 0001"));
  EXPECT_EQ(internet_checksum(icmp), 0);
}

TEST(BuildRepliesIpv4, ChangeSequenceAddsOneThousand) {
  const Bytes icmp = icmp_part(reply4(Scenario::kChangeSequence));
  EXPECT_EQ(Bytes(icmp.begin(), icmp.begin() + 8), hex("0000 015b 03a9 03e9"));
}

TEST(BuildRepliesIpv4, ForgedTimestampsOverwriteTheFirstSixteenPayloadBytes) {
  const struct {
    Scenario scenario;
    const char* first_24;
  } cases[] = {
      {Scenario::kStampPast, "0000 3c83 03a9 0001 0100 0000 0000 0000 0000 0000 0000 0000"},
      {Scenario::kStampFuture, "0000 efc0 03a9 0001 ffff ffff ffff ff7f 3f42 0f00 0000 0000"},
      {Scenario::kStampZero, "0000 3d83 03a9 0001 0000 0000 0000 0000 0000 0000 0000 0000"},
  };
  const Bytes normal = icmp_part(hex(kNormalReply4), 20);
  for (const auto& c : cases) {
    const Bytes icmp = icmp_part(reply4(c.scenario));
    ASSERT_EQ(icmp.size(), 64u) << scenario_name(c.scenario);
    EXPECT_EQ(Bytes(icmp.begin(), icmp.begin() + 24), hex(c.first_24)) << scenario_name(c.scenario);
    EXPECT_EQ(Bytes(icmp.begin() + 24, icmp.end()), Bytes(normal.begin() + 24, normal.end()))
        << scenario_name(c.scenario);
  }
}

TEST(BuildRepliesIpv4, GarbageReplacesEveryPayloadByte) {
  EXPECT_EQ(icmp_part(reply4(Scenario::kGarbage)), hex("0000 ae13 03a9 0001 a5b8 9ff2 d134 0b6e"
                                                       "4da0 879a f9dc 3316 7548 af82 e1c4 db3e"
                                                       "1d70 57aa 89ec c326 0518 7f52 b194 ebce"
                                                       "2d00 677a 59bc 93f6 d528 0f62 41a4 bb9e"));
}

TEST(BuildRepliesIpv4, TruncateCutsTheMessageWithConsistentLengthAndChecksum) {
  EXPECT_EQ(reply4(Scenario::kTruncate).bytes, hex("4500 0038 83ca 0000 4001 6ad3 c612 0002"
                                                   "c612 0001 0000 4591 03a9 0001 0001 0203"
                                                   "0405 0607 0809 0a0b 0c0d 0e0f 1011 1213"
                                                   "1415 1617 1819 1a1b"));
}

TEST(BuildRepliesIpv4, UnreachableQuotesTheRequestsHeaderAndFirstEightBytes) {
  EXPECT_EQ(reply4(Scenario::kUnreachable).bytes, hex("4500 0038 83ca 0000 4001 6ad3 c612 0002"
                                                      "c612 0001 0301 f411 0000 0000 4500 0054"
                                                      "83ca 4000 4001 2ab7 c612 0001 c612 0002"
                                                      "0800 fd42 03a9 0001"));
}

TEST(BuildRepliesIpv4, TimeExceededQuotesTheRequest) {
  EXPECT_EQ(reply4(Scenario::kTimeExceeded).bytes, hex("4500 0038 83ca 0000 4001 6ad3 c612 0002"
                                                       "c612 0001 0b00 ec12 0000 0000 4500 0054"
                                                       "83ca 4000 4001 2ab7 c612 0001 c612 0002"
                                                       "0800 fd42 03a9 0001"));
}

TEST(BuildRepliesIpv4, OtherSourceRepliesFromTheSecondAddress) {
  ReplyParams params;
  params.alt_source4 = test::v4(198, 18, 0, 3);
  EXPECT_EQ(reply4(Scenario::kOtherSource, params).bytes,
            hex("4500 0054 83ca 0000 4001 6ab6 c612 0003"
                "c612 0001 0000 0543 03a9 0001 0001 0203"
                "0405 0607 0809 0a0b 0c0d 0e0f 1011 1213"
                "1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
                "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233"
                "3435 3637"));
}

TEST(BuildRepliesIpv4, OtherSourceWithoutASecondAddressSendsNothing) {
  ReplyParams params;
  params.alt_source6 = test::v6(3);
  EXPECT_TRUE(build_replies(request4(), Scenario::kOtherSource, params).empty());
}

// --- replies, IPv6 ---------------------------------------------------------------------------

TEST(BuildRepliesIpv6, NormalHasTheKernelsIcmpv6ChecksumAndNoFlowLabel) {
  const Datagram d = reply6(Scenario::kNormal);
  EXPECT_EQ(d.family, Family::kIpv6);
  EXPECT_EQ(d.destination, test::v6(1));
  EXPECT_EQ(d.bytes, hex(kNormalReply6));
  EXPECT_EQ(icmp_part(d), icmp_part(hex(kKernelReply6), 40));
  EXPECT_EQ(icmpv6_residue(d), 0);
}

TEST(BuildRepliesIpv6, BadChecksumIsWrongOverThePseudoHeader) {
  const Datagram d = reply6(Scenario::kBadChecksum);
  Bytes expected = hex(kNormalReply6);
  expected[42] = 0x7d;  // 0x2852 ^ 0x5555
  expected[43] = 0x07;
  EXPECT_EQ(d.bytes, expected);
  EXPECT_NE(icmpv6_residue(d), 0);
}

TEST(BuildRepliesIpv6, UnreachableQuotesTheRebuiltHeaderAndTheWholeRequest) {
  EXPECT_EQ(reply6(Scenario::kUnreachable).bytes, hex("6000 0000 0070 3a40 2001 0db8 0000 0000"
                                                      "0000 0000 0000 0002 2001 0db8 0000 0000"
                                                      "0000 0000 0000 0001 0103 a8a0 0000 0000"
                                                      "600e 6028 0040 3a40 2001 0db8 0000 0000"
                                                      "0000 0000 0000 0001 2001 0db8 0000 0000"
                                                      "0000 0000 0000 0002 8000 2952 03aa 0001"
                                                      "0001 0203 0405 0607 0809 0a0b 0c0d 0e0f"
                                                      "1011 1213 1415 1617 1819 1a1b 1c1d 1e1f"
                                                      "2021 2223 2425 2627 2829 2a2b 2c2d 2e2f"
                                                      "3031 3233 3435 3637"));
}

TEST(BuildRepliesIpv6, TimeExceededIsHopLimitExceededInTransit) {
  const Datagram d = reply6(Scenario::kTimeExceeded);
  ASSERT_EQ(d.bytes.size(), 40u + 8 + 40 + 64);
  EXPECT_EQ(Bytes(d.bytes.begin() + 40, d.bytes.begin() + 48), hex("0300 a6a3 0000 0000"));
  EXPECT_EQ(icmpv6_residue(d), 0);
}

TEST(BuildRepliesIpv6, ErrorQuoteIsCutToFitTheMinimumMtu) {
  EchoRequestIn big = request6();
  big.icmp.resize(1400, 0x42);
  const Datagram d = only(build_replies(big, Scenario::kUnreachable, {}));
  EXPECT_EQ(d.bytes.size(), 1280u);
  EXPECT_EQ(icmpv6_residue(d), 0);
}

TEST(BuildRepliesIpv6, OtherSourceChecksumsOverTheSecondAddress) {
  ReplyParams params;
  params.alt_source6 = test::v6(3);
  const Datagram d = reply6(Scenario::kOtherSource, params);
  const IpAddress second = test::v6(3);
  EXPECT_EQ(Bytes(d.bytes.begin() + 8, d.bytes.begin() + 24),
            Bytes(second.bytes.begin(), second.bytes.end()));
  EXPECT_EQ(d.bytes[42], 0x28);
  EXPECT_EQ(d.bytes[43], 0x51);
  EXPECT_EQ(icmpv6_residue(d), 0);
}

TEST(BuildRepliesIpv6, TruncateKeepsThirtySixBytes) {
  const Datagram d = reply6(Scenario::kTruncate);
  ASSERT_EQ(d.bytes.size(), 40u + 36);
  EXPECT_EQ(d.bytes[4], 0);
  EXPECT_EQ(d.bytes[5], 36);
  EXPECT_EQ(d.bytes[42], 0x68);
  EXPECT_EQ(d.bytes[43], 0xbc);
}

TEST(BuildRepliesIpv6, ForgedStampPayloadWithValidChecksum) {
  const Datagram d = reply6(Scenario::kStampPast);
  EXPECT_EQ(d.bytes[48], 0x01);
  EXPECT_EQ(Bytes(d.bytes.begin() + 49, d.bytes.begin() + 64), Bytes(15, 0));
  EXPECT_EQ(icmpv6_residue(d), 0);
}

// --- noise -----------------------------------------------------------------------------------

TEST(BuildNoiseIpv4, EchoReplyOfAnotherPing) {
  const Datagram d = build_noise(request4(), 0);
  EXPECT_EQ(Bytes(d.bytes.begin(), d.bytes.begin() + 28),
            hex("4500 0054 83ca 0000 4001 6ab7 c612 0002 c612 0001 0000 0c95 fc56 0001"));
  EXPECT_EQ(internet_checksum(icmp_part(d)), 0);
}

TEST(BuildNoiseIpv4, TimestampReply) {
  EXPECT_EQ(build_noise(request4(), 1).bytes, hex("4500 0028 83ca 0000 4001 6ae3 c612 0002"
                                                  "c612 0001 0e00 10e8 03a9 0001 0000 0000"
                                                  "0036 ee80 0036 ee80"));
}

TEST(BuildNoiseIpv4, PortUnreachableAboutAUdpDatagram) {
  EXPECT_EQ(build_noise(request4(), 2).bytes, hex("4500 0038 83ca 0000 4001 6ad3 c612 0002"
                                                  "c612 0001 0303 f3d7 0000 0000 4500 001c"
                                                  "0000 0000 4011 eea9 c612 0001 c612 0002"
                                                  "8682 829a 0008 0000"));
}

TEST(BuildNoiseIpv4, HostUnreachableAboutAnotherPingsProbe) {
  EXPECT_EQ(build_noise(request4(), 7).bytes, hex("4500 0038 83ca 0000 4001 6ad3 c612 0002"
                                                  "c612 0001 0301 fb63 0000 0000 4500 0054"
                                                  "83ca 4000 4001 2ab7 c612 0001 c612 0002"
                                                  "0800 fd42 fc56 0001"));
}

TEST(BuildNoiseIpv6, EveryKindHasAValidChecksumAndGoesToThePinger) {
  const std::uint8_t types[] = {129, 200, 1, 1};
  for (std::size_t i = 0; i < kNoiseKinds; ++i) {
    const Datagram d = build_noise(request6(), i);
    EXPECT_EQ(d.destination, test::v6(1)) << i;
    EXPECT_EQ(d.bytes[40], types[i]) << i;
    EXPECT_EQ(icmpv6_residue(d), 0) << i;
  }
  EXPECT_EQ(build_noise(request6(), 1).bytes, hex("6000 0000 0008 3a40 2001 0db8 0000 0000"
                                                  "0000 0000 0000 0002 2001 0db8 0000 0000"
                                                  "0000 0000 0000 0001 c800 79d7 6270 0000"));
  const Datagram foreign = build_noise(request6(), 3);
  EXPECT_EQ(foreign.bytes[41], 3);              // address unreachable
  EXPECT_EQ(foreign.bytes[48 + 40 + 4], 0xfc);  // the quoted probe's identifier, flipped
  EXPECT_EQ(foreign.bytes[48 + 40 + 5], 0x55);
}

}  // namespace
}  // namespace bp::responder
