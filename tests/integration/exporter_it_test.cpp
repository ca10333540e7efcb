// The Prometheus exporter (issue 14: ping --metrics-listen) through HTTP, against the real
// kernel in network namespaces:
//   - ExporterRefusal: options it refuses (exit 2, one line on stderr, nothing left listening);
//   - ExporterIt: what it serves (status codes, content types, OpenMetrics, IPv6, a remote
//     address when allowed, smokeping_prober's names, bucket lists), its life (silence is
//     measured, not a reason to stop; SIGTERM ends it with 0; -q) and SIGHUP reloads;
//   - ExporterCounters: exact counters per target against the hostile responder, over IPv4
//     and IPv6: what the responder was told to do is what /metrics shows.
//
// Exactness without racing the probe loop: the counter runs have -c N and a second target
// (the host's other address) whose requests the host's firewall drops. After its N probes
// the exporter waits -W for that target's last one, so for those seconds the first target's
// figures are final; the test scrapes then, checks they stay put, and stops it with SIGTERM.
//
// Network rule: loopback, and the TestNet namespaces (198.18.0.0/24, 2001:db8::/64), plus
// 198.18.5.1 and 2001:db8:5::1 on a veth interface inside an isolated namespace.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/integration/exposition_reader.h"
#include "tests/integration/harness.h"
#include "tests/integration/http_client.h"
#include "tests/integration/responder_host.h"

namespace bp::it {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kOpenMetricsType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
constexpr const char* kOpenMetricsAccept =
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
constexpr milliseconds kHttpTimeout{3000};

// The kind label values of better_ping_icmp_errors_total (ping/metrics/icmp_error_kind.h).
const std::vector<std::string> kIcmpKinds = {"unreachable", "time_exceeded", "parameter_problem",
                                             "redirect",    "source_quench", "packet_too_big",
                                             "other"};

// --- the exporter process --------------------------------------------------------------------

// "ping: metrics at http://127.0.0.1:PORT/metrics" (or "[::1]"): the address and the port.
std::optional<std::pair<std::string, std::uint16_t>> listening_at(const std::string& err) {
  static const std::regex line(R"(ping: metrics at http://(\[[0-9a-fA-F:]+\]|[0-9.]+):(\d+)/metrics\n)");
  std::smatch m;
  if (!std::regex_search(err, m, line)) return std::nullopt;
  std::string address = m[1];
  if (address.front() == '[') address = address.substr(1, address.size() - 2);
  return std::make_pair(address, static_cast<std::uint16_t>(std::stoul(m[2])));
}

// `ping ARGS --metrics-listen LISTEN` in a namespace, once it says where it listens.
class Exporter {
 public:
  Exporter(const std::string& netns, std::vector<std::string> args,
           const std::string& listen = "127.0.0.1:0", milliseconds timeout = milliseconds(30000)) {
    args.insert(args.begin(), {"--metrics-listen", listen});
    Launch launch;
    launch.netns = netns;
    launch.timeout = timeout;
    process_.emplace(Process::start(ping_command(std::move(args)), launch));
    process_->wait_for_stderr([](const std::string& err) { return listening_at(err).has_value(); },
                              milliseconds(5000));
    const auto at = listening_at(process_->err_so_far());
    if (!at) {
      process_->send_signal(SIGKILL);
      const RunResult r = process_->finish();
      throw std::runtime_error("the exporter did not say where it listens:\n" +
                               testing::PrintToString(r));
    }
    endpoint_ = HttpEndpoint{netns, at->first, at->second};
    // A 503 right after the line is a bug of its own (FirstScrapeAfterTheLineIsServed); the
    // other tests start once it is over.
    for (int i = 0; i < 40 && first_status() == 503; ++i) process_->keep_reading(milliseconds(50));
  }

  // The status of a GET /metrics, 0 if none came.
  int first_status() {
    const auto response = request(HttpRequest{});
    return response ? response->status : 0;
  }

  const HttpEndpoint& endpoint() const { return endpoint_; }
  Process& process() { return *process_; }

