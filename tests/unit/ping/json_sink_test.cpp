// JsonSink: the JSON Lines of every event type, as golden strings, with the statistics it takes
// from TargetStatistics. The wall clock is the test's own.

#include "ping/output/json_sink.h"

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include "tests/fuzz/json_check.h"

namespace bp {
namespace {

using namespace std::chrono_literals;

const IpAddress kTarget = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 2});
const IpAddress kOther = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 3});
const IpAddress kRouter = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 1});
const WallClockTime kWall{1700000000s + 250us};
constexpr MonoTime kStart = MonoTime{} + 1000s;

ReplyEvent reply(std::uint16_t seq, Duration rtt) {
  ReplyEvent e;
  e.sequence = seq;
  e.icmp_bytes = 64;
  e.from = kTarget;
  e.ttl = 64;
  e.rtt = rtt;
  return e;
}

// One target (or two), its statistics before the sink, as the loops wire them.
struct Fixture {
  explicit Fixture(bool quiet = false, std::vector<JsonTarget> targets = {{"host.test", "198.18.0.2", Family::kIpv4}})
      : stats(targets.size(), kStart, now),
        sink(JsonSinkSettings{"ping", quiet}, std::move(targets), stats, [] { return kWall; }, out) {}
  void on_reply(const ReplyEvent& e, MonoTime at) {
    now = at;
    stats.on_reply(0, e);
    sink.on_reply(0, e);
  }
  void on_lost(std::uint16_t seq) {
    stats.on_lost(0, seq);
    sink.on_lost(0, seq);
  }
  // Each line parses as strict JSON; returns them.
  std::vector<std::string> lines() const {
    std::vector<std::string> out_lines;
    std::size_t at = 0;
    while (at < out.size()) {
      const std::size_t end = out.find('\n', at);
      EXPECT_NE(end, std::string::npos) << "a line without its newline: " << out.substr(at);
      if (end == std::string::npos) break;
      out_lines.push_back(out.substr(at, end - at));
      std::string error;
      EXPECT_TRUE(json_check::parse(out_lines.back(), &error)) << error << ": " << out_lines.back();
      at = end + 1;
    }
    return out_lines;
  }
  MonoTime now = kStart;
  std::string out;
  TargetStatistics stats;
  JsonSink sink;
};

Summary summary_of(std::int64_t sent, std::int64_t received, std::optional<RttFigures> rtt) {
  Summary s;
  s.host = "host.test";
  s.counts.transmitted = sent;
  s.counts.received = received;
  s.counts.elapsed = 2002ms;
  s.rtt = rtt;
  return s;
}

TEST(JsonSink, StartLineNamesTheProgramSchemaOptionsAndTargets) {
  Fixture f(false, {{"host.test", "198.18.0.2", Family::kIpv4}, {"2001:db8::7", "2001:db8::7", Family::kIpv6}});
  Options o;
  o.count = 3;
  o.interval = 200ms;
  f.sink.start(o);
  EXPECT_EQ(f.out,
            "{\"type\":\"start\",\"program\":\"ping\",\"version\":\"" BP_VERSION "\",\"schema\":1,"
            "\"time\":1700000000.000250,\"options\":{\"count\":3,\"interval_s\":0.200,\"wait_s\":10.000,"
            "\"deadline_s\":null,\"size\":56,\"ttl\":null,\"family\":\"any\",\"summary_every_s\":null,"
            "\"stats\":false},\"targets\":[{\"target\":\"host.test\",\"address\":\"198.18.0.2\","
            "\"family\":\"ipv4\"},{\"target\":\"2001:db8::7\",\"address\":\"2001:db8::7\",\"family\":\"ipv6\"}]}\n");
  f.lines();
}

TEST(JsonSink, ReplyLineWithMicrosecondRttAndKernelTime) {
  Fixture f;
  ReplyEvent e = reply(1, 167'400ns);
  e.received_at = KernelTime(1700000001s + 5us);
  f.on_reply(e, kStart + 1ms);
  EXPECT_EQ(f.out,
            "{\"type\":\"reply\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"seq\":1,\"bytes\":64,"
            "\"ttl\":64,\"rtt_ms\":0.167,\"duplicate\":false,\"time\":1700000001.000005}\n");
}

TEST(JsonSink, DuplicateReorderedTtlChangeAndOtherSource) {
  Fixture f;
  f.on_reply(reply(2, 1ms), kStart + 1s);
  ReplyEvent late = reply(1, 1500ms);
  late.ttl = 60;
  f.on_reply(late, kStart + 1500ms);
  ReplyEvent dup = reply(2, 3ms);
  dup.status = ReplyStatus::kDuplicate;
  dup.from = kOther;
  dup.different_address = true;
  f.on_reply(dup, kStart + 2s);
  const auto lines = f.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1],
            "{\"type\":\"reply\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"seq\":1,\"bytes\":64,"
            "\"ttl\":60,\"rtt_ms\":1500.000,\"duplicate\":false,\"time\":1700000000.000250,"
            "\"reordered\":true,\"ttl_changed\":true}");
  EXPECT_EQ(lines[2],
            "{\"type\":\"reply\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"seq\":2,\"bytes\":64,"
            "\"ttl\":64,\"rtt_ms\":3.000,\"duplicate\":true,\"time\":1700000000.000250,\"from\":\"198.18.0.3\"}");
}

