#include "tests/responder/response_planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "shared/byte_order.h"
#include "tests/unit/responder/captured_requests.h"

namespace bp::responder {
namespace {

using namespace std::chrono_literals;

MonoTime at(std::chrono::milliseconds ms) { return MonoTime(ms); }

// The captured IPv4 request with another sequence number.
EchoRequestIn request(std::uint16_t sequence) {
  EchoRequestIn r = test::request4();
  r.sequence = sequence;
  store_be16(r.icmp, 6, sequence);
  return r;
}

// Sequence numbers of the echo replies among `datagrams` (type 0 at byte 20), in order.
std::vector<int> reply_sequences(const std::vector<Datagram>& datagrams) {
  std::vector<int> seqs;
  for (const Datagram& d : datagrams) {
    if (d.bytes.size() >= 28 && d.bytes[20] == 0) seqs.push_back(load_be16(d.bytes, 26));
  }
  return seqs;
}

ResponderConfig with(Scenario scenario, std::chrono::milliseconds delay = 0ms) {
  ResponderConfig c;
  c.scenario = scenario;
  c.delay = delay;
  return c;
}

TEST(ResponsePlanner, NormalReplyIsDueAtOnce) {
  ResponsePlanner p(with(Scenario::kNormal));
  p.on_request(request(1), at(100ms));
  EXPECT_EQ(p.next_due(), at(100ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(100ms))), std::vector<int>{1});
  EXPECT_TRUE(p.idle());
  EXPECT_EQ(p.counts().requests, 1u);
  EXPECT_EQ(p.counts().replies, 1u);
}

TEST(ResponsePlanner, DelaysOfConsecutiveRequestsOverlap) {
  // 20 ms delay, a request every 10 ms: each reply is due exactly 20 ms after its request.
  ResponsePlanner p(with(Scenario::kNormal, 20ms));
  p.on_request(request(1), at(0ms));
  p.on_request(request(2), at(10ms));
  EXPECT_EQ(p.next_due(), at(20ms));
  EXPECT_TRUE(p.take_due(at(19ms)).empty());
  p.on_request(request(3), at(20ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(20ms))), std::vector<int>{1});
  EXPECT_EQ(p.next_due(), at(30ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(30ms))), std::vector<int>{2});
  EXPECT_EQ(p.next_due(), at(40ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(45ms))), std::vector<int>{3});
  EXPECT_FALSE(p.next_due());
}

TEST(ResponsePlanner, LateTakeGivesEverythingDueInDueOrder) {
  ResponsePlanner p(with(Scenario::kNormal, 50ms));
  p.on_request(request(1), at(0ms));
  p.on_request(request(2), at(5ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(100ms))), (std::vector<int>{1, 2}));
}

constexpr std::uint16_t kId = 0x03a9;  // the captured request's identifier

TEST(SpreadDelay, TheSameRequestAlwaysGetsTheSameDelay) {
  for (std::uint16_t seq = 0; seq < 100; ++seq) {
    EXPECT_EQ(spread_delay(kId, seq, 20ms), spread_delay(kId, seq, 20ms)) << seq;
  }
}

TEST(SpreadDelay, AnotherIdentifierGetsOtherDelays) {
  int same = 0;
  for (std::uint16_t seq = 0; seq < 100; ++seq) {
    if (spread_delay(kId, seq, 20ms) == spread_delay(kId + 1, seq, 20ms)) ++same;
  }
  EXPECT_LE(same, 1);
}

TEST(SpreadDelay, NoSpreadMeansNoDelay) {
  EXPECT_EQ(spread_delay(kId, 1, 0ms), 0ns);
  EXPECT_EQ(spread_delay(kId, 1, -5ms), 0ns);
}

TEST(SpreadDelay, EveryDelayIsInsideTheSpread) {
  for (std::uint32_t seq = 0; seq <= 0xffff; ++seq) {
    const auto d = spread_delay(kId, static_cast<std::uint16_t>(seq), 20ms);
    ASSERT_GE(d, 0ns) << seq;
    ASSERT_LT(d, 20ms) << seq;
  }
  EXPECT_LT(spread_delay(kId, 9, 1ns), 1ns);
}

TEST(SpreadDelay, ThousandSequencesCoverEveryTenthOfTheSpread) {
  // Uniform: about 100 per tenth; 50 is more than 5 standard deviations below.
  std::array<int, 10> tenths{};
  std::chrono::nanoseconds sum{0};
  for (std::uint16_t seq = 1; seq <= 1000; ++seq) {
    const auto d = spread_delay(kId, seq, 20ms);
    ++tenths[static_cast<std::size_t>(d / 2ms)];
    sum += d;
  }
  for (std::size_t i = 0; i < tenths.size(); ++i) EXPECT_GE(tenths[i], 50) << "tenth " << i;
  const double mean_ms = std::chrono::duration<double, std::milli>(sum).count() / 1000;
  EXPECT_NEAR(mean_ms, 10.0, 0.5);
}

TEST(SpreadDelay, DelaysAreNotRoundedToMilliseconds) {
  // The integration test compares percentiles: the draw must not fall on a coarse grid.
  int off_grid = 0;
  for (std::uint16_t seq = 1; seq <= 100; ++seq) {
    if (spread_delay(kId, seq, 20ms) % 1us != 0ns) ++off_grid;
  }
  EXPECT_GE(off_grid, 90);
}