  std::optional<HttpResponse> request(const HttpRequest& request, std::string* error = nullptr) {
    return http_exchange(endpoint_, request, kHttpTimeout, error);
  }

  // GET /metrics in the Prometheus text format; a test failure (and an empty exposition) if
  // the answer is not a 200.
  Exposition scrape() {
    std::string error;
    const auto response = request(HttpRequest{}, &error);
    EXPECT_TRUE(response) << error << "\nstderr: " << process_->err_so_far();
    if (!response) return Exposition("");
    EXPECT_EQ(response->status, 200) << response->body;
    Exposition exposition(response->body);
    EXPECT_TRUE(exposition.malformed_lines().empty())
        << "first malformed line: " << exposition.malformed_lines().front();
    return exposition;
  }

  // Scrapes every 50 ms until `done` holds on a scrape (returned), the process ends or
  // `timeout` passes (nullopt).
  std::optional<Exposition> scrape_until(const std::function<bool(const Exposition&)>& done,
                                         milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (Clock::now() < until && !process_->has_exited()) {
      Exposition e = scrape();
      if (done(e)) return e;
      process_->keep_reading(milliseconds(50));
    }
    return std::nullopt;
  }

  // SIGTERM, then its exit.
  RunResult stop() {
    process_->send_signal(SIGTERM);
    return process_->finish();
  }

 private:
  std::optional<Process> process_;
  HttpEndpoint endpoint_;
};

// --- reading the samples of one target -------------------------------------------------------

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool is_v6(const std::string& address) { return address.find(':') != std::string::npos; }

Labels target_labels(const std::string& address) {
  return {{"target", address}, {"address", address}, {"family", is_v6(address) ? "ipv6" : "ipv4"}};
}

// The value of one sample, -1 if there is none (or several): a missing series fails any
// equality with a count.
double value_of(const Exposition& e, const std::string& name, const Labels& labels) {
  return e.value(name, labels).value_or(-1);
}

double counter(const Exposition& e, const std::string& address, const std::string& name,
               const Labels& extra = {}) {
  Labels labels = target_labels(address);
  labels.insert(extra.begin(), extra.end());
  return value_of(e, "better_ping_" + name, labels);
}

// The bucket with upper bound `le` (within rounding), -1 if there is none.
double bucket(const Exposition& e, const std::string& family, const Labels& labels, double le) {
  for (const Sample* s : e.find_all(family + "_bucket", labels)) {
    const auto it = s->labels.find("le");
    if (it != s->labels.end() && std::fabs(le_value(it->second) - le) <= le * 1e-9) return s->value;
  }
  return -1;
}

// A histogram's buckets are cumulative, end with +Inf and +Inf equals _count.
void expect_histogram_consistent(const Exposition& e, const std::string& family,
                                 const Labels& labels) {
  std::vector<std::pair<double, double>> buckets;
  for (const Sample* s : e.find_all(family + "_bucket", labels)) {
    buckets.emplace_back(le_value(s->labels.at("le")), s->value);
  }
  ASSERT_FALSE(buckets.empty()) << family;
  std::sort(buckets.begin(), buckets.end());
  EXPECT_TRUE(std::isinf(buckets.back().first)) << family << ": no +Inf bucket";
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_LE(buckets[i - 1].second, buckets[i].second)
        << family << " not cumulative at le=" << buckets[i].first;
  }
  EXPECT_EQ(buckets.back().second, value_of(e, family + "_count", labels)) << family;
  EXPECT_GE(value_of(e, family + "_sum", labels), 0.0) << family;
}

// Every series of a target is there from the start: each counter, each reason and kind, the
// whole histogram.
void expect_every_series(const Exposition& e, const std::string& address) {
  for (const char* name : {"requests_total", "replies_total", "duplicates_total", "timeouts_total",
                           "rtt_seconds_count", "rtt_seconds_sum"}) {
    EXPECT_GE(counter(e, address, name), 0.0) << name << " of " << address;
  }
  for (const char* reason : {"checksum", "payload"}) {
    EXPECT_GE(counter(e, address, "corrupt_total", {{"reason", reason}}), 0.0) << reason;
  }
  for (const std::string& kind : kIcmpKinds) {
    EXPECT_GE(counter(e, address, "icmp_errors_total", {{"kind", kind}}), 0.0) << kind;
  }
  EXPECT_EQ(e.find_all("better_ping_rtt_seconds_bucket", target_labels(address)).size(), 19u)
      << "18 default bounds (25 us .. 10 s, 1-2.5-5) and +Inf";
}

