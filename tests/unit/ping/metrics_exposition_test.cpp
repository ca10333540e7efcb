// The exposition text: golden scrapes in both formats and both naming schemes, label escaping
// and UTF-8 repair, float and seconds text, cumulative buckets with +Inf equal to _count.

#include "ping/metrics/exposition.h"

#include <gtest/gtest.h>

#include <vector>

namespace bp {
namespace {

using namespace std::chrono_literals;

std::string label_value(std::string_view value) {
  std::string out;
  append_label_value(out, value);
  return out;
}

std::string float_text(double value, ExpositionFormat format = ExpositionFormat::kPrometheusText) {
  std::string out;
  append_float(out, value, format);
  return out;
}

std::string seconds_text(std::uint64_t ns, ExpositionFormat format = ExpositionFormat::kPrometheusText) {
  std::string out;
  append_seconds(out, ns, format);
  return out;
}

// Two targets, buckets 0.001 and 1: an IPv4 one with replies of 0.5 ms, 1 ms and 1.5 s (TTL 57),
// a wrong payload byte, a time exceeded; an IPv6 one that never answered.
struct Fixture {
  RttBuckets buckets = *parse_rtt_buckets("0.001,1");
  std::vector<TargetLabels> labels = {{"a.example", "198.18.0.1", Family::kIpv4},
                                      {"2001:db8::9", "2001:db8::9", Family::kIpv6}};
  std::vector<TargetSnapshot> snapshots;

  Fixture() {
    MetricsSink sink({Family::kIpv4, Family::kIpv6}, buckets);
    for (std::uint16_t seq = 1; seq <= 5; ++seq) sink.on_sent(0, seq);
    for (std::uint16_t seq = 1; seq <= 2; ++seq) sink.on_sent(1, seq);
    const Duration rtts[] = {500us, 1ms, 1500ms};
    std::uint16_t seq = 1;
    for (const Duration rtt : rtts) {
      ReplyEvent e;
      e.sequence = seq++;
      e.rtt = rtt;
      e.ttl = 57;
      sink.on_reply(0, e);
    }
    ReplyEvent corrupt;
    corrupt.sequence = 4;
    corrupt.rtt = 1ms;
    corrupt.mismatch = PayloadMismatch{};
    sink.on_reply(0, corrupt);
    IcmpErrorEvent exceeded;
    exceeded.type = 11;
    sink.on_icmp_error(0, exceeded);
    sink.on_lost(1, 1);
    sink.on_send_failed(1, 101);
    sink.note_scrape_error();
    snapshots = {sink.snapshot(0), sink.snapshot(1)};
    exporter = sink.exporter_snapshot();
  }
  ExporterSnapshot exporter;

