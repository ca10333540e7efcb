#include "ping/packet/payload.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/hex.h"

namespace bp {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::hex;

PayloadPattern pattern(std::string_view text) {
  const auto parsed = parse_payload_pattern(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.has_value() ? parsed.value() : PayloadPattern{};
}

Bytes bytes_of(const PayloadPattern& p) { return Bytes(p.view().begin(), p.view().end()); }

PatternError pattern_error(std::string_view text) {
  const auto parsed = parse_payload_pattern(text);
  EXPECT_FALSE(parsed.has_value()) << text;
  return parsed.has_value() ? PatternError{PatternError::Kind::kEmpty, 999} : parsed.error();
}

// ---- Fill -------------------------------------------------------------------------------

TEST(FillPayload, DefaultIsTheIputilsRamp) {
  Bytes payload(600, 0xee);
  fill_payload(payload);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    ASSERT_EQ(payload[i], static_cast<std::uint8_t>(i)) << i;
  }
}

// iputils' captured 56-byte payload (checksum_test.cpp): bytes 0..15 are its timestamp, the
// rest is the ramp, which ours reproduces at the same offsets.
TEST(FillPayload, MatchesTheRampInACapturedIputilsPayload) {
  const Bytes captured =
      hex("f248 016b 0000 0000 29f2 0400 0000 0000 1011 1213 1415 1617 1819 1a1b 1c1d 1e1f"
          "2021 2223 2425 2627 2829 2a2b 2c2d 2e2f 3031 3233 3435 3637");
  Bytes ours(56);
  fill_payload(ours);
  EXPECT_EQ(Bytes(ours.begin() + 16, ours.end()), Bytes(captured.begin() + 16, captured.end()));
}

TEST(FillPayload, PatternRepeatsFromTheFirstByte) {
  Bytes payload(5);
  fill_payload(payload, pattern("ff00"));
  EXPECT_EQ(payload, hex("ff00 ff00 ff"));
}

TEST(FillPayload, SixteenBytePatternOverALongPayload) {
  Bytes payload(40);
  fill_payload(payload, pattern("000102030405060708090a0b0c0d0e0f"));
  for (std::size_t i = 0; i < payload.size(); ++i) EXPECT_EQ(payload[i], i % 16) << i;
}

TEST(FillPayload, EmptyPayloadIsFine) {
  Bytes payload;
  fill_payload(payload);
  fill_payload(payload, pattern("ab"));
  EXPECT_TRUE(payload.empty());
}

// ---- -p pattern parsing (iputils' fill() rules) -----------------------------------------

TEST(ParsePayloadPattern, PairsOfHexDigitsMakeBytes) {
  EXPECT_EQ(bytes_of(pattern("ff00")), hex("ff00"));
  EXPECT_EQ(bytes_of(pattern("DeadBEEF")), hex("deadbeef"));
  EXPECT_EQ(bytes_of(pattern("00")), hex("00"));
}

TEST(ParsePayloadPattern, AnOddLastDigitIsAByteOfItsOwn) {
  EXPECT_EQ(bytes_of(pattern("f")), hex("0f"));
  EXPECT_EQ(bytes_of(pattern("abc")), hex("ab0c"));
}

TEST(ParsePayloadPattern, AtMostSixteenBytesAreUsed) {
  EXPECT_EQ(bytes_of(pattern("00112233445566778899aabbccddeeff")),
            hex("00112233445566778899aabbccddeeff"));
  EXPECT_EQ(bytes_of(pattern("00112233445566778899aabbccddeeff1234")),
            hex("00112233445566778899aabbccddeeff"));
}

TEST(ParsePayloadPattern, EmptyIsRefused) {
  EXPECT_EQ(pattern_error("").kind, PatternError::Kind::kEmpty);
}

TEST(ParsePayloadPattern, NonHexCharacterIsRefusedWithItsPosition) {
  EXPECT_EQ(pattern_error("0x12"), (PatternError{PatternError::Kind::kNotHex, 1}));
  EXPECT_EQ(pattern_error("12 34"), (PatternError{PatternError::Kind::kNotHex, 2}));
  EXPECT_EQ(pattern_error("12g"), (PatternError{PatternError::Kind::kNotHex, 2}));
  EXPECT_EQ(pattern_error("-1"), (PatternError{PatternError::Kind::kNotHex, 0}));
  // iputils checks the whole argument, even past the 32 digits it reads.
  EXPECT_EQ(pattern_error("00112233445566778899aabbccddeeffz"),
            (PatternError{PatternError::Kind::kNotHex, 32}));
}

// ---- Verification -----------------------------------------------------------------------

TEST(FindPayloadMismatch, IdenticalPayloadsMatch) {
  Bytes sent(56);
  fill_payload(sent);
  EXPECT_FALSE(find_payload_mismatch(sent, sent).has_value());
  EXPECT_FALSE(find_payload_mismatch({}, {}).has_value());
}

TEST(FindPayloadMismatch, ReportsTheFirstDifferingByte) {
  Bytes sent(56);
  fill_payload(sent);
  Bytes received = sent;
  received[20] = 0x00;
  received[30] = 0x00;
  // iputils: "wrong data byte #20 should be 0x14 but was 0x0"
  EXPECT_EQ(find_payload_mismatch(sent, received), (PayloadMismatch{20, 0x14, 0x00}));
}

// Unlike iputils, the first 16 bytes are checked too: there is no timestamp in them.
TEST(FindPayloadMismatch, ChecksTheFirstSixteenBytesToo) {
  Bytes sent(56);
  fill_payload(sent);
  for (std::size_t i : {0u, 1u, 15u, 55u}) {
    Bytes received = sent;
    received[i] ^= 0x80;
    EXPECT_EQ(find_payload_mismatch(sent, received),
              (PayloadMismatch{i, sent[i], static_cast<std::uint8_t>(sent[i] ^ 0x80)}));
  }
}

TEST(FindPayloadMismatch, ComparesOnlyTheBytesBothHave) {
  const Bytes sent = hex("0102 0304");
  EXPECT_FALSE(find_payload_mismatch(sent, hex("0102")).has_value());          // truncated
  EXPECT_FALSE(find_payload_mismatch(sent, hex("0102 0304 05")).has_value());  // longer
  EXPECT_EQ(find_payload_mismatch(sent, hex("0102 ff")), (PayloadMismatch{2, 0x03, 0xff}));
}

}  // namespace
}  // namespace bp
