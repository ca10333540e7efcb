// The Prometheus exporter (issue 14: ping --metrics-listen) through HTTP, against the real
// kernel in network namespaces:
//   - ExporterRefusal: options it refuses (exit 2, one line on stderr, nothing left listening);
//   - ExporterIt: what it serves (status codes, content types, OpenMetrics, IPv6, a remote
//     address when allowed, smokeping_prober's names, bucket lists), its life (silence is
//     measured, not a reason to stop; SIGTERM and SIGINT end it with 0; -q; systemd's
//     notifications);
//   - ExporterReload: SIGHUP re-reading the targets file.
// The exact counters against the hostile responder are in exporter_counters_it_test.cpp.
//
// Network rule: loopback, and the TestNet namespaces (198.18.0.0/24, 2001:db8::/64; 198.19/16
// routed to a host that drops it), plus 198.18.5.1 and 2001:db8:5::1 on a veth interface inside
// an isolated namespace.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/exporter_it_support.h"
#include "tests/integration/responder_host.h"

namespace bp::it {
namespace {

using std::chrono::milliseconds;

// --- ExporterRefusal: options refused before anything listens ---------------------------------

class ExporterRefusal : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    host_.emplace();
  }

  // `ping ARGS 127.0.0.1` in the isolated namespace: refused with exit 2 and one line on
  // stderr (better_ping: its usage follows), nothing on stdout, nothing listening afterwards.
  // -c 1 ends a wrongly accepted run.
  RunResult expect_refused(std::vector<std::string> args, bool better_ping = false) {
    args.insert(args.end(), {"-c", "1", "127.0.0.1"});
    Launch launch;
    launch.netns = host_->ns().name();
    launch.timeout = milliseconds(5000);
    const RunResult r = run(better_ping ? better_ping_command(args) : ping_command(args), launch);
    EXPECT_EQ(r.exit_code, 2) << r;
    if (better_ping) {
      // An unknown option: the line, then the usage, as for any other.
      EXPECT_TRUE(r.err.starts_with("better_ping: unrecognized option '--metrics-listen'")) << r;
    } else {
      EXPECT_EQ(r.err_lines().size(), 1u) << r;
      EXPECT_TRUE(r.err.starts_with("ping: ")) << r;
    }
    EXPECT_EQ(r.out, "") << r;
    EXPECT_EQ(listening_sockets(host_->ns()), "");
    return r;
  }

  std::optional<IsolatedHost> host_;
};

TEST_F(ExporterRefusal, NonLoopbackAddressNeedsAllowRemote) {
  // Both addresses are this namespace's own, so only the rule can refuse them, not bind().
  for (const std::string& listen : {std::string(IsolatedHost::kAddressV4) + ":9999",
                                   "[" + std::string(IsolatedHost::kAddressV6) + "]:9999"}) {
    SCOPED_TRACE(listen);
    const RunResult r = expect_refused({"--metrics-listen", listen});
    EXPECT_NE(r.err.find("--metrics-allow-remote"), std::string::npos)
        << "the refusal says how to allow it\n" << r;
  }
}

TEST_F(ExporterRefusal, MalformedListenAddresses) {
  for (const char* listen : {"127.0.0.1", "127.0.0.1:70000", "127.0.0.1:", "127.0.0.1:http",
                             "localhost:9374", "[::1]", "::1:9374", "[::1:9374", "", ":9374",
                             "127.1:9374"}) {
    SCOPED_TRACE(std::string("--metrics-listen '") + listen + "'");
    expect_refused({"--metrics-listen", listen});
  }
}

