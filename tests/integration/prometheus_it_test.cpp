// The exporter (issue 14) scraped by a real Prometheus: Debian's /usr/bin/prometheus started in
// the client namespace on 127.0.0.1 with a temporary configuration and storage, scraping
// `ping --metrics-listen` every second while it probes 100 targets of the AnyIP namespace host
// (RangeHost), 10 of them silenced by a firewall rule there. The figures are then read the way
// a user reads them, through PromQL on Prometheus' HTTP API:
// - loss ratio (1 - increase(replies) / increase(requests)): 1 for the silenced targets, 0 for
//   the others, up to the one probe that may be in flight at each edge of the window;
// - at every scrape, requests - replies is at most 1 (that probe) for an answering target:
//   a reply lost by the counting would add up and show;
// - histogram_quantile(0.5, ...) of the RTT histogram falls within one bucket of the median
//   RTT (p50) that the --json summary of the same run gives for the same target. The kernel
//   answers within a few microseconds here, all in the first default bucket (25 us), where
//   such a check would prove little: the run gives --metrics-buckets with the default series
//   extended down to 1 us.
// A short second run checks that smokeping_prober's names and labels are queryable.


#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/fuzz/json_check.h"
#include "tests/integration/exporter_process.h"
#include "tests/integration/exposition_reader.h"
#include "tests/integration/harness.h"
#include "tests/integration/prom_server.h"
#include "tests/integration/range_host.h"

namespace bp::it {
namespace {

using json_check::Value;
using Clock = std::chrono::steady_clock;

// Target i: 198.19.1.1, 198.19.1.2, ... (one /24 for up to 250 targets).
std::string v4(int i) { return "198.19.1." + std::to_string(1 + i); }

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The median RTT in seconds of each target's JSON summary line ("rtt_ms": {"p50": ...}),
// keyed by the target as given; targets whose p50 is null are left out.
std::map<std::string, double> json_medians(const RunResult& r) {
  std::map<std::string, double> medians;
  for (const std::string& line : r.out_lines()) {
    const auto value = json_check::parse(line);
    if (!value) continue;
    const Value* type = value->find("type");
    const Value* target = value->find("target");
    const Value* rtt = value->find("rtt_ms");
    if (!type || type->text != "summary" || !target || !rtt) continue;
    const Value* p50 = rtt->find("p50");
    if (p50 && p50->kind == Value::Kind::kNumber) medians[target->text] = std::stod(p50->text) / 1e3;
  }
  return medians;
}

class PrometheusIt : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    if (!std::filesystem::exists(kPrometheusBinary)) {
      GTEST_SKIP() << "needs Debian's prometheus package (scripts/install-deps)";
    }
    host_.emplace();
  }

  const std::string& client() const { return host_->client().name(); }

  // Waits, reading both processes' output meanwhile, until Prometheus holds at least `scrapes`
  // successful scrapes of the exporter in the last minute; false after `timeout`.
  static bool wait_for_scrapes(PrometheusServer& prometheus, Exporter& exporter,
                               int scrapes, std::chrono::seconds timeout) {
    const auto until = Clock::now() + timeout;
    const std::string promql = "sum_over_time(up{job=\"bping\"}[1m])";
    while (Clock::now() < until) {
      const auto up = prometheus.query(promql);
      if (up && up->size() == 1 && up->front().value >= scrapes) return true;
      if (exporter.process().has_exited()) return false;
      exporter.process().keep_reading(std::chrono::milliseconds(250));
      prometheus.pause(std::chrono::milliseconds(250));
    }
    return false;
  }

  std::optional<RangeHost> host_;
};

constexpr int kTargets = 100;
constexpr int kFirstSilenced = 40;  // targets 40..49 never answer
constexpr int kSilenced = 10;
bool silenced(int i) { return i >= kFirstSilenced && i < kFirstSilenced + kSilenced; }

// The window of the rate and loss queries, and the scrapes waited for before them (a few more
// than the window holds, so that the window is full at an evaluation time in the past).
constexpr int kWindowSeconds = 15;
constexpr int kScrapesWanted = kWindowSeconds + 4;
constexpr double kInterval = 0.1;  // -i: 10 probes per target per second, 1000 in all

