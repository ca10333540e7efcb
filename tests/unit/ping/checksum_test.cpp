#include "ping/packet/checksum.h"

#include <gtest/gtest.h>

#include "tests/unit/hex.h"

#include <cstdint>
#include <vector>

namespace bp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// RFC 1071 section 3 example: the words 0001 f203 f4f5 f6f7 sum to 0xddf2 (before complement).
TEST(InternetChecksum, Rfc1071SectionThreeExample) {
  const Bytes data = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(internet_checksum(data), static_cast<std::uint16_t>(~0xddf2));
}

TEST(InternetChecksum, EmptyInputIsAllOnes) { EXPECT_EQ(internet_checksum({}), 0xFFFF); }

TEST(InternetChecksum, OddLengthPadsLastByteOnTheRight) {
  const Bytes odd = {0x12, 0x34, 0x56};
  const Bytes padded = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(internet_checksum(odd), internet_checksum(padded));
  EXPECT_EQ(internet_checksum(odd), static_cast<std::uint16_t>(~(0x1234 + 0x5600)));
}

TEST(InternetChecksum, SingleByte) {
  const Bytes one = {0xAB};
  EXPECT_EQ(internet_checksum(one), static_cast<std::uint16_t>(~0xAB00));
}

TEST(InternetChecksum, AllOnesFoldsToZeroSumComplement) {
  // 0xFFFF is negative zero in one's complement: any number of such words sums to 0xFFFF.
  const Bytes ones(1000, 0xFF);
  EXPECT_EQ(internet_checksum(ones), 0x0000);
}

TEST(InternetChecksum, CarriesAreFoldedBack) {
  const Bytes data = {0xFF, 0xFF, 0x00, 0x01};  // 0xFFFF + 0x0001 = 0x10000 -> 0x0001
  EXPECT_EQ(internet_checksum(data), static_cast<std::uint16_t>(~0x0001));
}

// Echo request and reply captured with `tcpdump -x -i lo` from iputils ping 20221126 to
// 127.0.0.1 (id 3833, seq 1): IPv4 header then ICMP, both checksums as sent on the wire.
const char* const kCapturedRequest =
    "4500 0054 c7ed 4000 4001 74b9 7f00 0001 7f00 0001 0800 088d 0ef9 0001 f248 016b"
    "0000 0000 29f2 0400 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";
const char* const kCapturedReply =
    "4500 0054 c7ee 0000 4001 b4b8 7f00 0001 7f00 0001 0000 108d 0ef9 0001 f248 016b"
    "0000 0000 29f2 0400 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637";

TEST(InternetChecksum, CapturedPacketsVerifyToZero) {
  for (const char* captured : {kCapturedRequest, kCapturedReply}) {
    const Bytes pkt = test::hex(captured);
    const std::span<const std::uint8_t> ip(pkt.data(), 20);
    const std::span<const std::uint8_t> icmp(pkt.data() + 20, pkt.size() - 20);
    EXPECT_EQ(internet_checksum(ip), 0);
    EXPECT_EQ(internet_checksum(icmp), 0);
  }
}

TEST(InternetChecksum, RecomputingCapturedChecksumGivesTheWireValue) {
  Bytes icmp = test::hex(kCapturedRequest);
  icmp.erase(icmp.begin(), icmp.begin() + 20);
  icmp[2] = icmp[3] = 0;
  EXPECT_EQ(internet_checksum(icmp), 0x088d);
}

TEST(InternetChecksum, FlippedBitIsDetected) {
  Bytes icmp = test::hex(kCapturedReply);
  icmp.erase(icmp.begin(), icmp.begin() + 20);
  for (std::size_t i = 0; i < icmp.size(); ++i) {
    Bytes damaged = icmp;
    damaged[i] ^= 0x10;
    EXPECT_NE(internet_checksum(damaged), 0) << "byte " << i;
  }
}

TEST(ChecksumAccumulator, PiecesEqualWhole) {
  const Bytes a = {0x45, 0x00, 0x00, 0x54};
  const Bytes b = {0xde, 0xad, 0xbe, 0xef, 0x01};
  Bytes whole = a;
  whole.insert(whole.end(), b.begin(), b.end());
  ChecksumAccumulator acc;
  acc.add(a);
  acc.add(b);
  EXPECT_EQ(acc.finish(), internet_checksum(whole));
}

TEST(ChecksumAccumulator, WordsEqualBytes) {
  ChecksumAccumulator words;
  words.add_u16(0x1234);
  words.add_u32(0xabcd0001);
  const Bytes bytes = {0x12, 0x34, 0xab, 0xcd, 0x00, 0x01};
  EXPECT_EQ(words.finish(), internet_checksum(bytes));
}

TEST(ChecksumAccumulator, LargeInputDoesNotLoseCarries) {
  const Bytes big(70000, 0xFE);  // larger than any IP packet
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < big.size(); i += 2) sum += 0xFEFE;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  EXPECT_EQ(internet_checksum(big), static_cast<std::uint16_t>(~sum));
}

}  // namespace
}  // namespace bp
