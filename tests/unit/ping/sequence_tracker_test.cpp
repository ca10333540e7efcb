#include "ping/engine/sequence_tracker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

namespace bp {
namespace {

using namespace std::chrono_literals;

// An arbitrary monotonic origin; every time in these tests is a literal offset from it.
constexpr MonoTime kT0 = MonoTime{} + 1000s;

TEST(SequenceTracker, FirstProbeIsSeqOneAndNumbersAscend) {
  SequenceTracker tracker;
  EXPECT_EQ(tracker.next_seq(), 1);
  EXPECT_EQ(tracker.on_sent(kT0), 1);
  EXPECT_EQ(tracker.on_sent(kT0 + 1s), 2);
  EXPECT_EQ(tracker.next_seq(), 3);
  EXPECT_EQ(tracker.counts().transmitted, 2u);
}

TEST(SequenceTracker, FirstReplyCarriesTheRecordedSendTimeAndRtt) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_sent(kT0 + 1s);
  const ReplyMatch match = tracker.on_reply(2, kT0 + 1s + 167us);
  EXPECT_EQ(match.kind, ReplyKind::First);
  EXPECT_EQ(match.sent_at, kT0 + 1s);
  EXPECT_EQ(match.rtt, 167us);
  EXPECT_FALSE(match.out_of_order);
  EXPECT_FALSE(match.late);
  EXPECT_EQ(tracker.counts().received, 1u);
}

TEST(SequenceTracker, DuplicateReplyIsCountedOnce) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  EXPECT_EQ(tracker.on_reply(1, kT0 + 20us).kind, ReplyKind::First);
  const ReplyMatch dup = tracker.on_reply(1, kT0 + 50us);
  EXPECT_EQ(dup.kind, ReplyKind::Duplicate);
  EXPECT_EQ(dup.rtt, 50us);  // iputils prints a time for a DUP! line too
  EXPECT_EQ(tracker.on_reply(1, kT0 + 60us).kind, ReplyKind::Duplicate);
  EXPECT_EQ(tracker.counts().received, 1u);
  EXPECT_EQ(tracker.counts().duplicates, 2u);
}

TEST(SequenceTracker, ReplyToSeqNeverSentIsUnknownAndChangesNothing) {
  SequenceTracker tracker;
  EXPECT_EQ(tracker.on_reply(1, kT0).kind, ReplyKind::Unknown);  // nothing sent yet
  tracker.on_sent(kT0);
  tracker.on_sent(kT0 + 1s);
  tracker.on_sent(kT0 + 2s);
  EXPECT_EQ(tracker.on_reply(4, kT0 + 3s).kind, ReplyKind::Unknown);
  EXPECT_EQ(tracker.on_reply(0, kT0 + 3s).kind, ReplyKind::Unknown);  // seq 0 is probe 65536
  EXPECT_EQ(tracker.on_reply(65535, kT0 + 3s).kind, ReplyKind::Unknown);
  EXPECT_EQ(tracker.counts().received, 0u);
  EXPECT_EQ(tracker.counts().duplicates, 0u);
  EXPECT_EQ(tracker.in_flight(), 3u);
  EXPECT_EQ(tracker.max_in_flight(), 0u);
}

TEST(SequenceTracker, RttIsMeasuredFromMemoryWhateverTheReplyClaims) {
  // A forged reply can only pick which probe it answers; its RTT comes from our own send time.
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_sent(kT0 + 1s);
  EXPECT_EQ(tracker.on_reply(1, kT0 + 1s + 5ms).rtt, 1005ms);
}

TEST(SequenceTracker, ReceiveStampBeforeSendStampGivesZeroRtt) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  const ReplyMatch match = tracker.on_reply(1, kT0 - 3us);
  EXPECT_EQ(match.kind, ReplyKind::First);
  EXPECT_EQ(match.rtt, 0ns);
}

