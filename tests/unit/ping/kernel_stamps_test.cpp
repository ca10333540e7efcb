#include "ping/engine/kernel_stamps.h"

#include <gtest/gtest.h>

namespace bp {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

constexpr KernelTime kWall = std::chrono::seconds(1'795'000'000);

TEST(ChooseRtt, KernelPairInsideUserIntervalIsUsed) {
  EXPECT_EQ(choose_rtt(microseconds(60), kWall, kWall + microseconds(42)), microseconds(42));
}

TEST(ChooseRtt, KernelRttEqualToUserRttIsAccepted) {
  EXPECT_EQ(choose_rtt(microseconds(42), kWall, kWall + microseconds(42)), microseconds(42));
}

TEST(ChooseRtt, MissingTxStampFallsBackToMonotonic) {
  EXPECT_EQ(choose_rtt(microseconds(60), std::nullopt, kWall), microseconds(60));
}

TEST(ChooseRtt, MissingRxStampFallsBackToMonotonic) {
  EXPECT_EQ(choose_rtt(microseconds(60), kWall, std::nullopt), microseconds(60));
}

TEST(ChooseRtt, WallClockSteppedBackwardsGivesMonotonicNeverNegative) {
  // The wall clock went back one hour between transmit and receive.
  EXPECT_EQ(choose_rtt(microseconds(60), kWall, kWall - std::chrono::hours(1) + microseconds(40)),
            microseconds(60));
}

TEST(ChooseRtt, WallClockSteppedForwardGivesMonotonicNotAbsurd) {
  EXPECT_EQ(choose_rtt(microseconds(60), kWall, kWall + std::chrono::hours(1)), microseconds(60));
}

TEST(ChooseRtt, NegativeUserRttIsClampedToZero) {
  EXPECT_EQ(choose_rtt(nanoseconds(-5), std::nullopt, std::nullopt), nanoseconds(0));
}

TEST(TxStampTable, StampIsFoundBySequenceThroughTheSendCounter) {
  TxStampTable table;
  table.on_sent(1);
  table.on_sent(2);
  table.on_tx_stamp(1, kWall + microseconds(7));  // key 1 = second send = seq 2
  table.on_tx_stamp(0, kWall);
  EXPECT_EQ(table.tx_time(1), kWall);
  EXPECT_EQ(table.tx_time(2), kWall + microseconds(7));
  EXPECT_EQ(table.tx_time(3), std::nullopt);
}

TEST(TxStampTable, StampForAKeyNotYetSentIsIgnored) {
  TxStampTable table;
  table.on_sent(1);
  table.on_tx_stamp(1, kWall);
  EXPECT_EQ(table.tx_time(1), std::nullopt);
  EXPECT_EQ(table.tx_time(0), std::nullopt);
}

TEST(TxStampTable, ResendingASequenceForgetsItsOldStamp) {
  TxStampTable table;
  table.on_sent(5);
  table.on_tx_stamp(0, kWall);
  table.on_sent(5);  // the sequence space wrapped
  EXPECT_EQ(table.tx_time(5), std::nullopt);
  table.on_tx_stamp(1, kWall + microseconds(1));
  EXPECT_EQ(table.tx_time(5), kWall + microseconds(1));
}

TEST(TxStampTable, KeysWrapWithTheSequenceSpace) {
  TxStampTable table;
  for (std::uint32_t i = 0; i < 70000; ++i) table.on_sent(static_cast<std::uint16_t>(i + 1));
  // key 69999 carried seq 70000 mod 65536 = 4464
  table.on_tx_stamp(69999, kWall);
  EXPECT_EQ(table.tx_time(4464), kWall);
  // key 10 is more than 65536 sends old: its slot now belongs to a newer send
  table.on_tx_stamp(10, kWall + microseconds(3));
  EXPECT_EQ(table.tx_time(11), std::nullopt);
}

}  // namespace
}  // namespace bp
