// The --stats and --summary-every texts, as golden strings.

#include "ping/output/stats_text.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "ping/output/text_sink.h"

namespace bp {
namespace {

using namespace std::chrono_literals;

constexpr MonoTime kStart = MonoTime{} + 1000s;

Summary summary_of(std::int64_t sent, std::int64_t received, std::optional<RttFigures> rtt) {
  Summary s;
  s.host = "198.18.0.2";
  s.counts.transmitted = sent;
  s.counts.received = received;
  s.counts.elapsed = 2002ms;
  s.rtt = rtt;
  return s;
}

TEST(StatsText, LinesAfterTheRttLine) {
  ReplyStats stats(kStart);
  stats.on_reply(1, 10ms, kStart + 10ms, 64, false);
  stats.on_reply(2, 12ms, kStart + 1012ms, 64, false);
  stats.on_lost(3);
  stats.on_reply(4, 11ms, kStart + 3011ms, 63, false);
  const Summary s = summary_of(4, 3, RttFigures{10ms, 11ms, 12ms, 816'497ns, 11ms});
  const std::string text = format_stats_lines(stats, s, kStart + 4s);
  // Percentiles of 10, 12, 11 ms within 1 %: the exact nearest ranks are 11, 12, 12, 12, 12.
  const std::string expected_tail =
      " ms\njitter 0.179 ms, stddev 1.000 ms\noutage total/longest = 1999.000/1999.000 ms, reordered 0, "
      "ttl changes 1\n";
  ASSERT_TRUE(text.starts_with("rtt p50/p90/p95/p99/p99.9 = 1")) << text;
  EXPECT_TRUE(text.ends_with(expected_tail)) << text;
}

TEST(StatsText, WithoutRepliesOnlyTheOutageLine) {
  ReplyStats stats(kStart);
  stats.on_lost(1);
  const std::string text = format_stats_lines(stats, summary_of(1, 0, std::nullopt), kStart + 1500ms);
  EXPECT_EQ(text, "outage total/longest = 1500.000/1500.000 ms, reordered 0, ttl changes 0\n");
}

TEST(StatsText, TextSummaryBlockKeepsItsEmptyLastLineAfterTheStats) {
  std::string out, err;
  TextSink sink(TextSinkSettings{}, IpAddress{}, [] { return WallClockTime{}; }, {}, out, err);
  sink.on_summary(summary_of(1, 0, std::nullopt), "outage line\n");
  EXPECT_EQ(out,
            "\n--- 198.18.0.2 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, "
            "time 2002ms\noutage line\n\n");
}

TEST(StatsText, IntervalLineInFpingsShape) {
  IntervalFigures f;
  f.transmitted = 5;
  f.received = 4;
  f.rtt.add(41us);
  f.rtt.add(59us);
  f.outage = 1002500us;
  EXPECT_EQ(format_interval_line("198.18.0.2", f),
            "198.18.0.2 : xmt/rcv/%loss = 5/4/20%, outage(ms) = 1002, min/avg/max = 0.041/0.050/0.059\n");
  IntervalFigures none;
  EXPECT_EQ(format_interval_line("h", none), "h : xmt/rcv/%loss = 0/0/0%, outage(ms) = 0\n");
}

TEST(StatsText, IntervalStampIsLocalTime) {
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(format_interval_stamp(WallClockTime{1700000000s}), "[22:13:20]\n");
}

}  // namespace
}  // namespace bp