// A key for a sample: its name and labels, as text.
std::string sample_key(const Sample& s) {
  std::string key = s.name;
  for (const auto& [k, v] : s.labels) key += "|" + k + "=" + v;
  return key;
}

bool is_counter_like(const std::string& name) {
  for (const char* suffix : {"_total", "_bucket", "_count", "_sum"}) {
    if (name.ends_with(suffix)) return true;
  }
  return false;
}

// No counter, bucket, _count or _sum of `before` is smaller, or missing, in `after`.
void expect_never_decrease(const Exposition& before, const Exposition& after) {
  std::map<std::string, double> later;
  for (const Sample& s : after.samples()) later[sample_key(s)] = s.value;
  for (const Sample& s : before.samples()) {
    if (!is_counter_like(s.name)) continue;
    const auto it = later.find(sample_key(s));
    ASSERT_NE(it, later.end()) << sample_key(s) << " disappeared";
    EXPECT_GE(it->second, s.value) << sample_key(s) << " went down";
  }
}

// --- files and namespaces --------------------------------------------------------------------

// A targets file under /tmp, rewritten atomically (rename) and removed on destruction.
class TargetsFile {
 public:
  explicit TargetsFile(const std::string& text) {
    std::string pattern = "/tmp/bp-it-exporter-targets-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    path_ = pattern;
    write(text);
  }
  TargetsFile(const TargetsFile&) = delete;
  TargetsFile& operator=(const TargetsFile&) = delete;
  ~TargetsFile() { std::filesystem::remove(path_); }

