#include "ping/engine/timer_wheel.h"

#include <gtest/gtest.h>

#include <chrono>

namespace bp {
namespace {

using namespace std::chrono_literals;

// Ticks of 1/HZ s for the tick rates Linux offers.
constexpr Duration kHz100 = 10ms;
constexpr Duration kHz250 = 4ms;
constexpr Duration kHz300 = Duration(3333333);
constexpr Duration kHz1000 = 1ms;

TEST(TimerWheelLateness, OneSecondAtEachTickRate) {
  EXPECT_EQ(timer_wheel_lateness(1s, kHz250), 40ms);    // level 1: 8 ticks + 2
  EXPECT_EQ(timer_wheel_lateness(1s, kHz100), 100ms);   // level 1
  EXPECT_EQ(timer_wheel_lateness(1s, kHz1000), 66ms);   // level 2: 64 ticks + 2
  EXPECT_EQ(timer_wheel_lateness(1s, kHz300), kHz300 * 10);   // 301 ticks: level 1
}

TEST(TimerWheelLateness, TheLoopsLongestSleepOfTwoSeconds) {
  EXPECT_EQ(timer_wheel_lateness(2s, kHz250), 40ms);    // 500 ticks: still level 1
  EXPECT_EQ(timer_wheel_lateness(2s, kHz100), 100ms);
  EXPECT_EQ(timer_wheel_lateness(2s, kHz1000), 66ms);
  EXPECT_EQ(timer_wheel_lateness(2s, kHz300), kHz300 * 66);  // 601 ticks: level 2, 220 ms
}

TEST(TimerWheelLateness, LevelBoundariesInTicks) {
  // Level 0 holds 0..62 ticks, level 1 63..503, level 2 504..4031, level 3 from 4032.
  EXPECT_EQ(timer_wheel_lateness(kHz250 * 62, kHz250), kHz250 * 3);
  EXPECT_EQ(timer_wheel_lateness(kHz250 * 63, kHz250), kHz250 * 10);
  EXPECT_EQ(timer_wheel_lateness(kHz250 * 503, kHz250), kHz250 * 10);
  EXPECT_EQ(timer_wheel_lateness(kHz250 * 504, kHz250), kHz250 * 66);
  EXPECT_EQ(timer_wheel_lateness(kHz250 * 4031, kHz250), kHz250 * 66);
  EXPECT_EQ(timer_wheel_lateness(kHz250 * 4032, kHz250), kHz250 * 514);
}

TEST(TimerWheelLateness, APartTickCountsAsAWholeOne) {
  // The kernel converts the timeout to ticks rounding up: 62 ticks and 1 ns is 63.
  EXPECT_EQ(timer_wheel_lateness(kHz250 * 62 + 1ns, kHz250), kHz250 * 10);
}

TEST(TimerWheelLateness, ShortAndEmptyTimeouts) {
  EXPECT_EQ(timer_wheel_lateness(0s, kHz250), kHz250 * 3);
  EXPECT_EQ(timer_wheel_lateness(-5s, kHz250), kHz250 * 3);
  EXPECT_EQ(timer_wheel_lateness(1ns, kHz1000), kHz1000 * 3);
}

TEST(TimerWheelLateness, AnUnknownTickIsTakenAsHz250) {
  EXPECT_EQ(timer_wheel_lateness(1s, Duration::zero()), 40ms);
  EXPECT_EQ(timer_wheel_lateness(1s, -1ms), 40ms);
}

TEST(TimerWheelLateness, TheDeepestLevelBoundsVeryLongTimeouts) {
  // Eight levels up the granule stops growing: 8^8 ticks.
  constexpr Duration::rep kTopGranule = 1 << 24;
  EXPECT_EQ(timer_wheel_lateness(std::chrono::hours(24 * 365), kHz1000), kHz1000 * (kTopGranule + 2));
}

}  // namespace
}  // namespace bp
