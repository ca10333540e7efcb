#include "ping/engine/timeout_scanner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace bp {
namespace {

using namespace std::chrono_literals;

constexpr MonoTime kT0 = MonoTime{} + 1000s;

// A tracker and a scanner driven together, as the single-target loop drives them.
struct Probes {
  explicit Probes(Duration wait) : scanner(wait) {}
  std::uint16_t send(MonoTime at) {
    const std::uint16_t seq = tracker.on_sent(at);
    scanner.on_sent(seq);
    return seq;
  }
  void answer(std::uint16_t seq, MonoTime at) {
    tracker.on_reply(seq, at);
    scanner.on_settled(seq);
  }
  std::vector<std::uint16_t> expire(MonoTime now) {
    std::vector<std::uint16_t> lost;
    scanner.expire(tracker, now, [&](std::uint16_t seq) { lost.push_back(seq); });
    return lost;
  }
  SequenceTracker tracker;
  TimeoutScanner scanner;
};

TEST(TimeoutScanner, AnUnansweredProbeIsLostAtItsDeadlineNotBefore) {
  Probes p(2s);
  p.send(kT0);
  EXPECT_TRUE(p.expire(kT0 + 1999ms).empty());
  EXPECT_EQ(p.expire(kT0 + 2s), std::vector<std::uint16_t>{1});
  EXPECT_TRUE(p.expire(kT0 + 10s).empty()) << "reported once";
}

TEST(TimeoutScanner, AnsweredAndErroredProbesAreNeverLost) {
  Probes p(1s);
  p.send(kT0);
  p.send(kT0 + 100ms);
  p.send(kT0 + 200ms);
  p.answer(1, kT0 + 10ms);
  p.scanner.on_settled(3);  // an ICMP error
  EXPECT_EQ(p.expire(kT0 + 5s), std::vector<std::uint16_t>{2});
}

TEST(TimeoutScanner, LossesComeInSendOrderAsTheirDeadlinesPass) {
  Probes p(1s);
  for (int i = 0; i < 5; ++i) p.send(kT0 + i * 100ms);
  p.answer(3, kT0 + 250ms);
  EXPECT_EQ(p.expire(kT0 + 1150ms), (std::vector<std::uint16_t>{1, 2}));
  EXPECT_EQ(p.expire(kT0 + 2s), (std::vector<std::uint16_t>{4, 5}));
}

TEST(TimeoutScanner, NextDeadlineIsTheOldestWaitingProbes) {
  Probes p(1s);
  EXPECT_FALSE(p.scanner.next_deadline(p.tracker));
  p.send(kT0);
  p.send(kT0 + 300ms);
  EXPECT_EQ(p.scanner.next_deadline(p.tracker), kT0 + 1s);
  p.answer(1, kT0 + 5ms);
  p.expire(kT0 + 10ms);
  EXPECT_EQ(p.scanner.next_deadline(p.tracker), kT0 + 1300ms);
}

TEST(TimeoutScanner, AtTheEndEveryUnsettledProbeIsLostOnce) {
  Probes p(10s);
  p.send(kT0);
  p.send(kT0 + 100ms);
  p.send(kT0 + 200ms);
  p.answer(2, kT0 + 150ms);
  std::vector<std::uint16_t> lost;
  p.scanner.finish(p.tracker, [&](std::uint16_t seq) { lost.push_back(seq); });
  EXPECT_EQ(lost, (std::vector<std::uint16_t>{1, 3}));
  EXPECT_TRUE(p.expire(kT0 + 3600s).empty());
}

TEST(TimeoutScanner, WaitZeroMeansForeverSoNothingIsLost) {
  Probes p(Duration::zero());
  p.send(kT0);
  EXPECT_TRUE(p.expire(kT0 + 3600s).empty());
  EXPECT_FALSE(p.scanner.next_deadline(p.tracker));
}

TEST(TimeoutScanner, AProbeWhoseSlotIsNeededAgainIsSettledFirst) {
  // 65 536 sends within -W (a long flood): the oldest is judged before its number is reused,
  // so a reply to the newer probe is never mistaken for the old one's.
  Probes p(3600s);
  std::vector<std::uint16_t> lost;
  for (std::uint32_t i = 0; i < SequenceTracker::kSeqSpace + 1; ++i) {
    p.send(kT0 + Duration(i));
    for (std::uint16_t s : p.expire(kT0 + Duration(i))) lost.push_back(s);
  }
  ASSERT_EQ(lost.size(), 2u);
  EXPECT_EQ(lost[0], 1);
  EXPECT_EQ(lost[1], 2);
}

}  // namespace
}  // namespace bp