TEST_F(ExporterRefusal, PortAlreadyBound) {
  bp::UniqueFd taken = socket_in_namespace(host_->ns().name(), AF_INET, SOCK_STREAM);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(taken.get(), reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(::listen(taken.get(), 1), 0);
  ASSERT_EQ(::getsockname(taken.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string port = std::to_string(ntohs(address.sin_port));
  Launch launch;
  launch.netns = host_->ns().name();
  launch.timeout = milliseconds(5000);
  const RunResult r =
      run(ping_command({"--metrics-listen", "127.0.0.1:" + port, "-c", "1", "127.0.0.1"}), launch);
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.err_lines().size(), 1u) << r;
  EXPECT_EQ(r.out, "") << r;
}

TEST_F(ExporterRefusal, BadNamesBucketsAndWaitForever) {
  expect_refused({"--metrics-listen", "127.0.0.1:0", "--metrics-names", "nonsense"});
  expect_refused({"--metrics-listen", "127.0.0.1:0", "--metrics-buckets", "0.1,0.05"});
  expect_refused({"--metrics-listen", "127.0.0.1:0", "-W", "0"});
}

TEST_F(ExporterRefusal, BetterPingHasNoExporter) {
  expect_refused({"--metrics-listen", "127.0.0.1:0"}, /*better_ping=*/true);
}

// --- ExporterIt: what it serves, how it lives, SIGHUP --------------------------------------

// The TestNet pair; the host's kernel answers, on 198.18.0.2 and on the extra addresses that
// a test adds to its lo.
class ExporterIt : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    net_.emplace();
  }
  const std::string& client() const { return net_->client().name(); }
  void add_host_address(const std::string& address) const {
    run_checked({"ip", "addr", "add", address + "/32", "dev", "lo"}, net_->host().name());
  }

  std::optional<TestNet> net_;
};

TEST_F(ExporterIt, ServesPrometheusTextWithEverySeriesFromTheStart) {
  Exporter exporter(client(), {"-q", "-i", "0.1", TestNet::kHostV4});
  const auto response = exporter.request(HttpRequest{});
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), kPrometheusType);
  const Exposition e(response->body);
  EXPECT_TRUE(e.malformed_lines().empty()) << response->body;
  expect_every_series(e, TestNet::kHostV4);
  EXPECT_NE(response->body.find("# TYPE better_ping_requests_total counter"), std::string::npos);
  EXPECT_NE(response->body.find("# TYPE better_ping_rtt_seconds histogram"), std::string::npos);
  EXPECT_EQ(response->body.find("# EOF"), std::string::npos) << "no EOF in the 0.0.4 format";
  ASSERT_EQ(e.find_all("better_ping_build_info").size(), 1u);
  EXPECT_EQ(e.find_all("better_ping_build_info").front()->value, 1.0);
  EXPECT_FALSE(e.find_all("better_ping_build_info").front()->labels.at("version").empty());
  EXPECT_EQ(value_of(e, "better_ping_targets", {}), 1.0);
  EXPECT_EQ(value_of(e, "better_ping_send_errors_total", {}), 0.0);
  EXPECT_GE(value_of(e, "better_ping_scrape_errors_total", {}), 0.0);
  // Replies come, with their TTL; -q keeps stdout empty while it runs.
  const auto answered = exporter.scrape_until(
      [](const Exposition& x) { return counter(x, TestNet::kHostV4, "replies_total") >= 3; },
      milliseconds(5000));
  ASSERT_TRUE(answered) << exporter.process().err_so_far();
  EXPECT_EQ(counter(*answered, TestNet::kHostV4, "reply_ttl"), 64.0);
  expect_histogram_consistent(*answered, "better_ping_rtt_seconds", target_labels(TestNet::kHostV4));
  EXPECT_EQ(exporter.process().out_so_far(), "");
  EXPECT_EQ(line_count(exporter.process().err_so_far()), 1u) << exporter.process().err_so_far();
  const RunResult r = exporter.stop();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("--- " + std::string(TestNet::kHostV4) + " ping statistics ---"),
            std::string::npos)
      << "the summary at the end\n" << r;
}

