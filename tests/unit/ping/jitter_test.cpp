#include "ping/stats/jitter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace bp {
namespace {

using namespace std::chrono_literals;

Jitter jitter_of(const std::vector<Duration>& rtts) {
  Jitter jitter;
  for (Duration rtt : rtts) jitter.add(rtt);
  return jitter;
}

// 10 and 20 ms alternating, 100 RTTs: every |D| is 10 ms.
std::vector<Duration> alternating_rtts() {
  std::vector<Duration> rtts;
  for (int i = 0; i < 100; ++i) rtts.push_back(i % 2 == 0 ? 10ms : 20ms);
  return rtts;
}

TEST(Jitter, NoValueBeforeTwoRtts) {
  Jitter jitter;
  EXPECT_EQ(jitter.value(), std::nullopt);
  jitter.add(10ms);
  EXPECT_EQ(jitter.value(), std::nullopt);
  jitter.add(10ms);
  EXPECT_EQ(jitter.value(), 0ns);
}

TEST(Jitter, FollowsRfc3550ForAHandComputedSequence) {
  // RTTs 20, 24, 22, 22, 30 ms; J += (|D| - J) / 16:
  //   D = 4 ms  J = 4 ms / 16                         = 250 000 ns
  //   D = 2 ms  J = 250 000 + (2e6 - 250 000) / 16    = 359 375 ns
  //   D = 0     J = 359 375 * 15 / 16                 = 336 914.0625 ns
  //   D = 8 ms  J = 336 914.0625 + (8e6 - it) / 16    = 815 856.93359375 ns
  Jitter jitter;
  jitter.add(20ms);
  jitter.add(24ms);
  EXPECT_EQ(jitter.value(), 250000ns);
  jitter.add(22ms);
  EXPECT_EQ(jitter.value(), 359375ns);
  jitter.add(22ms);
  EXPECT_EQ(jitter.value(), 336914ns);
  jitter.add(30ms);
  EXPECT_EQ(jitter.value(), 815857ns);
}

TEST(Jitter, IsNotTheUnscaledFixedPointValueAsInMtr) {
  // mtr prints RFC 3550's J16 = 16 J: 4 ms here instead of 250 us.
  EXPECT_EQ(jitter_of({10ms, 14ms}).value(), 250us);
  // A steady |D| of 10 ms: J tends to 10 ms (mtr: towards 160 ms).
  const auto steady = jitter_of(alternating_rtts()).value();
  ASSERT_TRUE(steady);
  EXPECT_GT(*steady, 9900us);
  EXPECT_LE(*steady, 10ms);
}

TEST(Jitter, FollowsArrivalOrderNotASortedBufferAsInGping) {
  // gping averages the differences of the sorted RTTs: (max - min) / (n - 1) = 10 ms / 99,
  // about 0.1 ms, for both orders below. RFC 3550 sees 10 ms jumps in the alternating order.
  std::vector<Duration> rtts = alternating_rtts();
  const auto alternating = jitter_of(rtts).value();
  std::sort(rtts.begin(), rtts.end());
  const auto sorted = jitter_of(rtts).value();
  ASSERT_TRUE(alternating && sorted);
  EXPECT_GT(*alternating, 9900us);
  // Sorted: one 10 ms jump (625 us) after 49 equal RTTs, then decaying by 15/16 for 49 more.
  EXPECT_LT(*sorted, 30us);
  EXPECT_GT(*alternating, 100 * *sorted);
}

TEST(Jitter, NegativeRttCountsAsZero) {
  EXPECT_EQ(jitter_of({-5ms, 16ms}).value(), 1ms);
}

TEST(Jitter, HugeDifferencesDoNotOverflow) {
  const auto value = jitter_of({Duration::max(), 0ns}).value();
  ASSERT_TRUE(value);
  EXPECT_GT(*value, Duration::max() / 17);
  EXPECT_LE(*value, Duration::max());
}

}  // namespace
}  // namespace bp