TEST(SequenceTracker, ReplyOlderThanAnAnsweredProbeIsOutOfOrder) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_sent(kT0 + 1s);
  tracker.on_sent(kT0 + 2s);
  EXPECT_FALSE(tracker.on_reply(3, kT0 + 2s + 1ms).out_of_order);
  EXPECT_TRUE(tracker.on_reply(1, kT0 + 2s + 2ms).out_of_order);
  EXPECT_TRUE(tracker.on_reply(2, kT0 + 2s + 3ms).out_of_order);
  // A duplicate is never flagged nor counted as reordering.
  EXPECT_FALSE(tracker.on_reply(1, kT0 + 2s + 4ms).out_of_order);
  EXPECT_EQ(tracker.counts().out_of_order, 2u);
}

TEST(SequenceTracker, RepliesInSendOrderAreNotOutOfOrderEvenWithLosses) {
  SequenceTracker tracker;
  for (int i = 0; i < 5; ++i) tracker.on_sent(kT0 + i * 1s);
  EXPECT_FALSE(tracker.on_reply(2, kT0 + 1s + 1ms).out_of_order);
  EXPECT_FALSE(tracker.on_reply(5, kT0 + 4s + 1ms).out_of_order);
  EXPECT_EQ(tracker.counts().out_of_order, 0u);
}

TEST(SequenceTracker, ReplyIsLateOnlyStrictlyAfterTheTimeout) {
  SequenceTracker tracker(1s);
  tracker.on_sent(kT0);
  tracker.on_sent(kT0);
  EXPECT_FALSE(tracker.on_reply(1, kT0 + 1s).late);
  EXPECT_TRUE(tracker.on_reply(2, kT0 + 1s + 1ns).late);
  EXPECT_TRUE(tracker.on_reply(2, kT0 + 5s).late);  // flagged on the duplicate too
  EXPECT_EQ(tracker.counts().late, 1u);             // but counted for First replies only
  EXPECT_EQ(tracker.counts().received, 2u);         // a late reply is still a reply
}

TEST(SequenceTracker, DefaultTimeoutIsTenSeconds) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_sent(kT0);
  EXPECT_FALSE(tracker.on_reply(1, kT0 + 10s).late);
  EXPECT_TRUE(tracker.on_reply(2, kT0 + 10s + 1ns).late);
}

TEST(SequenceTracker, ZeroTimeoutMeansNeverLate) {
  SequenceTracker tracker(0s);
  tracker.on_sent(kT0);
  EXPECT_FALSE(tracker.on_reply(1, kT0 + 3600s).late);
}

TEST(SequenceTracker, InFlightCountsProbesAfterTheNewestAcknowledged) {
  SequenceTracker tracker;
  EXPECT_EQ(tracker.in_flight(), 0u);
  tracker.on_sent(kT0);
  tracker.on_sent(kT0);
  tracker.on_sent(kT0);
  EXPECT_EQ(tracker.in_flight(), 3u);
  tracker.on_reply(2, kT0 + 1ms);
  EXPECT_EQ(tracker.in_flight(), 1u);  // probe 1 is no longer waited for: a newer one came back
  tracker.on_reply(1, kT0 + 2ms);
  EXPECT_EQ(tracker.in_flight(), 1u);
  tracker.on_reply(3, kT0 + 3ms);
  EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(SequenceTracker, PipeIsTheMostProbesOutWhenAnAnswerCameBack) {
  // ping -l 3: three probes out, then the answer to the first: "pipe 3".
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_sent(kT0);
  tracker.on_sent(kT0);
  tracker.on_reply(1, kT0 + 4us);
  EXPECT_EQ(tracker.max_in_flight(), 3u);
  tracker.on_reply(2, kT0 + 5us);
  tracker.on_reply(3, kT0 + 6us);
  EXPECT_EQ(tracker.max_in_flight(), 3u);
}

TEST(SequenceTracker, PipeIsOneWhenEachProbeIsAnsweredBeforeTheNext) {
  SequenceTracker tracker;
  for (int i = 0; i < 3; ++i) {
    const std::uint16_t seq = tracker.on_sent(kT0 + i * 1s);
    tracker.on_reply(seq, kT0 + i * 1s + 100us);
  }
  EXPECT_EQ(tracker.max_in_flight(), 1u);
}

TEST(SequenceTracker, DuplicateDoesNotMovePipe) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_reply(1, kT0 + 1ms);
  for (int i = 1; i < 5; ++i) tracker.on_sent(kT0 + i * 1s);
  tracker.on_reply(1, kT0 + 5s);  // a duplicate of probe 1, five probes later
  EXPECT_EQ(tracker.max_in_flight(), 1u);
}