TEST_F(ExporterIt, FirstScrapeAfterTheLineIsServed) {
  // A scraper may start as soon as the line says where: /metrics must answer 200 from then on,
  // not 503. Many targets (198.19.0.0/16, routed to the host, which drops them: it does not
  // forward) make the setup after binding long enough to show the race; one bucket keeps the
  // scrape small.
  run_checked({"ip", "route", "add", "198.19.0.0/16", "via", TestNet::kHostV4}, client());
  std::string hosts;
  for (int i = 0; i < 5000; ++i) {
    hosts += "198.19." + std::to_string(1 + i / 250) + "." + std::to_string(1 + i % 250) + "\n";
  }
  const TargetsFile file(hosts);
  for (int attempt = 0; attempt < 3; ++attempt) {
    Launch launch;
    launch.netns = client();
    launch.timeout = milliseconds(20000);
    Process p = Process::start(
        ping_command({"-q", "-i", "10", "-W", "1", "--metrics-buckets", "0.001", "--metrics-listen",
                      "127.0.0.1:0", "--targets", file.path()}),
        launch);
    ASSERT_TRUE(p.wait_for_stderr([](const std::string& err) { return listening_at(err).has_value(); },
                                  milliseconds(5000)))
        << p.err_so_far();
    const auto at = listening_at(p.err_so_far());
    const auto response = http_exchange({client(), at->first, at->second}, HttpRequest{}, kHttpTimeout);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << "attempt " << attempt << ": " << response->body;
    p.send_signal(SIGTERM);
    EXPECT_EQ(p.finish().exit_code, 0);
  }
}

TEST_F(ExporterIt, OpenMetricsWhenTheScraperAsksForIt) {
  Exporter exporter(client(), {"-q", "-i", "0.1", TestNet::kHostV4});
  HttpRequest request;
  request.headers = {{"Accept", kOpenMetricsAccept}};
  const auto response = exporter.request(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->header("content-type"), kOpenMetricsType);
  EXPECT_TRUE(response->body.ends_with("\n# EOF\n")) << response->body;
  const Exposition e(response->body);
  EXPECT_TRUE(e.malformed_lines().empty()) << response->body;
  EXPECT_GE(counter(e, TestNet::kHostV4, "requests_total"), 0.0);
  expect_histogram_consistent(e, "better_ping_rtt_seconds", target_labels(TestNet::kHostV4));
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterIt, HeadRootUnknownPathsAndOtherMethods) {
  Exporter exporter(client(), {"-q", "-i", "0.1", TestNet::kHostV4});
  HttpRequest head;
  head.method = "HEAD";
  const auto head_response = exporter.request(head);
  ASSERT_TRUE(head_response);
  EXPECT_EQ(head_response->status, 200);
  EXPECT_EQ(head_response->header("content-type"), kPrometheusType);
  EXPECT_EQ(head_response->body, "");

  HttpRequest root;
  root.target = "/";
  const auto root_response = exporter.request(root);
  ASSERT_TRUE(root_response);
  EXPECT_EQ(root_response->status, 200);
  EXPECT_FALSE(root_response->body.empty());

  for (const char* path : {"/nope", "/metrics/", "/metricsx", "/metrics/../etc/passwd"}) {
    HttpRequest other;
    other.target = path;
    const auto response = exporter.request(other);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
  }
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    HttpRequest other;
    other.method = method;
    other.body = method == std::string("DELETE") ? "" : "x=1";
    const auto response = exporter.request(other);
    ASSERT_TRUE(response) << method;
    EXPECT_EQ(response->status, 405) << method;
  }
  // Still serving, still probing.
  EXPECT_GE(counter(exporter.scrape(), TestNet::kHostV4, "requests_total"), 1.0);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterIt, ListensOnIpv6Loopback) {
  Exporter exporter(client(), {"-q", "-i", "0.1", TestNet::kHostV6}, "[::1]:0");
  EXPECT_EQ(exporter.endpoint().address, "::1");
  EXPECT_NE(exporter.process().err_so_far().find("ping: metrics at http://[::1]:"),
            std::string::npos);
  const auto e = exporter.scrape_until(
      [](const Exposition& x) { return counter(x, TestNet::kHostV6, "replies_total") >= 1; },
      milliseconds(5000));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->find_all("better_ping_requests_total", {{"family", "ipv6"}}).size(), 1u);
  // IPv6 only: nothing on IPv4's loopback.
  EXPECT_FALSE(tcp_accepts({client(), "127.0.0.1", exporter.endpoint().port}, milliseconds(1000)));
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterIt, PortZeroTakesAFreePortAndTheLineGivesIt) {
  Exporter first(client(), {"-q", "-i", "0.2", TestNet::kHostV4});
  Exporter second(client(), {"-q", "-i", "0.2", TestNet::kHostV4});
  EXPECT_NE(first.endpoint().port, 0);
  EXPECT_NE(first.endpoint().port, second.endpoint().port);
  EXPECT_GE(value_of(second.scrape(), "better_ping_targets", {}), 1.0);
  EXPECT_EQ(first.stop().exit_code, 0);
  EXPECT_EQ(second.stop().exit_code, 0);
}