TEST_F(PrometheusIt, LossRatioAndMedianRttThroughPromQLMatchTheRun) {
  host_->silence(v4(kFirstSilenced), v4(kFirstSilenced + kSilenced - 1));
  std::vector<std::string> args{"-q", "--json", "-i", "0.1", "-W", "1", "--metrics-buckets",
                                kFineRttBuckets};
  for (int i = 0; i < kTargets; ++i) args.push_back(v4(i));
  Exporter exporter(client(), args, "127.0.0.1:0", std::chrono::seconds(100));
  PrometheusServer prometheus(client(), "127.0.0.1:" + std::to_string(exporter.endpoint().port));
  ASSERT_TRUE(prometheus.wait_ready(std::chrono::seconds(20))) << prometheus.log();
  ASSERT_TRUE(wait_for_scrapes(prometheus, exporter, kScrapesWanted, std::chrono::seconds(45)))
      << prometheus.log() << "\nexporter stderr: " << exporter.process().err_so_far();

  // Every query sees the same samples: evaluated at one instant, after the last stored scrape.
  const double at = unix_now() - 1.5;
  auto query = [&](const std::string& promql) {
    std::string why;
    const auto result = prometheus.query(promql, at, &why);
    EXPECT_TRUE(result) << why;
    return result.value_or(std::vector<PromSeries>{});
  };
  const std::string window = "[" + std::to_string(kWindowSeconds) + "s]";

  const auto up = query("up{job=\"bping\"}");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up.front().value, 1.0);

  const auto loss = by_label(query("1 - increase(better_ping_replies_total" + window +
                                   ") / increase(better_ping_requests_total" + window + ")"),
                             "target");
  // The raw increase of the requests over the same samples (no extrapolation).
  const auto sent = by_label(query("max_over_time(better_ping_requests_total" + window +
                                   ") - min_over_time(better_ping_requests_total" + window + ")"),
                             "target");
  // At each scrape of the last minute (a 500 ms subquery step sees each 1 s scrape).
  const auto outstanding = by_label(
      query("max_over_time((better_ping_requests_total - better_ping_replies_total)[1m:500ms])"),
      "target");
  const auto replies_ever = by_label(query("better_ping_replies_total"), "target");
  const auto median = by_label(
      query("histogram_quantile(0.5, rate(better_ping_rtt_seconds_bucket[1m]))"), "target");
  ASSERT_EQ(loss.size(), static_cast<std::size_t>(kTargets));
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(kTargets));
  ASSERT_EQ(outstanding.size(), static_cast<std::size_t>(kTargets));
  ASSERT_EQ(median.size(), static_cast<std::size_t>(kTargets));

  const RunResult run = exporter.stop();
  EXPECT_EQ(run.exit_code, 0) << run;
  const auto json = json_medians(run);

  // The window holds kWindowSeconds scrapes, kWindowSeconds - 1 seconds apart.
  const double expected_sent = (kWindowSeconds - 1) / kInterval;
  int exactly_zero = 0;
  const auto bounds = bounds_of(kFineRttBuckets);
  for (int i = 0; i < kTargets; ++i) {
    const std::string t = v4(i);
    SCOPED_TRACE("target " + t);
    EXPECT_NEAR(sent.at(t), expected_sent, 0.15 * expected_sent);
    if (silenced(i)) {
      EXPECT_EQ(loss.at(t), 1.0);
      EXPECT_EQ(replies_ever.at(t), 0.0);
      EXPECT_TRUE(std::isnan(median.at(t))) << median.at(t);  // no observation at all
      EXPECT_EQ(json.count(t), 0u);                           // p50 null
      continue;
    }
    // |replies - requests| over the window differs by at most the probe in flight at an edge.
    EXPECT_LE(std::abs(loss.at(t)), 1.0 / sent.at(t) + 1e-12) << loss.at(t);
    exactly_zero += loss.at(t) == 0.0 ? 1 : 0;
    EXPECT_LE(outstanding.at(t), 1.0);
    EXPECT_GE(outstanding.at(t), 0.0);
    ASSERT_EQ(json.count(t), 1u) << run;
    const auto promql_bucket = bucket_index(bounds, median.at(t));
    const auto json_bucket = bucket_index(bounds, json.at(t));
    EXPECT_LE(promql_bucket > json_bucket ? promql_bucket - json_bucket : json_bucket - promql_bucket,
              1u)
        << "histogram_quantile " << median.at(t) << " s, JSON p50 " << json.at(t) << " s";
  }
  std::printf("[ info ] %s: histogram_quantile %.2f us, JSON p50 %.2f us\n", v4(0).c_str(),
              median.at(v4(0)) * 1e6, json.count(v4(0)) ? json.at(v4(0)) * 1e6 : -1.0);
  // Not asserted (a probe in flight at an edge is legitimate): shown for the record.
  RecordProperty("answering_targets_with_loss_exactly_0", exactly_zero);
  std::printf("[ info ] %d of %d answering targets had a loss ratio of exactly 0\n", exactly_zero,
              kTargets - kSilenced);
}

