// TargetMetrics: a reload keeps the figures of the targets that stay, drops the removed ones,
// starts new ones at 0, keeps the exporter's own counters; a scrape shows exactly the list.

#include "ping/metrics/target_metrics.h"

#include <memory>

#include "ping/metrics/scrape_stream.h"

#include <gtest/gtest.h>

namespace bp {
namespace {

using namespace std::chrono_literals;

TargetLabels v4(const std::string& name, const std::string& address) { return {name, address, Family::kIpv4}; }

void probe(MetricsSink& sink, std::size_t target, int answered, int lost) {
  for (int i = 0; i < answered + lost; ++i) sink.on_sent(target, static_cast<std::uint16_t>(i + 1));
  for (int i = 0; i < answered; ++i) {
    ReplyEvent e;
    e.status = ReplyStatus::kFirst;
    e.sequence = static_cast<std::uint16_t>(i + 1);
    e.rtt = 2ms;
    e.ttl = 60;
    sink.on_reply(target, e);
  }
  for (int i = 0; i < lost; ++i) sink.on_lost(target, static_cast<std::uint16_t>(answered + i + 1));
}

TEST(TargetMetrics, AReloadKeepsTheTargetsThatStayAndStartsNewOnesAtZero) {
  TargetMetrics old({v4("a", "198.19.0.1"), v4("b", "198.19.0.2"), v4("c", "198.19.0.3")},
                    RttBuckets::default_buckets());
  probe(old.sink(), 0, 3, 0);
  probe(old.sink(), 1, 4, 2);
  probe(old.sink(), 2, 1, 1);
  old.sink().on_send_failed(0, 101);
  old.sink().note_scrape_error();

  TargetMetrics fresh({v4("c", "198.19.0.3"), v4("d", "198.19.0.4"), v4("b", "198.19.0.2")},
                      RttBuckets::default_buckets());
  fresh.carry_over(old);
  const TargetSnapshot c = fresh.sink().snapshot(0);
  const TargetSnapshot d = fresh.sink().snapshot(1);
  const TargetSnapshot b = fresh.sink().snapshot(2);
  EXPECT_EQ(c.requests, 2u);
  EXPECT_EQ(c.replies, 1u);
  EXPECT_EQ(c.timeouts, 1u);
  EXPECT_EQ(b.requests, 6u);
  EXPECT_EQ(b.replies, 4u);
  EXPECT_EQ(b.timeouts, 2u);
  EXPECT_EQ(b.rtt.count(), 4u);
  EXPECT_EQ(b.rtt.sum_ns, 8'000'000u);
  EXPECT_EQ(b.last_ttl, std::optional<std::uint8_t>(60));
  EXPECT_EQ(d.requests, 0u);
  EXPECT_EQ(d.rtt.count(), 0u);
  EXPECT_FALSE(d.last_ttl);
  EXPECT_EQ(fresh.sink().exporter_snapshot().send_errors, 1u);
  EXPECT_EQ(fresh.sink().exporter_snapshot().scrape_errors, 1u);
}

TEST(TargetMetrics, TheSameNameAtAnotherAddressIsANewTarget) {
  TargetMetrics old({v4("host.test", "198.19.0.1")}, RttBuckets::default_buckets());
  probe(old.sink(), 0, 5, 0);
  TargetMetrics fresh({v4("host.test", "198.19.0.9")}, RttBuckets::default_buckets());
  fresh.carry_over(old);
  EXPECT_EQ(fresh.sink().snapshot(0).requests, 0u);
}

TEST(TargetMetrics, CountersKeepGrowingAfterTheReload) {
  TargetMetrics old({v4("a", "198.19.0.1")}, RttBuckets::default_buckets());
  probe(old.sink(), 0, 2, 0);
  TargetMetrics fresh({v4("a", "198.19.0.1")}, RttBuckets::default_buckets());
  fresh.carry_over(old);
  probe(fresh.sink(), 0, 1, 1);
  const TargetSnapshot a = fresh.sink().snapshot(0);
  EXPECT_EQ(a.requests, 4u);
  EXPECT_EQ(a.replies, 3u);
  EXPECT_EQ(a.timeouts, 1u);
  EXPECT_EQ(a.rtt.count(), 3u);
}

TEST(TargetMetrics, AScrapeShowsExactlyTheListAndItsSize) {
  TargetMetrics m({v4("a", "198.19.0.1"), {"b", "2001:db8::2", Family::kIpv6}}, RttBuckets::default_buckets());
  probe(m.sink(), 1, 1, 0);
  const std::string text = m.scrape(ExpositionFormat::kPrometheusText, MetricNames::kBetterPing, "9.9");
  EXPECT_NE(text.find("better_ping_requests_total{target=\"a\",address=\"198.19.0.1\",family=\"ipv4\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("better_ping_replies_total{target=\"b\",address=\"2001:db8::2\",family=\"ipv6\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("better_ping_targets 2\n"), std::string::npos);
  EXPECT_NE(text.find("better_ping_build_info{version=\"9.9\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace bp

namespace bp {
namespace {

std::string read_all(ScrapeStream& stream, std::size_t room) {
  std::string out;
  std::string buffer(room, '\0');
  for (int guard = 0; guard < 10'000'000; ++guard) {
    const std::size_t n = stream.read(buffer.data(), room);
    if (n == 0) break;
    EXPECT_LE(n, room);
    out.append(buffer.data(), n);
  }
  return out;
}

std::shared_ptr<TargetMetrics> many_targets(std::size_t n) {
  std::vector<TargetLabels> labels;
  for (std::size_t i = 0; i < n; ++i) {
    labels.push_back(v4("198.19." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1),
                        "198.19." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)));
  }
  auto m = std::make_shared<TargetMetrics>(std::move(labels), RttBuckets::default_buckets());
  for (std::size_t i = 0; i < n; i += 3) probe(m->sink(), i, static_cast<int>(i % 5), static_cast<int>(i % 2));
  return m;
}

TEST(ScrapeStream, ReadInAnyPieceSizeItIsTheWholeScrapeExactly) {
  const auto m = many_targets(300);  // more than one piece of targets per family
  for (const auto format : {ExpositionFormat::kPrometheusText, ExpositionFormat::kOpenMetrics}) {
    for (const auto names : {MetricNames::kBetterPing, MetricNames::kSmokeping}) {
      const std::string whole = m->scrape(format, names, "1.2");
      for (const std::size_t room : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{1} << 20}) {
        ScrapeStream stream(m, format, names, "1.2");
        EXPECT_EQ(read_all(stream, room), whole) << room;
      }
    }
  }
}

TEST(ScrapeStream, ItShowsTheMomentItWasMadeAndKeepsItsListAlive) {
  auto m = many_targets(2);
  const std::string before = m->scrape(ExpositionFormat::kPrometheusText, MetricNames::kBetterPing, "1");
  ScrapeStream stream(m, ExpositionFormat::kPrometheusText, MetricNames::kBetterPing, "1");
  probe(m->sink(), 0, 10, 10);  // after the stream was made: not in it
  m.reset();                    // a reload published another list
  EXPECT_EQ(read_all(stream, 100), before);
  EXPECT_EQ(stream.read(nullptr, 0), 0u);
}

TEST(ScrapeStream, AnEmptyListStillEndsWithTheExportersOwnFamilies) {
  auto m = std::make_shared<TargetMetrics>(std::vector<TargetLabels>{}, RttBuckets::default_buckets());
  ScrapeStream stream(m, ExpositionFormat::kOpenMetrics, MetricNames::kBetterPing, "1");
  const std::string text = read_all(stream, 64);
  EXPECT_NE(text.find("better_ping_targets 0\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("# EOF\n"));
}

}  // namespace
}  // namespace bp