  void write(const std::string& text) const {
    const std::string next = path_ + ".next";
    std::ofstream(next, std::ios::binary | std::ios::trunc) << text;
    std::filesystem::rename(next, path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The TCP sockets listening in `netns` (ss, one line each).
std::string listening_sockets(const NetNamespace& ns) {
  Launch launch;
  launch.netns = ns.name();
  return run({"ss", "-Hltn"}, launch).out;
}

// A namespace with nothing but lo and, on a veth interface, 198.18.5.1 and 2001:db8:5::1:
// addresses of "this host" that are not loopback, and from which nothing is routed anywhere.
class IsolatedHost {
 public:
  static constexpr const char* kAddressV4 = "198.18.5.1";
  static constexpr const char* kAddressV6 = "2001:db8:5::1";

  IsolatedHost() : ns_("bpi") {
    // A veth pair with both ends here (the dummy driver may not be loadable in a container).
    const std::string& ns = ns_.name();
    run_checked({"ip", "link", "add", "bpv0", "type", "veth", "peer", "name", "bpv1"}, ns);
    run_checked({"ip", "addr", "add", std::string(kAddressV4) + "/24", "dev", "bpv0"}, ns);
    run_checked({"ip", "addr", "add", std::string(kAddressV6) + "/64", "dev", "bpv0", "nodad"}, ns);
    for (const char* link : {"bpv0", "bpv1"}) run_checked({"ip", "link", "set", link, "up"}, ns);
  }
  const NetNamespace& ns() const { return ns_; }

 private:
  NetNamespace ns_;
};

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
  ASSERT_EQ(line_count(err), 2u) << "one line for the bad file\n" << err;
  const std::string complaint = err.substr(err.find('\n') + 1);
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

// --- systemd ----------------------------------------------------------------------------------

// A datagram socket standing in for systemd's $NOTIFY_SOCKET (a path: an abstract address would
// belong to the test's network namespace only).
class NotifySocket {
 public:
  struct Message {
    std::string text;
    Clock::time_point at;
    bool has(const std::string& line) const {
      return ("\n" + text + "\n").find("\n" + line + "\n") != std::string::npos;
    }
  };

  NotifySocket() : path_("/tmp/bp-it-exporter-notify-" + std::to_string(::getpid()) + ".sock") {
    ::unlink(path_.c_str());
    fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof address.sun_path - 1);
    if (!fd_ || ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot bind " + path_);
    }
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

  // Collects messages for `duration`, or until one has the line `until_line`; whether it came.
  bool collect(milliseconds duration, const std::string& until_line = {}) {
    const auto until = Clock::now() + duration;
    while (Clock::now() < until) {
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, 20) != 1) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      messages_.push_back({std::string(buffer, static_cast<std::size_t>(n)), Clock::now()});
      if (!until_line.empty() && messages_.back().has(until_line)) return true;
    }
    return until_line.empty();
  }
  const std::vector<Message>& messages() const { return messages_; }

  // The longest time between two keep-alives (WATCHDOG=1) so far.
  milliseconds longest_keepalive_gap() const {
    std::optional<Clock::time_point> last;
    milliseconds longest{0};
    for (const Message& m : messages_) {
      if (!m.has("WATCHDOG=1")) continue;
      if (last) longest = std::max(longest, std::chrono::duration_cast<milliseconds>(m.at - *last));
      last = m.at;
    }
    return longest;
  }

 private:
  std::string path_;
  bp::UniqueFd fd_;
  std::vector<Message> messages_;
};

std::ostream& operator<<(std::ostream& os, const NotifySocket& s) {
  for (const auto& m : s.messages()) os << "[" << m.text << "] ";
  return os;
}

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

// --- ExporterCounters: exact figures against the hostile responder ------------------------------

struct FamilyCase {
  const char* name;
  const char* host;    // the target under test
  const char* silent;  // the second target, whose requests the host drops
  bool ipv6;
};

const FamilyCase kIpv4{"Ipv4", TestNet::kHostV4, HostileHost::kSecondHostV4, false};
const FamilyCase kIpv6{"Ipv6", TestNet::kHostV6, HostileHost::kSecondHostV6, true};

void PrintTo(const FamilyCase& f, std::ostream* os) { *os << f.name; }
std::string family_name(const ::testing::TestParamInfo<FamilyCase>& info) { return info.param.name; }

// A target's figures in one scrape (-1: no such sample).
struct Figures {
  double requests, replies, duplicates, checksum, payload, timeouts, rtt_count;
  std::map<std::string, double> icmp_errors;

  static Figures of(const Exposition& e, const std::string& address) {
    Figures f{counter(e, address, "requests_total"),
              counter(e, address, "replies_total"),
              counter(e, address, "duplicates_total"),
              counter(e, address, "corrupt_total", {{"reason", "checksum"}}),
              counter(e, address, "corrupt_total", {{"reason", "payload"}}),
              counter(e, address, "timeouts_total"),
              counter(e, address, "rtt_seconds_count"),
              {}};
    for (const std::string& kind : kIcmpKinds) {
      f.icmp_errors[kind] = counter(e, address, "icmp_errors_total", {{"kind", kind}});
    }
    return f;
  }
  friend bool operator==(const Figures&, const Figures&) = default;
};

std::ostream& operator<<(std::ostream& os, const Figures& f) {
  os << "requests " << f.requests << ", replies " << f.replies << ", duplicates " << f.duplicates
     << ", corrupt checksum " << f.checksum << " payload " << f.payload << ", timeouts "
     << f.timeouts << ", rtt count " << f.rtt_count << ", icmp errors";
  for (const auto& [kind, n] : f.icmp_errors) os << " " << kind << "=" << n;
  return os;
}

// What a target's figures should be: every counter 0 but those given.
Figures expected(double requests, double replies) {
  Figures f{requests, replies, 0, 0, 0, 0, replies, {}};
  for (const std::string& kind : kIcmpKinds) f.icmp_errors[kind] = 0;
  return f;
}

class ExporterCounters : public ::testing::TestWithParam<FamilyCase> {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    host_.emplace();
    // The second target is silent: its requests never reach the responder (nor count in its
    // --every), and its probes keep each run going for -W after the last one is sent.
    const TestNet& net = host_->net();
    if (family().ipv6) {
      net.host_ip6tables({"-I", "INPUT", "1", "-d", family().silent, "-p", "ipv6-icmp",
                          "--icmpv6-type", "echo-request", "-j", "DROP"});
    } else {
      net.host_iptables({"-I", "INPUT", "1", "-d", family().silent, "-p", "icmp", "--icmp-type",
                         "echo-request", "-j", "DROP"});
    }
  }
  const FamilyCase& family() const { return GetParam(); }