TEST(JsonSink, CorruptRepliesNameTheirReason) {
  Fixture f;
  ReplyEvent bad = reply(4, 2ms);
  bad.status = ReplyStatus::kBadChecksum;
  f.on_reply(bad, kStart);
  ReplyEvent wrong = reply(5, 2ms);
  wrong.mismatch = PayloadMismatch{};
  f.on_reply(wrong, kStart);
  const auto lines = f.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "{\"type\":\"corrupt\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"seq\":4,\"bytes\":64,"
            "\"ttl\":64,\"rtt_ms\":2.000,\"reason\":\"checksum\",\"time\":1700000000.000250}");
  EXPECT_NE(lines[1].find("\"reason\":\"payload\""), std::string::npos) << lines[1];
}

TEST(JsonSink, IcmpErrorLocalErrorAndTimeout) {
  Fixture f;
  IcmpErrorEvent error;
  error.sequence = 7;
  error.from = kRouter;
  error.type = 3;
  error.code = 1;
  f.sink.on_icmp_error(0, error);
  f.sink.on_local_error(0, EMSGSIZE, 1400);
  f.on_lost(8);
  const auto lines = f.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "{\"type\":\"error\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"seq\":7,"
            "\"from\":\"198.18.0.1\",\"icmp_type\":3,\"icmp_code\":1,"
            "\"message\":\"Destination Host Unreachable\",\"time\":1700000000.000250}");
  EXPECT_EQ(lines[1],
            "{\"type\":\"local_error\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"seq\":null,"
            "\"message\":\"message too long, mtu=1400\",\"time\":1700000000.000250}");
  EXPECT_EQ(lines[2],
            "{\"type\":\"timeout\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"seq\":8,"
            "\"time\":1700000000.000250}");
}

TEST(JsonSink, Ipv6ReplyErrorAndLocalErrorUseIpv6Wording) {
  Fixture f(false, {{"2001:db8::7", "2001:db8::7", Family::kIpv6}});
  ReplyEvent e = reply(1, 41us);
  e.from = IpAddress::v6(std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7});
  e.ttl = 64;
  f.on_reply(e, kStart);
  IcmpErrorEvent error;
  error.sequence = 2;
  error.from = IpAddress::v6(std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  error.type = 1;
  error.code = 3;
  f.sink.on_icmp_error(0, error);
  f.sink.on_local_error(0, EMSGSIZE, 1280);
  const auto lines = f.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "{\"type\":\"reply\",\"target\":\"2001:db8::7\",\"address\":\"2001:db8::7\",\"seq\":1,"
            "\"bytes\":64,\"ttl\":64,\"rtt_ms\":0.041,\"duplicate\":false,\"time\":1700000000.000250}");
  EXPECT_EQ(lines[1],
            "{\"type\":\"error\",\"target\":\"2001:db8::7\",\"address\":\"2001:db8::7\",\"seq\":2,"
            "\"from\":\"2001:db8::1\",\"icmp_type\":1,\"icmp_code\":3,"
            "\"message\":\"Destination unreachable: Address unreachable\",\"time\":1700000000.000250}");
  EXPECT_NE(lines[2].find("\"message\":\"message too long, mtu: 1280\""), std::string::npos) << lines[2];
}

TEST(JsonSink, QuietKeepsOnlyRunLevelLines) {
  Fixture f(/*quiet=*/true);
  f.on_reply(reply(1, 1ms), kStart);
  f.on_lost(2);
  f.sink.on_local_error(0, EPERM, 0);
  EXPECT_EQ(f.out, "");
  f.sink.summary(0, summary_of(2, 1, std::nullopt), kStart + 3s);
  EXPECT_EQ(f.lines().size(), 1u);
}

