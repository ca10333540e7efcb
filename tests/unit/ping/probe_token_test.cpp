// probe_token: the 8 bytes at the start of each probe's payload. Known SplitMix64 values,
// distinct tokens over a sample of targets, rounds and nonces, and the byte order and sizes of
// write/has.

#include "ping/engine/probe_token.h"

#include <gtest/gtest.h>

#include <array>
#include <unordered_set>
#include <vector>

namespace bp {
namespace {

// SplitMix64 seeded with 0: its first output, as in Steele, Lea and Flood's reference code.
static_assert(splitmix64(0) == 0xE220A8397B1DCDAFULL);
static_assert(probe_token(1, 0, 0) != probe_token(2, 0, 0));
static_assert(probe_token(1, 1, 0) != probe_token(1, 0, 1));  // target and round do not commute

TEST(ProbeToken, DistinctOverTargetsRoundsAndNonces) {
  std::unordered_set<std::uint64_t> seen;
  std::size_t made = 0;
  for (const std::uint64_t nonce : {0ULL, 1ULL, 0x0123456789ABCDEFULL, ~0ULL}) {
    for (std::size_t target = 0; target < 1'000; ++target) {
      for (std::uint64_t round = 0; round < 100; ++round) {
        seen.insert(probe_token(nonce, target, round));
        ++made;
      }
    }
  }
  // Also the rounds one sequence space apart (same sequence number) and far-off targets.
  for (std::uint64_t k = 0; k < 1'000; ++k) {
    seen.insert(probe_token(7, 3, 5 + k * 65'536));
    seen.insert(probe_token(7, 99'999 + k, 1ULL << 40));
    made += 2;
  }
  EXPECT_EQ(seen.size(), made);
}

TEST(ProbeToken, NeighboursDifferInManyBits) {
  for (std::uint64_t round = 0; round < 1'000; ++round) {
    const std::uint64_t a = probe_token(42, 10, round);
    EXPECT_GE(__builtin_popcountll(a ^ probe_token(42, 10, round + 1)), 12) << round;
    EXPECT_GE(__builtin_popcountll(a ^ probe_token(42, 11, round)), 12) << round;
    EXPECT_GE(__builtin_popcountll(a ^ probe_token(43, 10, round)), 12) << round;
  }
}

TEST(ProbeToken, WrittenMostSignificantByteFirst) {
  std::array<std::uint8_t, 10> out{};
  out.fill(0xEE);
  write_probe_token(0x0102030405060708ULL, out);
  EXPECT_EQ(out, (std::array<std::uint8_t, 10>{1, 2, 3, 4, 5, 6, 7, 8, 0xEE, 0xEE}));
}

TEST(ProbeToken, WriteAndHasForEverySize) {
  const std::uint64_t token = probe_token(0xFEEDFACE, 17, 123'456);
  for (std::size_t size = 0; size <= 12; ++size) {
    std::vector<std::uint8_t> payload(size, 0xA5);
    write_probe_token(token, payload);
    const std::size_t n = std::min(size, kProbeTokenBytes);
    for (std::size_t i = n; i < size; ++i) EXPECT_EQ(payload[i], 0xA5) << size;  // left alone
    EXPECT_TRUE(has_probe_token(token, payload, size)) << size;
    if (n > 0) {
      EXPECT_FALSE(has_probe_token(token ^ (1ULL << 63), payload, size)) << size;
    }
    // A longer echo than sent still starts with the token.
    std::vector<std::uint8_t> longer = payload;
    longer.resize(size + 5, 0);
    EXPECT_TRUE(has_probe_token(token, longer, size)) << size;
    // Any wrong byte among the first n.
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::uint8_t> bad = payload;
      bad[i] ^= 0x01;
      EXPECT_FALSE(has_probe_token(token, bad, size)) << size << " " << i;
    }
    // Bytes past the token are not the token's business.
    for (std::size_t i = n; i < size; ++i) {
      std::vector<std::uint8_t> other = payload;
      other[i] ^= 0xFF;
      EXPECT_TRUE(has_probe_token(token, other, size)) << size << " " << i;
    }
    // Shorter than the token part sent: not taken as ours.
    if (n > 0) {
      EXPECT_FALSE(has_probe_token(token, std::span(payload).first(n - 1), size)) << size;
    }
  }
}

TEST(ProbeToken, AnEmptyPayloadCarriesNoToken) {
  // -s 0: nothing to compare, so any payload is taken as ours (identifier, sequence and source
  // still have to match).
  EXPECT_TRUE(has_probe_token(probe_token(1, 2, 3), std::span<const std::uint8_t>{}, 0));
  const std::array<std::uint8_t, 3> junk{9, 9, 9};
  EXPECT_TRUE(has_probe_token(probe_token(1, 2, 3), junk, 0));
}

}  // namespace
}  // namespace bp
