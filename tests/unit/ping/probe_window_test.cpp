// ProbeWindows: the per-target table of recent probes. slots_for() over many (-W, -i) pairs,
// the window's edges, and slot reuse.

#include "ping/engine/probe_window.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>

namespace bp {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(ProbeWindows, SlotsForCommonWaits) {
  EXPECT_EQ(ProbeWindows::slots_for(seconds(10), seconds(1)), 16u);  // 10 + 2 -> 16 (the header)
  EXPECT_EQ(ProbeWindows::slots_for(seconds(1), seconds(1)), 4u);    // 3 -> 4
  EXPECT_EQ(ProbeWindows::slots_for(seconds(2), seconds(1)), 4u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(3), seconds(1)), 8u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(6), seconds(1)), 8u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(7), seconds(1)), 16u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(14), seconds(1)), 16u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(15), seconds(1)), 32u);
  EXPECT_EQ(ProbeWindows::slots_for(milliseconds(1500), seconds(1)), 4u);  // rounds up to 2
  EXPECT_EQ(ProbeWindows::slots_for(milliseconds(100), seconds(1)), 4u);   // the minimum
  EXPECT_EQ(ProbeWindows::slots_for(nanoseconds(1), seconds(1)), 4u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(1), milliseconds(10)), 128u);  // 100 + 2
  EXPECT_EQ(ProbeWindows::slots_for(seconds(10), milliseconds(10)), 1024u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(1022), seconds(1)), 1024u);
  EXPECT_EQ(ProbeWindows::slots_for(seconds(1024), seconds(1)), 1024u);
  EXPECT_EQ(ProbeWindows::slots_for(hours(1), milliseconds(1)), 1024u);     // the cap
  EXPECT_EQ(ProbeWindows::slots_for(hours(24 * 365 * 100), nanoseconds(1)), 1024u);
}