TEST_F(ExporterIt, RemoteAddressOfThisHostWhenAllowed) {
  net_.reset();
  const IsolatedHost host;
  for (const char* text : {IsolatedHost::kAddressV4, IsolatedHost::kAddressV6}) {
    const std::string address(text);
    SCOPED_TRACE(address);
    const std::string listen = is_v6(address) ? "[" + address + "]:0" : address + ":0";
    Exporter exporter(host.ns().name(), {"-q", "-i", "0.2", "--metrics-allow-remote", "127.0.0.1"},
                      listen);
    EXPECT_EQ(exporter.endpoint().address, address);
    const Exposition e = exporter.scrape();
    EXPECT_GE(counter(e, "127.0.0.1", "requests_total"), 0.0);
    // Only where it was told: not on loopback.
    EXPECT_FALSE(tcp_accepts({host.ns().name(), "127.0.0.1", exporter.endpoint().port},
                             milliseconds(1000)));
    EXPECT_EQ(exporter.stop().exit_code, 0);
  }
}

TEST_F(ExporterIt, SmokepingNamesAndLabels) {
  Exporter exporter(client(), {"-q", "-i", "0.1", "--metrics-names", "smokeping", TestNet::kHostV4});
  const Labels labels{{"host", TestNet::kHostV4}, {"ip", TestNet::kHostV4}};
  const auto e = exporter.scrape_until(
      [&](const Exposition& x) {
        return value_of(x, "smokeping_response_duration_seconds_count", labels) >= 2;
      },
      milliseconds(5000));
  ASSERT_TRUE(e) << exporter.process().err_so_far();
  EXPECT_GE(value_of(*e, "smokeping_requests_total", labels), 2.0);
  EXPECT_EQ(value_of(*e, "smokeping_response_duplicates_total", labels), 0.0);
  EXPECT_EQ(value_of(*e, "smokeping_response_ttl", labels), 64.0);
  expect_histogram_consistent(*e, "smokeping_response_duration_seconds", labels);
  for (const Sample& s : e->samples()) {
    EXPECT_EQ(s.labels.count("target"), 0u) << sample_key(s);
  }
  EXPECT_FALSE(e->has("better_ping_requests_total"));
  EXPECT_EQ(value_of(*e, "better_ping_targets", {}), 1.0);
  EXPECT_EQ(e->find_all("better_ping_build_info").size(), 1u);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterIt, BucketListIsTheHistogramsBounds) {
  Exporter exporter(client(), {"-q", "-i", "0.1", "--metrics-buckets", "0.5,2,5", TestNet::kHostV4});
  const auto e = exporter.scrape_until(
      [](const Exposition& x) { return counter(x, TestNet::kHostV4, "replies_total") >= 2; },
      milliseconds(5000));
  ASSERT_TRUE(e);
  const Labels labels = target_labels(TestNet::kHostV4);
  std::vector<double> bounds;
  for (const Sample* s : e->find_all("better_ping_rtt_seconds_bucket", labels)) {
    bounds.push_back(le_value(s->labels.at("le")));
  }
  std::sort(bounds.begin(), bounds.end());
  ASSERT_EQ(bounds.size(), 4u);
  EXPECT_EQ(bounds[0], 0.5);
  EXPECT_EQ(bounds[1], 2.0);
  EXPECT_EQ(bounds[2], 5.0);
  EXPECT_TRUE(std::isinf(bounds[3]));
  // A veth round trip takes microseconds: every RTT is in the first bucket.
  EXPECT_EQ(bucket(*e, "better_ping_rtt_seconds", labels, 0.5),
            value_of(*e, "better_ping_rtt_seconds_count", labels));
  EXPECT_GE(bucket(*e, "better_ping_rtt_seconds", labels, 0.5), 2.0);
  expect_histogram_consistent(*e, "better_ping_rtt_seconds", labels);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterIt, RepliesOnStdoutWithoutQuiet) {
  Exporter exporter(client(), {"-i", "0.1", TestNet::kHostV4});
  EXPECT_TRUE(exporter.process().wait_for_lines(
      std::regex(R"(64 bytes from 198\.18\.0\.2: icmp_seq=\d+ ttl=64 time=.*)"), 2,
      milliseconds(5000)))
      << exporter.process().out_so_far();
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterIt, SilenceIsMeasuredNotAReasonToStop) {
  net_->host_drops_echo_requests();
  Exporter exporter(client(), {"-q", "-i", "0.1", "-W", "0.3", TestNet::kHostV4});
  // Well past -W with nothing answered, it still runs; meanwhile no scrape is ever smaller
  // than the one before.
  std::optional<Exposition> previous;
  for (int i = 0; i < 15; ++i) {
    Exposition e = exporter.scrape();
    if (previous) expect_never_decrease(*previous, e);
    previous.emplace(std::move(e));
    exporter.process().keep_reading(milliseconds(100));
  }
  ASSERT_FALSE(exporter.process().has_exited()) << exporter.process().err_so_far();
  const Exposition& e = *previous;
  const double requests = counter(e, TestNet::kHostV4, "requests_total");
  const double timeouts = counter(e, TestNet::kHostV4, "timeouts_total");
  EXPECT_GE(requests, 10.0);
  EXPECT_EQ(counter(e, TestNet::kHostV4, "replies_total"), 0.0);
  EXPECT_EQ(value_of(e, "better_ping_rtt_seconds_count", target_labels(TestNet::kHostV4)), 0.0);
  EXPECT_FALSE(e.has("better_ping_reply_ttl")) << "no TTL sample before a reply";
  // Every probe but those still within -W (0.3 s at 0.1 s: about 3, a few more when late).
  EXPECT_LE(timeouts, requests);
  EXPECT_GE(timeouts, requests - 6) << "requests " << requests;
  const RunResult r = exporter.stop();
  EXPECT_EQ(r.exit_code, 0) << "a stop signal ends it with 0 whatever the replies\n" << r;
  EXPECT_NE(r.out.find("100% packet loss"), std::string::npos) << r;
}

