#include "tests/responder/response_planner.h"

#include <gtest/gtest.h>

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