TEST(SequenceTracker, ErrorQuotingOurProbeAcknowledgesItButIsNotAReply) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_sent(kT0 + 1s);
  EXPECT_TRUE(tracker.on_error(2));
  EXPECT_EQ(tracker.in_flight(), 0u);
  EXPECT_EQ(tracker.max_in_flight(), 1u);
  EXPECT_EQ(tracker.counts().errors, 1u);
  EXPECT_EQ(tracker.counts().received, 0u);
  EXPECT_FALSE(tracker.has_reply(2));
  EXPECT_EQ(tracker.unanswered_previous(), std::optional<std::uint16_t>(2));
  // A reply may still follow the error; it is a First reply, and not out of order.
  const ReplyMatch after_error = tracker.on_reply(2, kT0 + 1s + 1ms);
  EXPECT_EQ(after_error.kind, ReplyKind::First);
  EXPECT_FALSE(after_error.out_of_order);
}

TEST(SequenceTracker, ErrorQuotingASeqNeverSentIsRejected) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  EXPECT_FALSE(tracker.on_error(7));
  EXPECT_EQ(tracker.counts().errors, 0u);
  EXPECT_EQ(tracker.in_flight(), 1u);
}

TEST(SequenceTracker, UnansweredPreviousTellsWhatOptionOPrints) {
  SequenceTracker tracker;
  EXPECT_EQ(tracker.unanswered_previous(), std::nullopt);  // nothing sent yet
  tracker.on_sent(kT0);
  EXPECT_EQ(tracker.unanswered_previous(), std::optional<std::uint16_t>(1));
  tracker.on_reply(1, kT0 + 1ms);
  EXPECT_EQ(tracker.unanswered_previous(), std::nullopt);
  tracker.on_sent(kT0 + 1s);
  EXPECT_EQ(tracker.unanswered_previous(), std::optional<std::uint16_t>(2));
}

TEST(SequenceTracker, HasReplyIsFalseForSeqNeverSent) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  tracker.on_reply(1, kT0 + 1ms);
  EXPECT_TRUE(tracker.has_reply(1));
  EXPECT_FALSE(tracker.has_reply(2));
  EXPECT_FALSE(tracker.has_reply(0));
}

// Sends `n` probes one microsecond apart starting at kT0, answering none.
void send_many(SequenceTracker& tracker, std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) {
    tracker.on_sent(kT0 + std::chrono::microseconds(static_cast<std::int64_t>(i)));
  }
}

TEST(SequenceTracker, SeqWrapsToZeroAfter65535) {
  SequenceTracker tracker;
  send_many(tracker, 65535);
  EXPECT_EQ(tracker.next_seq(), 0);
  EXPECT_EQ(tracker.on_sent(kT0 + 1s), 0);  // probe 65536
  EXPECT_EQ(tracker.on_sent(kT0 + 2s), 1);  // probe 65537
  EXPECT_EQ(tracker.counts().transmitted, 65537u);
}

TEST(SequenceTracker, SeqZeroIsKnownOnceProbe65536IsSent) {
  SequenceTracker tracker;
  send_many(tracker, 65536);
  const ReplyMatch match = tracker.on_reply(0, kT0 + 1s);
  EXPECT_EQ(match.kind, ReplyKind::First);
  EXPECT_EQ(match.sent_at, kT0 + 65535us);
}