TEST(JsonSink, SummaryWithoutRepliesHasNullRttFigures) {
  Fixture f;
  f.on_lost(1);
  f.on_lost(2);
  f.out.clear();  // the two timeout lines
  f.sink.summary(0, summary_of(2, 0, std::nullopt), kStart + 2500ms);
  EXPECT_EQ(f.out,
            "{\"type\":\"summary\",\"target\":\"host.test\",\"address\":\"198.18.0.2\",\"transmitted\":2,"
            "\"received\":0,\"duplicates\":0,\"corrupt\":0,\"errors\":0,\"loss_percent\":100.000,"
            "\"time_ms\":2002.000,\"rtt_ms\":{\"min\":null,\"avg\":null,\"max\":null,\"mdev\":null,"
            "\"stddev\":null,\"p50\":null,\"p90\":null,\"p95\":null,\"p99\":null,\"p999\":null},"
            "\"jitter_ms\":null,\"reordered\":0,\"ttl_changes\":0,"
            "\"outage_ms\":{\"total\":2500.000,\"longest\":2500.000}}\n");
}

TEST(JsonSink, SummaryCarriesTheTextFiguresAndTheStatistics) {
  Fixture f;
  f.on_reply(reply(1, 10ms), kStart + 10ms);
  f.on_reply(reply(2, 12ms), kStart + 1012ms);
  f.on_lost(3);
  f.on_reply(reply(4, 11ms), kStart + 3011ms);
  RttFigures rtt{10ms, 11ms, 12ms, 816'497ns, 11ms};
  Summary s = summary_of(4, 3, rtt);
  f.sink.summary(0, s, kStart + 4s);
  const auto lines = f.lines();
  ASSERT_EQ(lines.size(), 5u);
  const auto parsed = json_check::parse(lines.back());
  ASSERT_TRUE(parsed);
  const json_check::Value& r = *parsed->find("rtt_ms");
  EXPECT_EQ(r.find("min")->text, "10.000");
  EXPECT_EQ(r.find("avg")->text, "11.000");
  EXPECT_EQ(r.find("max")->text, "12.000");
  EXPECT_EQ(r.find("mdev")->text, "0.816");
  EXPECT_EQ(r.find("stddev")->text, "1.000") << "sample sigma of 10, 12, 11 ms";
  EXPECT_EQ(r.find("p50")->text.substr(0, 3), "11.");
  EXPECT_EQ(parsed->find("loss_percent")->text, "25.000");
  // Jitter over 10, 12, 11: J = 2/16, then J += (1 - J)/16.
  EXPECT_EQ(parsed->find("jitter_ms")->text, "0.180");
  // From the reply to 2 (at 1.012 s) to the reply to 4 (at 3.011 s).
  EXPECT_EQ(parsed->find("outage_ms")->find("total")->text, "1999.000");
}

TEST(JsonSink, NamesWithQuotesBackslashesAndControlsStayValid) {
  Fixture f(false, {{"a\"b\\c\nd\x01\xff", "198.18.0.2", Family::kIpv4}});
  f.on_lost(1);
  const auto lines = f.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto parsed = json_check::parse(lines[0]);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->find("target")->text, "a\"b\\c\nd\x01\xEF\xBF\xBD");
}

TEST(JsonSink, IntervalAndStatusLines) {
  Fixture f;
  f.on_reply(reply(1, 2ms), kStart + 2ms);
  f.on_reply(reply(2, 4ms), kStart + 1004ms);
  IntervalFigures i = f.stats.close_interval(0, 3, 2, kStart + 2s);
  f.sink.interval(0, i);
  f.sink.status(0, summary_of(3, 2, RttFigures{2ms, 3ms, 4ms, 1ms, 3ms}), kStart + 2s);
  const auto lines = f.lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2],
            "{\"type\":\"interval\",\"target\":\"host.test\",\"address\":\"198.18.0.2\","
            "\"time\":1700000000.000250,\"transmitted\":3,\"received\":2,\"loss_percent\":33.333,"
            "\"rtt_ms\":{\"min\":2.000,\"avg\":3.000,\"max\":4.000},\"outage_ms\":0.000}");
  EXPECT_NE(lines[3].find("{\"type\":\"status\""), std::string::npos) << lines[3];
  // The next interval counts from this one.
  const IntervalFigures next = f.stats.close_interval(0, 4, 2, kStart + 3s);
  EXPECT_EQ(next.transmitted, 1u);
  EXPECT_EQ(next.received, 0u);
  EXPECT_EQ(next.rtt.count, 0u);
}

}  // namespace
}  // namespace bp