  // The scrape of the first `targets` targets.
  std::string text(ExpositionFormat format, MetricNames names, std::size_t targets = 2) const {
    const Scrape scrape{std::span(labels).first(targets), std::span(snapshots).first(targets),
                        buckets.upper_bounds(), exporter, "0.1.0"};
    return format_scrape(scrape, format, names);
  }
};

TEST(ExpositionText, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(label_value("plain.example"), "plain.example");
  EXPECT_EQ(label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(label_value("tab\tand cr\r stay"), "tab\tand cr\r stay");
}

TEST(ExpositionText, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(label_value("caf\xc3\xa9"), "caf\xc3\xa9") << "valid UTF-8 passes";
  EXPECT_EQ(label_value("x\xffy"), "x\xef\xbf\xbdy");
  EXPECT_EQ(label_value("\xe2\x82"), "\xef\xbf\xbd") << "a truncated sequence: one U+FFFD";
  EXPECT_EQ(label_value("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd") << "overlong: one per byte";
  EXPECT_EQ(label_value("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd") << "a surrogate";
  EXPECT_EQ(label_value("\xf0\x9f\x98\x80\""), "\xf0\x9f\x98\x80\\\"");
}

TEST(ExpositionText, FloatsInGosShortestGShape) {
  EXPECT_EQ(float_text(0.00005), "5e-05");
  EXPECT_EQ(float_text(0.000025), "2.5e-05");
  EXPECT_EQ(float_text(0.0001), "0.0001");
  EXPECT_EQ(float_text(0.001), "0.001");
  EXPECT_EQ(float_text(2.5), "2.5");
  EXPECT_EQ(float_text(1), "1");
  EXPECT_EQ(float_text(123456), "123456");
  EXPECT_EQ(float_text(1e6), "1e+06");
  EXPECT_EQ(float_text(0), "0");
  EXPECT_EQ(float_text(0.1 + 0.2), "0.30000000000000004") << "round-trips";
}

TEST(ExpositionText, OpenMetricsFloatsLookLikeFloats) {
  constexpr auto kOm = ExpositionFormat::kOpenMetrics;
  EXPECT_EQ(float_text(1, kOm), "1.0");
  EXPECT_EQ(float_text(10, kOm), "10.0");
  EXPECT_EQ(float_text(0, kOm), "0.0");
  EXPECT_EQ(float_text(0.001, kOm), "0.001");
  EXPECT_EQ(float_text(1e6, kOm), "1e+06");
  EXPECT_EQ(float_text(2.5e-05, kOm), "2.5e-05");
}

TEST(ExpositionText, SecondsAreExactDecimals) {
  EXPECT_EQ(seconds_text(0), "0");
  EXPECT_EQ(seconds_text(1), "0.000000001");
  EXPECT_EQ(seconds_text(1'500'000), "0.0015");
  EXPECT_EQ(seconds_text(2'000'000'000), "2");
  EXPECT_EQ(seconds_text(1'501'500'000), "1.5015");
  EXPECT_EQ(seconds_text(18'446'744'073'709'551'615u), "18446744073.709551615");
  EXPECT_EQ(seconds_text(2'000'000'000, ExpositionFormat::kOpenMetrics), "2.0");
  EXPECT_EQ(seconds_text(0, ExpositionFormat::kOpenMetrics), "0.0");
}

TEST(Exposition, ContentTypes) {
  EXPECT_EQ(content_type(ExpositionFormat::kPrometheusText), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(content_type(ExpositionFormat::kOpenMetrics),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

TEST(Exposition, TargetWithoutReplyHasNoTtlSample) {
  Fixture f;
  const std::string text = f.text(ExpositionFormat::kPrometheusText, MetricNames::kBetterPing);
  EXPECT_NE(text.find("better_ping_rtt_seconds_bucket{target=\"2001:db8::9\",address=\"2001:db8::9\","
                      "family=\"ipv6\",le=\"+Inf\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("better_ping_timeouts_total{target=\"2001:db8::9\",address=\"2001:db8::9\",family=\"ipv6\"} 1\n"),
            std::string::npos);
  EXPECT_EQ(text.find("better_ping_reply_ttl{target=\"2001:db8::9\""), std::string::npos);
  EXPECT_NE(text.find("better_ping_targets 2\n"), std::string::npos);
}

// The lines of `text` that are samples of `name` (its exact name, then '{' or ' ').
std::vector<std::string> samples_of(const std::string& text, std::string_view name) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    if (line.starts_with(name) && line.size() > name.size() &&
        (line[name.size()] == '{' || line[name.size()] == ' ')) {
      lines.push_back(line);
    }
    start = end + 1;
  }
  return lines;
}

std::uint64_t value_of(const std::string& line) { return std::stoull(line.substr(line.rfind(' ') + 1)); }

TEST(Exposition, OddTargetNamesAreEscapedOnEveryLine) {
  Fixture f;
  f.labels[0].target = "we\"ird\\name\nx\xff";
  const std::string text = f.text(ExpositionFormat::kPrometheusText, MetricNames::kBetterPing, 1);
  const std::string escaped = "target=\"we\\\"ird\\\\name\\nx\xef\xbf\xbd\",";
  std::size_t count = 0;
  for (std::size_t at = text.find(escaped); at != std::string::npos; at = text.find(escaped, at + 1)) ++count;
  EXPECT_EQ(count, 19u) << "1 + 1 + 5 (histogram) + 1 + 2 + 7 + 1 + 1 (TTL) labelled lines";
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    const std::string_view line = std::string_view(text).substr(start, end - start);
    EXPECT_TRUE(line.starts_with("# ") || line.starts_with("better_ping_")) << line;
    start = end + 1;
  }
}

TEST(Exposition, BucketsAreCumulativeAndInfEqualsCount) {
  const RttBuckets buckets = RttBuckets::default_buckets();
  MetricsSink sink({Family::kIpv4}, buckets);
  for (int i = 0; i < 500; ++i) {
    ReplyEvent e;
    e.rtt = std::chrono::microseconds(i * i * 37 % 20'000'000);  // 0 to 20 s, uneven
    sink.on_sent(0, 1);
    sink.on_reply(0, e);
  }
  const std::vector<TargetLabels> labels = {{"t", "198.18.0.2", Family::kIpv4}};
  const std::vector<TargetSnapshot> snapshots = {sink.snapshot(0)};
  for (const MetricNames names : {MetricNames::kBetterPing, MetricNames::kSmokeping}) {
    const std::string text = format_scrape({labels, snapshots, buckets.upper_bounds(), {}, "0.1.0"},
                                           ExpositionFormat::kPrometheusText, names);
    const std::string base = names == MetricNames::kSmokeping ? "smokeping_response_duration_seconds"
                                                               : "better_ping_rtt_seconds";
    const std::vector<std::string> bucket_lines = samples_of(text, base + "_bucket");
    ASSERT_EQ(bucket_lines.size(), 19u);
    for (std::size_t i = 1; i < bucket_lines.size(); ++i) {
      EXPECT_LE(value_of(bucket_lines[i - 1]), value_of(bucket_lines[i])) << bucket_lines[i];
    }
    EXPECT_NE(bucket_lines.back().find("le=\"+Inf\""), std::string::npos);
    const std::vector<std::string> count_lines = samples_of(text, base + "_count");
    ASSERT_EQ(count_lines.size(), 1u);
    EXPECT_EQ(value_of(bucket_lines.back()), value_of(count_lines[0]));
    EXPECT_EQ(value_of(count_lines[0]), 500u);
    EXPECT_NE(bucket_lines.front().find("le=\"2.5e-05\""), std::string::npos) << "Go's shape";
  }
}

TEST(Exposition, ExporterFamiliesWithNoTargets) {
  const std::string text = format_scrape({{}, {}, RttBuckets::default_buckets().upper_bounds(), {7, 2}, "9.8.7"},
                                         ExpositionFormat::kOpenMetrics, MetricNames::kBetterPing);
  EXPECT_NE(text.find("\nbetter_ping_build_info{version=\"9.8.7\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nbetter_ping_targets 0\n"), std::string::npos);
  EXPECT_NE(text.find("\nbetter_ping_send_errors_total 7\n"), std::string::npos);
  EXPECT_NE(text.find("\nbetter_ping_scrape_errors_total 2\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("\n# EOF\n"));
  EXPECT_EQ(text.find("better_ping_requests_total{"), std::string::npos) << "no target, no sample";
}

TEST(Exposition, GoldenBetterPingPrometheusText) {
  Fixture f;
  EXPECT_EQ(f.text(ExpositionFormat::kPrometheusText, MetricNames::kBetterPing, 1), R"(# HELP better_ping_requests_total Echo requests sent to the target, failed sends included.
# TYPE better_ping_requests_total counter
better_ping_requests_total{target="a.example",address="198.18.0.1",family="ipv4"} 5
# HELP better_ping_replies_total Valid first echo replies from the target (no duplicate, corrupt, truncated or foreign ones).
# TYPE better_ping_replies_total counter
better_ping_replies_total{target="a.example",address="198.18.0.1",family="ipv4"} 3
# HELP better_ping_rtt_seconds Round-trip time of the valid first replies.
# TYPE better_ping_rtt_seconds histogram
better_ping_rtt_seconds_bucket{target="a.example",address="198.18.0.1",family="ipv4",le="0.001"} 2
better_ping_rtt_seconds_bucket{target="a.example",address="198.18.0.1",family="ipv4",le="1"} 2
better_ping_rtt_seconds_bucket{target="a.example",address="198.18.0.1",family="ipv4",le="+Inf"} 3
better_ping_rtt_seconds_sum{target="a.example",address="198.18.0.1",family="ipv4"} 1.5015
better_ping_rtt_seconds_count{target="a.example",address="198.18.0.1",family="ipv4"} 3
# HELP better_ping_duplicates_total Duplicate echo replies.
# TYPE better_ping_duplicates_total counter
better_ping_duplicates_total{target="a.example",address="198.18.0.1",family="ipv4"} 0
# HELP better_ping_corrupt_total Echo replies with a bad checksum or a wrong payload byte, by reason.
# TYPE better_ping_corrupt_total counter
better_ping_corrupt_total{target="a.example",address="198.18.0.1",family="ipv4",reason="checksum"} 0
better_ping_corrupt_total{target="a.example",address="198.18.0.1",family="ipv4",reason="payload"} 1
# HELP better_ping_icmp_errors_total ICMP errors quoting a probe to the target, by kind.
# TYPE better_ping_icmp_errors_total counter
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="unreachable"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="time_exceeded"} 1
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="parameter_problem"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="redirect"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="source_quench"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="packet_too_big"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="other"} 0
# HELP better_ping_timeouts_total Probes lost: no reply within the timeout.
# TYPE better_ping_timeouts_total counter
better_ping_timeouts_total{target="a.example",address="198.18.0.1",family="ipv4"} 0
# HELP better_ping_reply_ttl TTL or hop limit of the latest valid reply.
# TYPE better_ping_reply_ttl gauge
better_ping_reply_ttl{target="a.example",address="198.18.0.1",family="ipv4"} 57
# HELP better_ping_build_info better_ping's version, as a label; the value is always 1.
# TYPE better_ping_build_info gauge
better_ping_build_info{version="0.1.0"} 1
# HELP better_ping_targets Targets configured.
# TYPE better_ping_targets gauge
better_ping_targets 1
# HELP better_ping_send_errors_total Failed sends and local errors (such as a message too long), all targets.
# TYPE better_ping_send_errors_total counter
better_ping_send_errors_total 1
# HELP better_ping_scrape_errors_total Scrapes that could not be answered in full.
# TYPE better_ping_scrape_errors_total counter
better_ping_scrape_errors_total 1
)");
}

TEST(Exposition, GoldenBetterPingOpenMetrics) {
  Fixture f;
  EXPECT_EQ(f.text(ExpositionFormat::kOpenMetrics, MetricNames::kBetterPing, 1), R"(# HELP better_ping_requests Echo requests sent to the target, failed sends included.
# TYPE better_ping_requests counter
better_ping_requests_total{target="a.example",address="198.18.0.1",family="ipv4"} 5
# HELP better_ping_replies Valid first echo replies from the target (no duplicate, corrupt, truncated or foreign ones).
# TYPE better_ping_replies counter
better_ping_replies_total{target="a.example",address="198.18.0.1",family="ipv4"} 3
# HELP better_ping_rtt_seconds Round-trip time of the valid first replies.
# TYPE better_ping_rtt_seconds histogram
# UNIT better_ping_rtt_seconds seconds
better_ping_rtt_seconds_bucket{target="a.example",address="198.18.0.1",family="ipv4",le="0.001"} 2
better_ping_rtt_seconds_bucket{target="a.example",address="198.18.0.1",family="ipv4",le="1.0"} 2
better_ping_rtt_seconds_bucket{target="a.example",address="198.18.0.1",family="ipv4",le="+Inf"} 3
better_ping_rtt_seconds_sum{target="a.example",address="198.18.0.1",family="ipv4"} 1.5015
better_ping_rtt_seconds_count{target="a.example",address="198.18.0.1",family="ipv4"} 3
# HELP better_ping_duplicates Duplicate echo replies.
# TYPE better_ping_duplicates counter
better_ping_duplicates_total{target="a.example",address="198.18.0.1",family="ipv4"} 0
# HELP better_ping_corrupt Echo replies with a bad checksum or a wrong payload byte, by reason.
# TYPE better_ping_corrupt counter
better_ping_corrupt_total{target="a.example",address="198.18.0.1",family="ipv4",reason="checksum"} 0
better_ping_corrupt_total{target="a.example",address="198.18.0.1",family="ipv4",reason="payload"} 1
# HELP better_ping_icmp_errors ICMP errors quoting a probe to the target, by kind.
# TYPE better_ping_icmp_errors counter
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="unreachable"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="time_exceeded"} 1
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="parameter_problem"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="redirect"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="source_quench"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="packet_too_big"} 0
better_ping_icmp_errors_total{target="a.example",address="198.18.0.1",family="ipv4",kind="other"} 0
# HELP better_ping_timeouts Probes lost: no reply within the timeout.
# TYPE better_ping_timeouts counter
better_ping_timeouts_total{target="a.example",address="198.18.0.1",family="ipv4"} 0
# HELP better_ping_reply_ttl TTL or hop limit of the latest valid reply.
# TYPE better_ping_reply_ttl gauge
better_ping_reply_ttl{target="a.example",address="198.18.0.1",family="ipv4"} 57
# HELP better_ping_build_info better_ping's version, as a label; the value is always 1.
# TYPE better_ping_build_info gauge
better_ping_build_info{version="0.1.0"} 1
# HELP better_ping_targets Targets configured.
# TYPE better_ping_targets gauge
better_ping_targets 1
# HELP better_ping_send_errors Failed sends and local errors (such as a message too long), all targets.
# TYPE better_ping_send_errors counter
better_ping_send_errors_total 1
# HELP better_ping_scrape_errors Scrapes that could not be answered in full.
# TYPE better_ping_scrape_errors counter
better_ping_scrape_errors_total 1
# EOF
)");
}

TEST(Exposition, GoldenSmokepingPrometheusText) {
  Fixture f;
  EXPECT_EQ(f.text(ExpositionFormat::kPrometheusText, MetricNames::kSmokeping, 1), R"(# HELP smokeping_requests_total Ping requests sent.
# TYPE smokeping_requests_total counter
smokeping_requests_total{host="a.example",ip="198.18.0.1"} 5
# HELP smokeping_response_duration_seconds Latency of the ping responses, as a histogram.
# TYPE smokeping_response_duration_seconds histogram
smokeping_response_duration_seconds_bucket{host="a.example",ip="198.18.0.1",le="0.001"} 2
smokeping_response_duration_seconds_bucket{host="a.example",ip="198.18.0.1",le="1"} 2
smokeping_response_duration_seconds_bucket{host="a.example",ip="198.18.0.1",le="+Inf"} 3
smokeping_response_duration_seconds_sum{host="a.example",ip="198.18.0.1"} 1.5015
smokeping_response_duration_seconds_count{host="a.example",ip="198.18.0.1"} 3
# HELP smokeping_response_duplicates_total Duplicate response packets.
# TYPE smokeping_response_duplicates_total counter
smokeping_response_duplicates_total{host="a.example",ip="198.18.0.1"} 0
# HELP smokeping_response_ttl Time To Live of the latest response.
# TYPE smokeping_response_ttl gauge
smokeping_response_ttl{host="a.example",ip="198.18.0.1"} 57
# HELP better_ping_build_info better_ping's version, as a label; the value is always 1.
# TYPE better_ping_build_info gauge
better_ping_build_info{version="0.1.0"} 1
# HELP better_ping_targets Targets configured.
# TYPE better_ping_targets gauge
better_ping_targets 1
# HELP better_ping_send_errors_total Failed sends and local errors (such as a message too long), all targets.
# TYPE better_ping_send_errors_total counter
better_ping_send_errors_total 1
# HELP better_ping_scrape_errors_total Scrapes that could not be answered in full.
# TYPE better_ping_scrape_errors_total counter
better_ping_scrape_errors_total 1
)");
}

TEST(Exposition, GoldenSmokepingOpenMetrics) {
  Fixture f;
  EXPECT_EQ(f.text(ExpositionFormat::kOpenMetrics, MetricNames::kSmokeping, 1), R"(# HELP smokeping_requests Ping requests sent.
# TYPE smokeping_requests counter
smokeping_requests_total{host="a.example",ip="198.18.0.1"} 5
# HELP smokeping_response_duration_seconds Latency of the ping responses, as a histogram.
# TYPE smokeping_response_duration_seconds histogram
# UNIT smokeping_response_duration_seconds seconds
smokeping_response_duration_seconds_bucket{host="a.example",ip="198.18.0.1",le="0.001"} 2
smokeping_response_duration_seconds_bucket{host="a.example",ip="198.18.0.1",le="1.0"} 2
smokeping_response_duration_seconds_bucket{host="a.example",ip="198.18.0.1",le="+Inf"} 3
smokeping_response_duration_seconds_sum{host="a.example",ip="198.18.0.1"} 1.5015
smokeping_response_duration_seconds_count{host="a.example",ip="198.18.0.1"} 3
# HELP smokeping_response_duplicates Duplicate response packets.
# TYPE smokeping_response_duplicates counter
smokeping_response_duplicates_total{host="a.example",ip="198.18.0.1"} 0
# HELP smokeping_response_ttl Time To Live of the latest response.
# TYPE smokeping_response_ttl gauge
smokeping_response_ttl{host="a.example",ip="198.18.0.1"} 57
# HELP better_ping_build_info better_ping's version, as a label; the value is always 1.
# TYPE better_ping_build_info gauge
better_ping_build_info{version="0.1.0"} 1
# HELP better_ping_targets Targets configured.
# TYPE better_ping_targets gauge
better_ping_targets 1
# HELP better_ping_send_errors Failed sends and local errors (such as a message too long), all targets.
# TYPE better_ping_send_errors counter
better_ping_send_errors_total 1
# HELP better_ping_scrape_errors Scrapes that could not be answered in full.
# TYPE better_ping_scrape_errors counter
better_ping_scrape_errors_total 1
# EOF
)");
}

}  // namespace
}  // namespace bp