TEST_F(ExporterIt, SigintAlsoEndsItWithZero) {
  Exporter exporter(client(), {"-q", "-i", "0.1", TestNet::kHostV4});
  exporter.scrape();
  exporter.process().send_signal(SIGINT);
  const RunResult r = exporter.process().finish();
  EXPECT_EQ(r.exit_code, 0) << r;
}

TEST_F(ExporterIt, CountAndDeadlineStillEndTheRun) {
  Exporter counted(client(), {"-q", "-i", "0.1", "-c", "3", TestNet::kHostV4});
  const RunResult c = counted.process().finish();
  EXPECT_EQ(c.exit_code, 0) << c;
  EXPECT_NE(c.out.find("3 packets transmitted, 3 received"), std::string::npos) << c;
  Exporter deadline(client(), {"-q", "-i", "0.1", "-w", "1", TestNet::kHostV4});
  const RunResult d = deadline.process().finish();
  EXPECT_EQ(d.exit_code, 0) << d;
  EXPECT_LT(d.elapsed, milliseconds(5000)) << d;
}

// --- SIGHUP ------------------------------------------------------------------------------------

class ExporterReload : public ExporterIt {
 protected:
  static constexpr const char* kA = "198.18.0.2";
  static constexpr const char* kB = "198.18.0.3";
  static constexpr const char* kC = "198.18.0.4";
  static constexpr const char* kD = "198.18.0.5";