// --metrics-names smokeping: smokeping_prober's series, with its host and ip labels, reach
// Prometheus, and its dashboards' loss expression gives 1 for a silenced target.
TEST_F(PrometheusIt, SmokepingNamesAreQueryableWithHostAndIpLabels) {
  host_->silence(v4(2));
  std::vector<std::string> args{"-q", "-i", "0.2", "-W", "1", "--metrics-names", "smokeping"};
  for (int i = 0; i < 4; ++i) args.push_back(v4(i));
  Exporter exporter(client(), args, "127.0.0.1:0", std::chrono::seconds(60));
  PrometheusServer prometheus(client(), "127.0.0.1:" + std::to_string(exporter.endpoint().port));
  ASSERT_TRUE(prometheus.wait_ready(std::chrono::seconds(20))) << prometheus.log();
  ASSERT_TRUE(wait_for_scrapes(prometheus, exporter, 7, std::chrono::seconds(30)))
      << prometheus.log() << "\nexporter stderr: " << exporter.process().err_so_far();
  const double at = unix_now() - 1.5;
  auto query = [&](const std::string& promql) {
    std::string why;
    const auto result = prometheus.query(promql, at, &why);
    EXPECT_TRUE(result) << why;
    return result.value_or(std::vector<PromSeries>{});
  };

  const auto requests = query("smokeping_requests_total");
  ASSERT_EQ(requests.size(), 4u);
  for (const PromSeries& s : requests) {
    ASSERT_EQ(s.labels.count("host"), 1u);
    EXPECT_EQ(s.labels.at("ip"), s.labels.at("host"));  // targets given as addresses
    EXPECT_EQ(s.labels.at("job"), "bping");
    EXPECT_GT(s.value, 0.0);
  }
  const auto loss = by_label(query("1 - increase(smokeping_response_duration_seconds_count[5s])"
                                   " / increase(smokeping_requests_total[5s])"),
                             "host");
  ASSERT_EQ(loss.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    if (i == 2) {
      EXPECT_EQ(loss.at(v4(i)), 1.0);
    } else {
      // 5 s at 5 probes a second: one probe in flight at an edge is 1/20 at most.
      EXPECT_LE(std::abs(loss.at(v4(i))), 0.05 + 1e-12) << v4(i);
    }
  }
  EXPECT_EQ(query("better_ping_requests_total").size(), 0u);
  EXPECT_EQ(query("better_ping_build_info").size(), 1u);
  EXPECT_EQ(query("smokeping_response_ttl{host=\"" + v4(0) + "\"}").size(), 1u);
  // The default buckets: 25 us .. 10 s, and +Inf.
  std::vector<double> bounds;
  for (const PromSeries& s :
       query("smokeping_response_duration_seconds_bucket{host=\"" + v4(0) + "\"}")) {
    bounds.push_back(std::stod(s.labels.at("le")));
  }
  std::sort(bounds.begin(), bounds.end());
  EXPECT_EQ(bounds, default_rtt_bounds());

  const RunResult run = exporter.stop();
  EXPECT_EQ(run.exit_code, 0) << run;
}

}  // namespace
}  // namespace bp::it