TEST(ResponsePlanner, SpreadRepliesGoOutAtTheirOwnDueTimesEvenOutOfOrder) {
  // A request every millisecond, 2 ms + up to 20 ms each: many in flight, overtaking.
  ResponderConfig c = with(Scenario::kNormal, 2ms);
  c.delay_spread = 20ms;
  ResponsePlanner p(c);
  std::map<int, MonoTime> due;
  for (std::uint16_t seq = 1; seq <= 20; ++seq) {
    const MonoTime arrival = at(std::chrono::milliseconds(seq));
    p.on_request(request(seq), arrival);
    due[seq] = arrival + 2ms + spread_delay(kId, seq, 20ms);
  }
  // Step the clock by 100 us: each reply leaves in the step that reaches its due time.
  std::vector<int> order;
  for (MonoTime now = at(0ms); now <= at(50ms); now += 100us) {
    for (const int seq : reply_sequences(p.take_due(now))) {
      EXPECT_GE(now, due[seq]) << seq;
      EXPECT_LT(now - due[seq], 100us) << seq;
      order.push_back(seq);
    }
  }
  EXPECT_EQ(order.size(), 20u);
  EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));  // some replies overtook others
  EXPECT_TRUE(p.idle());
}

TEST(ResponsePlanner, DropSendsNothingButCountsTheRequest) {
  ResponsePlanner p(with(Scenario::kDrop));
  p.on_request(request(1), at(0ms));
  EXPECT_TRUE(p.take_due(at(0ms)).empty());
  EXPECT_EQ(p.counts().requests, 1u);
  EXPECT_EQ(p.counts().replies, 0u);
}

TEST(ResponsePlanner, EveryOtherRequestGetsTheScenario) {
  ResponderConfig c = with(Scenario::kDrop);
  c.every = 2;
  ResponsePlanner p(c);
  for (std::uint16_t seq = 1; seq <= 6; ++seq) p.on_request(request(seq), at(seq * 10ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(100ms))), (std::vector<int>{1, 3, 5}));
}

TEST(ResponsePlanner, DuplicateSendsBothCopiesTogether) {
  ResponsePlanner p(with(Scenario::kDuplicate, 5ms));
  p.on_request(request(1), at(0ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(5ms))), (std::vector<int>{1, 1}));
  EXPECT_EQ(p.counts().replies, 2u);
}

TEST(ResponsePlanner, ReorderSendsTheHeldReplyRightAfterTheNextOne) {
  ResponsePlanner p(with(Scenario::kReorder));
  p.on_request(request(1), at(0ms));
  EXPECT_TRUE(p.take_due(at(0ms)).empty());
  p.on_request(request(2), at(200ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(200ms))), (std::vector<int>{2, 1}));
  p.on_request(request(3), at(400ms));
  p.on_request(request(4), at(600ms));
  EXPECT_EQ(reply_sequences(p.take_due(at(600ms))), (std::vector<int>{4, 3}));
  EXPECT_TRUE(p.idle());
}

TEST(ResponsePlanner, ReorderReleasesAHeldReplyAloneAfterTheHoldLimit) {
  ResponderConfig c = with(Scenario::kReorder, 10ms);
  c.hold_limit = 500ms;
  ResponsePlanner p(c);
  p.on_request(request(1), at(0ms));
  EXPECT_EQ(p.next_due(), at(510ms));
  EXPECT_TRUE(p.take_due(at(509ms)).empty());
  EXPECT_EQ(reply_sequences(p.take_due(at(510ms))), std::vector<int>{1});
  EXPECT_TRUE(p.idle());
}

TEST(ResponsePlanner, NoiseGoesOutAtOnceBeforeTheDelayedReply) {
  ResponderConfig c = with(Scenario::kNormal, 20ms);
  c.noise_per_request = 3;
  ResponsePlanner p(c);
  p.on_request(request(1), at(0ms));
  const auto noise = p.take_due(at(0ms));
  ASSERT_EQ(noise.size(), 3u);
  EXPECT_EQ(noise[0].bytes[20], 0);                  // another ping's echo reply ...
  EXPECT_NE(load_be16(noise[0].bytes, 24), 0x03a9);  // ... with a foreign identifier
  EXPECT_EQ(noise[1].bytes[20], 14);                 // timestamp reply
  EXPECT_EQ(noise[2].bytes[20], 3);                  // port unreachable
  EXPECT_EQ(reply_sequences(p.take_due(at(20ms))), std::vector<int>{1});
  EXPECT_EQ(p.counts().noise, 3u);
  EXPECT_EQ(p.counts().replies, 1u);
}

TEST(ResponsePlanner, NoiseStopsAtItsLimitAndCyclesThroughItsKinds) {
  ResponderConfig c = with(Scenario::kNormal);
  c.noise_per_request = 3;
  c.noise_limit = 5;
  ResponsePlanner p(c);
  p.on_request(request(1), at(0ms));
  p.on_request(request(2), at(1ms));
  p.on_request(request(3), at(2ms));
  const auto all = p.take_due(at(2ms));
  EXPECT_EQ(p.counts().noise, 5u);
  EXPECT_EQ(p.counts().replies, 3u);
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all[4].bytes[20], 3);  // 4th noise datagram: unreachable about another probe
  EXPECT_EQ(all[4].bytes[21], 1);
  EXPECT_EQ(all[5].bytes[20], 0);  // 5th: kinds start over
}

TEST(ResponsePlanner, RequestsPastTheMaximumAreIgnoredAndTheRunFinishes) {
  ResponderConfig c = with(Scenario::kNormal, 10ms);
  c.max_packets = 2;
  ResponsePlanner p(c);
  p.on_request(request(1), at(0ms));
  p.on_request(request(2), at(1ms));
  p.on_request(request(3), at(2ms));
  EXPECT_FALSE(p.finished());  // two replies still to send
  EXPECT_EQ(reply_sequences(p.take_due(at(20ms))), (std::vector<int>{1, 2}));
  EXPECT_TRUE(p.finished());
  EXPECT_EQ(p.counts().ignored, 1u);
}

}  // namespace
}  // namespace bp::responder
