// TargetIndex: a reply's source address to its target, for IPv4 and IPv6 mixed, addresses
// that are not targets, and 100 000 targets.

#include "ping/engine/target_index.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace bp {
namespace {

IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return IpAddress::v4(std::array<std::uint8_t, 4>{a, b, c, d});
}

// 2001:db8:<group2>::<last>
IpAddress v6(std::uint16_t group2, std::uint32_t last) {
  std::array<std::uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
  b[4] = static_cast<std::uint8_t>(group2 >> 8);
  b[5] = static_cast<std::uint8_t>(group2);
  b[12] = static_cast<std::uint8_t>(last >> 24);
  b[13] = static_cast<std::uint8_t>(last >> 16);
  b[14] = static_cast<std::uint8_t>(last >> 8);
  b[15] = static_cast<std::uint8_t>(last);
  return IpAddress::v6(b);
}

TEST(TargetIndex, FindsEachTargetByItsAddress) {
  const std::vector<IpAddress> targets = {v4(198, 19, 0, 9), v6(1, 5), v4(198, 19, 0, 1),
                                          v6(0, 1), v4(198, 18, 255, 255)};
  const TargetIndex index(targets);
  for (std::size_t i = 0; i < targets.size(); ++i) EXPECT_EQ(index.find(targets[i]), i);
}

TEST(TargetIndex, AbsentAddressesAreNotFound) {
  const std::vector<IpAddress> targets = {v4(198, 19, 0, 1), v4(198, 19, 0, 3), v6(1, 5)};
  const TargetIndex index(targets);
  EXPECT_FALSE(index.find(v4(198, 19, 0, 2)));    // between two targets
  EXPECT_FALSE(index.find(v4(198, 19, 0, 0)));    // below all
  EXPECT_FALSE(index.find(v4(198, 19, 0, 4)));
  EXPECT_FALSE(index.find(v6(1, 4)));
  EXPECT_FALSE(index.find(v6(0xffff, 0xffffffff)));  // above all
  EXPECT_FALSE(index.find(IpAddress{}));
}

TEST(TargetIndex, TheFamilyIsPartOfTheAddress) {
  // 198.19.0.1 and c613:1:: have the same bytes; 198.19.0.1 the IPv4 target only.
  const IpAddress four = v4(198, 19, 0, 1);
  IpAddress six = four;
  six.family = Family::kIpv6;
  const TargetIndex only_four(std::vector<IpAddress>{four});
  EXPECT_EQ(only_four.find(four), 0u);
  EXPECT_FALSE(only_four.find(six));
  const TargetIndex both(std::vector<IpAddress>{six, four});
  EXPECT_EQ(both.find(four), 1u);
  EXPECT_EQ(both.find(six), 0u);
}

TEST(TargetIndex, EmptyFindsNothing) {
  const TargetIndex index(std::span<const IpAddress>{});
  EXPECT_FALSE(index.find(v4(198, 19, 0, 1)));
}

TEST(TargetIndex, HundredThousandMixedTargets) {
  // All of 198.19.0.0/16, then 34 464 addresses of 2001:db8:7::/64, in a shuffled order.
  std::vector<IpAddress> targets;
  targets.reserve(100'000);
  for (std::uint32_t i = 0; i < 65'536; ++i) {
    targets.push_back(v4(198, 19, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)));
  }
  for (std::uint32_t i = 0; targets.size() < 100'000; ++i) targets.push_back(v6(7, i * 7919));
  std::uint64_t lcg = 1;
  for (std::size_t i = targets.size() - 1; i > 0; --i) {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    std::swap(targets[i], targets[(lcg >> 33) % (i + 1)]);
  }

  const TargetIndex index(targets);
  for (std::size_t i = 0; i < targets.size(); ++i) ASSERT_EQ(index.find(targets[i]), i);
  EXPECT_FALSE(index.find(v4(198, 18, 0, 1)));
  EXPECT_FALSE(index.find(v6(7, 1)));
  EXPECT_FALSE(index.find(v6(8, 0)));
}

}  // namespace
}  // namespace bp