// A wait of 1023 intervals needs 1025 slots, whose power of two (2048) is past the cap.
TEST(ProbeWindows, SlotsForNeverExceedsTheCap) {
  EXPECT_EQ(ProbeWindows::slots_for(seconds(1023), seconds(1)), ProbeWindows::kMaxSlots);
  EXPECT_EQ(ProbeWindows::slots_for(milliseconds(1022'500), seconds(1)), ProbeWindows::kMaxSlots);
}

TEST(ProbeWindows, WaitForeverHasAFixedWindow) {
  for (const Duration interval : {Duration(nanoseconds(1)), Duration(milliseconds(10)), Duration(seconds(1)), Duration(hours(1))}) {
    const std::size_t s = ProbeWindows::slots_for(Duration::zero(), interval);
    EXPECT_TRUE(std::has_single_bit(s));
    EXPECT_GE(s, ProbeWindows::kMinSlots);
    EXPECT_LE(s, ProbeWindows::kMaxSlots);
  }
}

// Over many pairs: a power of two within [4, 1024], holding the whole wait plus two
// intervals (when the cap allows), and no more than twice what that needs.
TEST(ProbeWindows, SlotsForHoldsTheWaitOverManyPairs) {
  const Duration intervals[] = {nanoseconds(1),    microseconds(1), microseconds(333),
                                milliseconds(1),   milliseconds(10), milliseconds(200),
                                milliseconds(999), seconds(1),       seconds(7),
                                hours(1)};
  int checked = 0;
  for (const Duration interval : intervals) {
    for (std::int64_t step = 1; step <= 5'000; step += (step < 1100 ? 1 : 37)) {
      for (const Duration wait : {interval * step - nanoseconds(1), interval * step}) {
        if (wait <= Duration::zero()) continue;
        const std::uint64_t needed = static_cast<std::uint64_t>((wait + interval - nanoseconds(1)) / interval);
        const std::size_t s = ProbeWindows::slots_for(wait, interval);
        ASSERT_TRUE(std::has_single_bit(s)) << wait.count() << " " << interval.count();
        ASSERT_GE(s, ProbeWindows::kMinSlots);
        ASSERT_LE(s, ProbeWindows::kMaxSlots);
        if (needed + 2 <= ProbeWindows::kMaxSlots) {
          ASSERT_GE(s, needed + 2) << wait.count() << " " << interval.count();
          ASSERT_TRUE(s == ProbeWindows::kMinSlots || s < 2 * (needed + 2));
        } else {
          ASSERT_EQ(s, ProbeWindows::kMaxSlots);
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 20'000);
}

TEST(ProbeWindows, ConstructorRoundsSlotsToAPowerOfTwoWithinBounds) {
  EXPECT_EQ(ProbeWindows(3, 0).slots(), 4u);
  EXPECT_EQ(ProbeWindows(3, 4).slots(), 4u);
  EXPECT_EQ(ProbeWindows(3, 5).slots(), 8u);
  EXPECT_EQ(ProbeWindows(3, 16).slots(), 16u);
  EXPECT_EQ(ProbeWindows(3, 1000).slots(), 1024u);
  EXPECT_EQ(ProbeWindows(3, 2048).slots(), 1024u);
  EXPECT_EQ(ProbeWindows(0, 16).slots(), 16u);
}

TEST(ProbeWindows, InWindowEdges) {
  const ProbeWindows w(1, 4);
  EXPECT_FALSE(w.in_window(0, 0));  // nothing sent yet
  EXPECT_TRUE(w.in_window(1, 0));
  EXPECT_FALSE(w.in_window(1, 1));  // not sent yet
  EXPECT_TRUE(w.in_window(4, 0));   // the oldest of four
  EXPECT_FALSE(w.in_window(5, 0));  // its slot went to round 4
  EXPECT_TRUE(w.in_window(5, 1));
  EXPECT_TRUE(w.in_window(5, 4));
  EXPECT_FALSE(w.in_window(5, 5));
  EXPECT_FALSE(w.in_window(5, 100));
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
  EXPECT_TRUE(w.in_window(big, big - 1));
  EXPECT_TRUE(w.in_window(big, big - 4));
  EXPECT_FALSE(w.in_window(big, big - 5));
  EXPECT_FALSE(w.in_window(big, big));
}

TEST(ProbeWindows, StartsEmpty) {
  const ProbeWindows w(3, 8);
  for (std::size_t t = 0; t < 3; ++t) {
    for (std::uint64_t r = 0; r < 8; ++r) {
      EXPECT_EQ(w.state(t, r), ProbeState::kEmpty);
      EXPECT_EQ(w.sent_at(t, r), MonoTime{});
    }
  }
}

TEST(ProbeWindows, RoundsShareASlotEverySlotsRoundsAndRowsAreApart) {
  ProbeWindows w(3, 4);
  const MonoTime t1 = MonoTime(hours(24 * 365 * 200));
  w.state(1, 2) = ProbeState::kPending;
  w.set_sent_at(1, 2, t1);
  EXPECT_EQ(w.state(1, 6), ProbeState::kPending);  // 6 mod 4 == 2
  EXPECT_EQ(w.sent_at(1, 1'000'002), t1);
  EXPECT_EQ(w.state(0, 2), ProbeState::kEmpty);
  EXPECT_EQ(w.state(2, 2), ProbeState::kEmpty);
  EXPECT_EQ(w.state(1, 3), ProbeState::kEmpty);
  w.state(1, 6) = ProbeState::kAnswered;
  EXPECT_EQ(w.state(1, 2), ProbeState::kAnswered);
  const ProbeWindows& view = w;
  EXPECT_EQ(view.state(1, 10), ProbeState::kAnswered);
}

TEST(ProbeWindows, EveryCellIsItsOwn) {
  ProbeWindows w(50, 16);
  for (std::size_t t = 0; t < 50; ++t) {
    for (std::uint64_t r = 0; r < 16; ++r) w.set_sent_at(t, r, MonoTime(nanoseconds(t * 100 + r)));
  }
  for (std::size_t t = 0; t < 50; ++t) {
    for (std::uint64_t r = 0; r < 16; ++r) {
      ASSERT_EQ(w.sent_at(t, r + 16 * 7), MonoTime(nanoseconds(t * 100 + r)));
    }
  }
}

}  // namespace
}  // namespace bp