  // ping -q -c COUNT -i INTERVAL -W WAIT HOST SILENT as an exporter.
  Exporter start(int count, const char* interval, const char* wait) {
    return Exporter(host_->net().client().name(),
                    {"-q", "-c", std::to_string(count), "-i", interval, "-W", wait, family().host,
                     family().silent});
  }

  // Scrapes until the target's figures are `want` (bounded), then checks they stay so: the
  // final, exact figures. Returns the last scrape.
  Exposition expect_figures(Exporter& exporter, const Figures& want) {
    std::optional<Exposition> last;
    const auto e = exporter.scrape_until(
        [&](const Exposition& x) {
          last.emplace(x);
          return Figures::of(x, family().host) == want;
        },
        milliseconds(6000));
    EXPECT_TRUE(e) << "want " << want << "\nlast "
                   << (last ? Figures::of(*last, family().host) : Figures{}) << "\nstderr "
                   << exporter.process().err_so_far();
    if (!e) return last ? std::move(*last) : Exposition("");
    exporter.process().keep_reading(milliseconds(300));
    Exposition settled = exporter.scrape();
    EXPECT_EQ(Figures::of(settled, family().host), want) << "changed after reaching it";
    expect_never_decrease(*e, settled);
    expect_histogram_consistent(settled, "better_ping_rtt_seconds", target_labels(family().host));
    return settled;
  }

  void expect_silent_target(const Exposition& e, double requests) const {
    Figures f = Figures::of(e, family().silent);
    EXPECT_EQ(f.requests, requests);
    EXPECT_EQ(f.replies, 0);
    EXPECT_EQ(f.rtt_count, 0);
    EXPECT_FALSE(e.has("better_ping_reply_ttl", target_labels(family().silent)));
  }

  std::optional<HostileHost> host_;
};

TEST_P(ExporterCounters, RepliesTheirRttAndTtl) {
  Process responder = host_->start_responder({"--delay-ms", "30"});
  Exporter exporter = start(4, "0.1", "3");
  const Exposition e = expect_figures(exporter, expected(4, 4));
  const Labels labels = target_labels(family().host);
  EXPECT_EQ(counter(e, family().host, "reply_ttl"), 64.0);
  // 30 ms: above the 25 ms bound, so nothing in it or below; below 100 ms even when late.
  EXPECT_EQ(bucket(e, "better_ping_rtt_seconds", labels, 0.025), 0.0);
  EXPECT_EQ(bucket(e, "better_ping_rtt_seconds", labels, 0.1), 4.0);
  const double sum = value_of(e, "better_ping_rtt_seconds_sum", labels);
  EXPECT_GE(sum, 4 * 0.030);
  EXPECT_LE(sum, 4 * 0.100);
  expect_silent_target(e, 4);
  EXPECT_EQ(value_of(e, "better_ping_targets", {}), 2.0);
  EXPECT_EQ(value_of(e, "better_ping_send_errors_total", {}), 0.0);
  EXPECT_EQ(exporter.stop().exit_code, 0);
  const auto report = HostileHost::stop_responder(responder);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->requests, 4);
  EXPECT_EQ(report->replies, 4);
}