  void SetUp() override {
    ExporterIt::SetUp();
    if (IsSkipped()) return;
    for (const char* address : {kB, kC, kD}) add_host_address(address);
  }

  static bool present(const Exposition& e, const std::string& address) {
    return counter(e, address, "requests_total") >= 0;
  }
};

TEST_F(ExporterReload, KeepsUnchangedTargetsDropsRemovedAddsNew) {
  TargetsFile file(std::string(kA) + "\n" + kB + "\n" + kC + "\n");
  Exporter exporter(client(), {"-q", "-i", "0.1", "-W", "0.5", "--targets", file.path()});
  const auto before = exporter.scrape_until(
      [](const Exposition& x) {
        for (const char* t : {kA, kB, kC}) {
          if (counter(x, t, "replies_total") < 5) return false;
        }
        return true;
      },
      milliseconds(5000));
  ASSERT_TRUE(before) << exporter.process().err_so_far();
  EXPECT_EQ(value_of(*before, "better_ping_targets", {}), 3.0);

  file.write(std::string(kB) + "\n" + kC + "\n" + kD + "\n");
  exporter.process().send_signal(SIGHUP);
  const auto after = exporter.scrape_until(
      [](const Exposition& x) { return !present(x, kA) && present(x, kD); }, milliseconds(5000));
  ASSERT_TRUE(after) << "the reload never showed\n" << exporter.process().err_so_far();
  EXPECT_EQ(value_of(*after, "better_ping_targets", {}), 3.0);
  EXPECT_TRUE(after->find_all("better_ping_replies_total", {{"target", kA}}).empty());
  for (const char* kept : {kB, kC}) {
    for (const char* name : {"requests_total", "replies_total", "rtt_seconds_count"}) {
      EXPECT_GE(counter(*after, kept, name), counter(*before, kept, name))
          << kept << " " << name << ": kept, not reset";
    }
  }
  // A new one starts from 0: at most the few probes since the reload.
  EXPECT_LE(counter(*after, kD, "requests_total"), 10.0);
  EXPECT_LT(counter(*after, kD, "requests_total"), counter(*after, kB, "requests_total"));
  expect_every_series(*after, kD);

  // Probing goes on for all three, D included.
  const auto later = exporter.scrape_until(
      [&](const Exposition& x) {
        return counter(x, kD, "replies_total") >= 3 &&
               counter(x, kB, "replies_total") > counter(*after, kB, "replies_total");
      },
      milliseconds(5000));
  ASSERT_TRUE(later);
  expect_never_decrease(*after, *later);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterReload, BadFileIsReportedAndTheOldListKept) {
  TargetsFile file(std::string(kB) + "\n" + kC + "\n");
  Exporter exporter(client(), {"-q", "-i", "0.1", "-W", "0.5", "--targets", file.path()});
  const auto before = exporter.scrape_until(
      [](const Exposition& x) { return counter(x, kB, "replies_total") >= 3; }, milliseconds(5000));
  ASSERT_TRUE(before);

  file.write(std::string(kB) + "\n" + kC + " junk\n" + kD + "\n");
  exporter.process().send_signal(SIGHUP);
  Process& p = exporter.process();
  EXPECT_TRUE(p.wait_for_stderr([](const std::string& err) { return line_count(err) >= 2; },
                                milliseconds(3000)))
      << p.err_so_far();
  p.keep_reading(milliseconds(500));
  ASSERT_FALSE(p.has_exited()) << p.err_so_far();
  const std::string err = p.err_so_far();
  EXPECT_EQ(line_count(err), 2u) << "one line for the bad file\n" << err;
  const std::string complaint = err.substr(err.find('\n') + 1);  // after the "metrics at" line
  EXPECT_NE(complaint.find(file.path()), std::string::npos) << complaint;
  EXPECT_NE(complaint.find(":2:"), std::string::npos) << "names the line\n" << complaint;

  const auto after = exporter.scrape_until(
      [&](const Exposition& x) {
        return counter(x, kB, "replies_total") > counter(*before, kB, "replies_total") + 2;
      },
      milliseconds(5000));
  ASSERT_TRUE(after) << "probing goes on with the old list";
  EXPECT_TRUE(present(*after, kB));
  EXPECT_TRUE(present(*after, kC));
  EXPECT_FALSE(present(*after, kD));
  EXPECT_EQ(value_of(*after, "better_ping_targets", {}), 2.0);
  expect_never_decrease(*before, *after);

  // A good file afterwards is taken again.
  file.write(std::string(kC) + "\n" + kD + "\n");
  exporter.process().send_signal(SIGHUP);
  const auto fixed = exporter.scrape_until(
      [](const Exposition& x) { return !present(x, kB) && present(x, kD); }, milliseconds(5000));
  ASSERT_TRUE(fixed) << exporter.process().err_so_far();
  EXPECT_GE(counter(*fixed, kC, "requests_total"), counter(*after, kC, "requests_total"));
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterReload, ReloadThatAddsTheOtherFamilyNeverCrashes) {
  // Started with IPv4 targets only; the new list brings an IPv6 one. Whether it is taken or
  // refused (one line, old list kept) the contract leaves open; dying is not an option.
  TargetsFile file(std::string(kA) + "\n");
  Exporter exporter(client(), {"-q", "-i", "0.1", "-W", "0.5", "--targets", file.path()});
  ASSERT_TRUE(exporter.scrape_until(
      [](const Exposition& x) { return counter(x, kA, "replies_total") >= 2; }, milliseconds(5000)));
  file.write(std::string(kA) + "\n" + TestNet::kHostV6 + "\n");
  exporter.process().send_signal(SIGHUP);
  const auto after = exporter.scrape_until(
      [](const Exposition& x) {
        return counter(x, TestNet::kHostV6, "replies_total") >= 2;
      },
      milliseconds(4000));
  if (!after) {
    EXPECT_EQ(line_count(exporter.process().err_so_far()), 2u)
        << "not taken: then one line says why\n" << exporter.process().err_so_far();
  }
  ASSERT_FALSE(exporter.process().has_exited()) << exporter.process().err_so_far();
  EXPECT_GE(counter(exporter.scrape(), kA, "requests_total"), 2.0);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_F(ExporterReload, StopDuringTheReloadWaitEndsAtOnceWithTheSummaries) {
  // kD never answers, so a reload waits up to -W (20 s) for its probe in flight. SIGTERM meanwhile
  // ends the run at once, as any stop does: summaries printed, exit 0.
  net_->host_iptables({"-I", "INPUT", "1", "-d", kD, "-p", "icmp", "--icmp-type", "echo-request",
                       "-j", "DROP"});
  TargetsFile file(std::string(kA) + "\n" + kD + "\n");
  Exporter exporter(client(), {"-q", "-i", "0.1", "-W", "20", "--targets", file.path()});
  ASSERT_TRUE(exporter.scrape_until(
      [](const Exposition& x) { return counter(x, kA, "replies_total") >= 3; }, milliseconds(5000)));
  exporter.process().send_signal(SIGHUP);
  exporter.process().keep_reading(milliseconds(300));
  const auto stopped_at = std::chrono::steady_clock::now();
  const RunResult r = exporter.stop();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_LT(r.exited_at - stopped_at, milliseconds(5000)) << "not held for -W\n" << r;
  EXPECT_NE(r.out.find(std::string("--- ") + kA + " ping statistics ---"), std::string::npos) << r;
  EXPECT_NE(r.out.find(std::string("--- ") + kD + " ping statistics ---"), std::string::npos) << r;
}

TEST_F(ExporterReload, DeadlineIsTheWholeRunsAcrossReloads) {
  // -w 3 with a reload at about 1.5 s: the run still ends at about 3 s, not 1.5 + 3.
  TargetsFile file(std::string(kA) + "\n");
  Exporter exporter(client(), {"-q", "-i", "0.1", "-W", "0.5", "-w", "3", "--targets", file.path()});
  exporter.process().keep_reading(milliseconds(1500));
  file.write(std::string(kA) + "\n" + kB + "\n");
  exporter.process().send_signal(SIGHUP);
  const RunResult r = exporter.process().finish();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_GE(r.elapsed, milliseconds(2500)) << r;
  EXPECT_LT(r.elapsed, milliseconds(4500)) << "the deadline restarted at the reload\n" << r;
  EXPECT_NE(r.err.find("reloaded: 2 targets"), std::string::npos) << r;
}

// --- systemd ---------------------------------------------------------------------------------

TEST_F(ExporterIt, SystemdReadyKeepAlivesReloadAndStopping) {
  // 198.18.0.3 never answers: a reload waits -W (1.5 s) for its probes in flight, and the
  // keep-alives must go on meanwhile (WatchdogSec=1s: one every 0.5 s).
  add_host_address(HostileHost::kSecondHostV4);
  net_->host_iptables({"-I", "INPUT", "1", "-d", HostileHost::kSecondHostV4, "-p", "icmp",
                       "--icmp-type", "echo-request", "-j", "DROP"});
  TargetsFile file(std::string(TestNet::kHostV4) + "\n" + HostileHost::kSecondHostV4 + "\n");
  NotifySocket manager;
  const std::string script = "NOTIFY_SOCKET=" + manager.path() +
                             " WATCHDOG_USEC=1000000 WATCHDOG_PID=$$ exec '" + ping_binary() +
                             "' -q -i 0.1 -W 1.5 --metrics-listen 127.0.0.1:0 --targets " +
                             file.path();
  Launch launch;
  launch.netns = client();
  launch.timeout = milliseconds(30000);
  Process p = Process::start({"sh", "-c", script}, launch);

  ASSERT_TRUE(manager.collect(milliseconds(5000), "READY=1")) << manager;
  EXPECT_TRUE(manager.messages().front().has("READY=1")) << "READY first\n" << manager;
  ASSERT_TRUE(p.wait_for_stderr([](const std::string& e) { return listening_at(e).has_value(); },
                                milliseconds(2000)));
  const auto at = listening_at(p.err_so_far());
  const auto response = http_exchange({client(), at->first, at->second}, HttpRequest{}, kHttpTimeout);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << "READY=1 means /metrics is served";

  manager.collect(milliseconds(1200));
  file.write(std::string(TestNet::kHostV4) + "\n");
  p.send_signal(SIGHUP);
  const std::size_t before_reload = manager.messages().size();
  ASSERT_TRUE(manager.collect(milliseconds(5000), "READY=1")) << manager;
  bool reloading = false;
  for (std::size_t i = before_reload; i < manager.messages().size(); ++i) {
    reloading = reloading || manager.messages()[i].has("RELOADING=1");
  }
  EXPECT_TRUE(reloading) << "RELOADING=1 before READY=1\n" << manager;
  manager.collect(milliseconds(600));

  std::size_t keepalives = 0;
  for (const auto& m : manager.messages()) keepalives += m.has("WATCHDOG=1") ? 1 : 0;
  EXPECT_GE(keepalives, 4u) << manager;
  EXPECT_LT(manager.longest_keepalive_gap(), milliseconds(1000))
      << "systemd would have killed it (WatchdogSec=1s)\n" << manager;

  p.send_signal(SIGTERM);
  EXPECT_TRUE(manager.collect(milliseconds(3000), "STOPPING=1")) << manager;
  const RunResult r = p.finish();
  EXPECT_EQ(r.exit_code, 0) << r;
}

}  // namespace
}  // namespace bp::it