TEST(SequenceTracker, ResendAfterWrapReplacesSendTimeAndClearsDuplicateBit) {
  SequenceTracker tracker;
  tracker.on_sent(kT0);
  EXPECT_EQ(tracker.on_reply(1, kT0 + 10us).kind, ReplyKind::First);
  send_many(tracker, 65535);               // probes 2..65536, the last one is seq 0
  EXPECT_EQ(tracker.on_sent(kT0 + 7s), 1);  // probe 65537 reuses seq 1
  const ReplyMatch match = tracker.on_reply(1, kT0 + 7s + 30us);
  EXPECT_EQ(match.kind, ReplyKind::First);
  EXPECT_EQ(match.sent_at, kT0 + 7s);
  EXPECT_EQ(match.rtt, 30us);
  EXPECT_EQ(tracker.on_reply(1, kT0 + 7s + 40us).kind, ReplyKind::Duplicate);
}

TEST(SequenceTracker, OrderAndInFlightSurviveTheWrap) {
  SequenceTracker tracker;
  send_many(tracker, 65534);
  tracker.on_sent(kT0 + 1s);  // probe 65535, seq 65535
  tracker.on_sent(kT0 + 1s);  // probe 65536, seq 0
  tracker.on_sent(kT0 + 1s);  // probe 65537, seq 1
  EXPECT_EQ(tracker.on_reply(1, kT0 + 2s).kind, ReplyKind::First);
  EXPECT_EQ(tracker.in_flight(), 0u);
  const ReplyMatch older = tracker.on_reply(65535, kT0 + 2s);
  EXPECT_EQ(older.kind, ReplyKind::First);
  EXPECT_TRUE(older.out_of_order);  // seq 65535 is older than seq 1 here
  EXPECT_EQ(older.sent_at, kT0 + 1s);
  EXPECT_EQ(tracker.max_in_flight(), 3u);
}

TEST(SequenceTracker, FloodOfSeventyThousandAnsweredProbesStaysConsistent) {
  SequenceTracker tracker;
  for (std::int64_t i = 0; i < 70000; ++i) {
    const MonoTime sent = kT0 + std::chrono::microseconds(10 * i);
    const std::uint16_t seq = tracker.on_sent(sent);
    ASSERT_EQ(seq, static_cast<std::uint16_t>(i + 1));
    const ReplyMatch match = tracker.on_reply(seq, sent + 3us);
    ASSERT_EQ(match.kind, ReplyKind::First) << "probe " << i + 1;
    ASSERT_EQ(match.rtt, 3us);
  }
  EXPECT_EQ(tracker.counts().transmitted, 70000u);
  EXPECT_EQ(tracker.counts().received, 70000u);
  EXPECT_EQ(tracker.counts().duplicates, 0u);
  EXPECT_EQ(tracker.counts().out_of_order, 0u);
  EXPECT_EQ(tracker.in_flight(), 0u);
  EXPECT_EQ(tracker.max_in_flight(), 1u);
}

TEST(SequenceTracker, SentAtPeeksWithoutCountingAnything) {
  SequenceTracker tracker;
  const MonoTime t0{std::chrono::seconds(100)};
  tracker.on_sent(t0);
  tracker.on_sent(t0 + std::chrono::seconds(1));
  EXPECT_EQ(tracker.sent_at(2), t0 + std::chrono::seconds(1));
  EXPECT_EQ(tracker.sent_at(3), std::nullopt);  // never sent
  EXPECT_EQ(tracker.counts().received, 0u);
  EXPECT_FALSE(tracker.has_reply(1));
  EXPECT_EQ(tracker.on_reply(1, t0 + std::chrono::milliseconds(5)).kind, ReplyKind::First);
}

}  // namespace
}  // namespace bp