TEST_P(ExporterCounters, DuplicatesApartFromReplies) {
  Process responder = host_->start_responder({"--scenario", "duplicate"});
  Exporter exporter = start(3, "0.1", "3");
  Figures want = expected(3, 3);
  want.duplicates = 3;
  expect_figures(exporter, want);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_P(ExporterCounters, BadChecksumIsCorruptChecksum) {
  if (family().ipv6) GTEST_SKIP() << "the kernel drops ICMPv6 with a bad checksum itself";
  Process responder = host_->start_responder({"--scenario", "bad-checksum", "--every", "2"});
  Exporter exporter = start(4, "0.1", "3");
  Figures want = expected(4, 2);
  want.checksum = 2;
  expect_figures(exporter, want);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_P(ExporterCounters, WrongPayloadIsCorruptPayload) {
  Process responder = host_->start_responder({"--scenario", "corrupt-byte", "--every", "3"});
  Exporter exporter = start(3, "0.1", "3");
  Figures want = expected(3, 2);
  want.payload = 1;
  expect_figures(exporter, want);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_P(ExporterCounters, IcmpErrorsByKind) {
  Process responder = host_->start_responder({"--scenario", "unreachable", "--every", "2"});
  Exporter exporter = start(4, "0.1", "3");
  Figures want = expected(4, 2);
  want.icmp_errors["unreachable"] = 2;
  expect_figures(exporter, want);
  EXPECT_EQ(exporter.stop().exit_code, 0);
  HostileHost::stop_responder(responder);

  Process exceeded = host_->start_responder({"--scenario", "time-exceeded"});
  Exporter second = start(2, "0.1", "3");
  Figures want_exceeded = expected(2, 0);
  want_exceeded.icmp_errors["time_exceeded"] = 2;
  expect_figures(second, want_exceeded);
  EXPECT_EQ(second.stop().exit_code, 0);
}

TEST_P(ExporterCounters, FirewallRejectIsUnreachable) {
  // The host's own kernel answers with the error; lift its ICMP rate limit so each one is sent.
  const TestNet& net = host_->net();
  net.host().set_sysctl(family().ipv6 ? "net.ipv6.icmp.ratelimit" : "net.ipv4.icmp_ratelimit", "0");
  if (family().ipv6) {
    net.host_rejects_with_addr_unreachable();
  } else {
    net.host_rejects_with_host_unreachable();
  }
  Exporter exporter = start(3, "0.2", "3");
  Figures want = expected(3, 0);
  want.icmp_errors["unreachable"] = 3;
  const Exposition e = expect_figures(exporter, want);
  expect_silent_target(e, 3);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_P(ExporterCounters, TimeoutsAfterTheWait) {
  // Requests 1 and 3 answered, 2 dropped (sent at 1 s, lost at 2 s). The silent target's last
  // probe (sent at 2.5 s) keeps the run until 3.5 s: the figures are final from 2 s on.
  Process responder = host_->start_responder({"--scenario", "drop", "--every", "2"});
  Exporter exporter = start(3, "1", "1");
  Figures want = expected(3, 2);
  want.timeouts = 1;
  const Exposition e = expect_figures(exporter, want);
  const Figures silent = Figures::of(e, family().silent);
  EXPECT_GE(silent.timeouts, 1.0);
  EXPECT_LE(silent.timeouts, silent.requests);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

TEST_P(ExporterCounters, NeverDecreaseWhileEverythingHappens) {
  // No count: a mix of delays, duplicates and losses goes on while it is scraped.
  Process responder = host_->start_responder(
      {"--scenario", "duplicate", "--every", "2", "--delay-ms", "5", "--delay-spread-ms", "40"});
  Exporter exporter(host_->net().client().name(),
                    {"-q", "-i", "0.05", "-W", "0.2", family().host, family().silent});
  std::optional<Exposition> previous;
  for (int i = 0; i < 20; ++i) {
    Exposition e = exporter.scrape();
    if (previous) expect_never_decrease(*previous, e);
    const Figures f = Figures::of(e, family().host);
    EXPECT_LE(f.replies, f.requests);
    EXPECT_LE(f.rtt_count, f.requests);
    previous.emplace(std::move(e));
    exporter.process().keep_reading(milliseconds(50));
  }
  EXPECT_GT(Figures::of(*previous, family().host).duplicates, 0.0);
  EXPECT_GT(Figures::of(*previous, family().silent).timeouts, 0.0);
  EXPECT_EQ(exporter.stop().exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Families, ExporterCounters, ::testing::Values(kIpv4, kIpv6), family_name);
}  // namespace
}  // namespace bp::it
