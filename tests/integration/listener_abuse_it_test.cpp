// The exporter's HTTP listener under abuse (issue 14), all on 127.0.0.1 in the client
// namespace, while `ping --metrics-listen` probes 200 targets of the AnyIP namespace host
// (RangeHost): hundreds of idle connections, slow clients sending a byte a second, a 64 KiB
// header, bad methods, bad paths and junk request lines, pipelined requests, and scrapers that
// reset the connection in the middle of a large response.
//
// What must hold meanwhile and after:
// - a normal scrape succeeds, within 2 s, with the whole exposition;
// - each abuse gets an error status or a closed connection (never a hang, never a crash);
// - the process's resident memory stays under 64 MiB and comes back near where it was;
// - its open descriptors come back to the count before the abuse once the clients are gone;
// - the probe loop does not notice: per target, requests per second stay 1 / -i, no reply
//   goes uncounted, and the median RTT stays in the same histogram bucket (or the next),
//   compared with a quiet phase of the same run.
// Contract: /tmp/bp/exporter-contract.md, summarised in ping/metrics/exposition.h.

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/exporter_process.h"
#include "tests/integration/harness.h"
#include "tests/integration/exposition_reader.h"
#include "tests/integration/http_client.h"
#include "tests/integration/range_host.h"

namespace bp::it {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kTargets = 200;       // about 4 KiB of exposition each: a response of ~800 KiB
constexpr double kInterval = 0.2;   // -i: 1 000 probes a second in all
constexpr long kMaxRssKib = 64 * 1024;
constexpr auto kScrapeTimeout = std::chrono::seconds(2);
// Connecting hundreds of clients at once, on loopback: generous.
constexpr auto kConnectTimeout = std::chrono::seconds(10);

// Target i: 198.19.1.1, 198.19.1.2, ... (one /24).
std::string v4(int i) { return "198.19.1." + std::to_string(1 + i); }

// One successful scrape of /metrics: when it was answered and what it said.
struct Reading {
  Clock::time_point at;
  Exposition exposition;
  std::size_t bytes = 0;
};

// What the server did with one raw request.
struct Outcome {
  std::optional<int> status;  // the status of its response, if one came
  bool closed = false;        // it closed (or reset) the connection without a response
  std::string why;            // otherwise: what went wrong (e.g. no answer before the deadline)
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  if (o.status) return os << "status " << *o.status;
  if (o.closed) return os << "closed without a response";
  return os << "no answer: " << o.why;
}

// An error status, or a closed connection: what a bad request may get.
bool refused(const Outcome& o) { return o.status ? *o.status >= 400 : o.closed; }

// Whether the server has closed `fd` (EOF, reset or hang-up), without waiting; whatever it
// sent before is read and thrown away.
bool closed_by_server_now(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
  char buffer[4096];
  const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

class ListenerAbuse : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    host_.emplace();
    // Buckets fine enough that the median RTT of a few microseconds is not in the first.
    std::vector<std::string> args{"-q", "-i", "0.2", "-W", "1", "--metrics-buckets",
                                  kFineRttBuckets};
    for (int i = 0; i < kTargets; ++i) args.push_back(v4(i));
    exporter_.emplace(client(), args, "127.0.0.1:0", std::chrono::seconds(150));
    // The first scrape may allocate what later ones reuse: the baseline comes after it.
    std::string why;
    ASSERT_TRUE(scrape(&why)) << why;
    baseline_fds_ = steady_fd_count();
    baseline_rss_kib_ = resident_kib(exporter_->pid()).value_or(-1);
  }

  void TearDown() override {
    if (!exporter_) return;
    const RunResult run = exporter_->stop();
    // A stop signal ends it with 0: anything else (a crash, a sanitizer's exit) is a failure.
    EXPECT_EQ(run.exit_code, 0) << run;
    EXPECT_EQ(run.term_signal, 0) << run;
  }

  const std::string& client() const { return host_->client().name(); }
  const HttpEndpoint& endpoint() const { return exporter_->endpoint(); }
  pid_t pid() const { return exporter_->pid(); }

  // A normal scrape: 200, the Prometheus text, every target's requests counter.
  std::optional<Reading> scrape(std::string* why = nullptr) {
    std::string reason;
    const auto response = http_exchange(endpoint(), HttpRequest{}, kScrapeTimeout, &reason);
    const auto at = Clock::now();
    auto fail = [&](const std::string& text) -> std::optional<Reading> {
      if (why) *why = "scrape: " + text;
      return std::nullopt;
    };
    if (!response) return fail(reason);
    if (response->status != 200) return fail("status " + std::to_string(response->status));
    Exposition exposition(response->body);
    if (!exposition.malformed_lines().empty()) {
      return fail("not a sample: " + exposition.malformed_lines().front());
    }
    if (values_by(exposition, "better_ping_requests_total", "target").size() !=
        static_cast<std::size_t>(kTargets)) {
      return fail("not every target's requests counter");
    }
    return Reading{at, std::move(exposition), response->body.size()};
  }

  void expect_scrape_works(const std::string& when) {
    std::string why;
    const auto started = Clock::now();
    EXPECT_TRUE(scrape(&why)) << when << ": " << why;
    EXPECT_LT(Clock::now() - started, kScrapeTimeout) << when;
  }

  // Waits until `when`, reading the exporter's output meanwhile.
  void pause_until(Clock::time_point when) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when - Clock::now());
    if (left.count() > 0) exporter_->process().keep_reading(left);
  }

  std::size_t fd_count() const { return open_fd_count(pid()).value_or(0); }

  // The descriptor count once two readings 200 ms apart agree (a closing connection may still
  // be on its way out); bounded to 3 s.
  std::size_t steady_fd_count() {
    std::size_t last = fd_count();
    for (int i = 0; i < 15; ++i) {
      exporter_->process().keep_reading(std::chrono::milliseconds(200));
      const std::size_t now = fd_count();
      if (now == last) return now;
      last = now;
    }
    return last;
  }

  // Polls until `holds(descriptor count)` or `timeout`.
  template <typename Predicate>
  bool wait_for_fds(Predicate holds, std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (!holds(fd_count())) {
      if (Clock::now() >= until) return false;
      exporter_->process().keep_reading(std::chrono::milliseconds(50));
    }
    return true;
  }

  void expect_fds_back_to_baseline() {
    EXPECT_TRUE(wait_for_fds([&](std::size_t n) { return n == baseline_fds_; },
                             std::chrono::seconds(5)))
        << fd_count() << " descriptors open, " << baseline_fds_ << " before the abuse";
  }

  void expect_memory_bounded(long since_baseline_kib) {
    const long rss = resident_kib(pid()).value_or(-1);
    EXPECT_GT(rss, 0);
    EXPECT_LT(rss, kMaxRssKib) << rss << " KiB resident";
    EXPECT_LT(rss - baseline_rss_kib_, since_baseline_kib)
        << rss << " KiB resident, " << baseline_rss_kib_ << " KiB before the abuse";
  }

  // Sends `bytes` on a new connection and reads one response, 3 s at most.
  Outcome exchange(const std::string& bytes) {
    Outcome outcome;
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    bp::UniqueFd fd = connect_to(endpoint(), deadline, &outcome.why);
    if (!fd) return outcome;
    // The server may close while we still send (a header over its limit): read what it said.
    send_all(fd.get(), bytes, deadline);
    ResponseReader reader(fd.get());
    std::string why;
    if (auto response = reader.next(deadline, false, &why)) {
      outcome.status = response->status;
    } else if (why.starts_with("connection closed") || why.starts_with("recv:")) {
      outcome.closed = true;
    } else {
      outcome.why = why;
    }
    return outcome;
  }

  std::optional<RangeHost> host_;
  std::optional<Exporter> exporter_;
  std::size_t baseline_fds_ = 0;
  long baseline_rss_kib_ = -1;
};

// A string literal with its NUL bytes, without the terminating one.
template <std::size_t N>
std::string literal(const char (&text)[N]) {
  return std::string(text, N - 1);
}

std::string get(const std::string& target, const std::string& extra = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

// --- idle and slow connections ------------------------------------------------------------

TEST_F(ListenerAbuse, HundredsOfIdleConnectionsLeaveScrapesWorkingAndTimeOut) {
  const auto opened = Clock::now();
  auto idle = connect_many(endpoint(), 300, Clock::now() + kConnectTimeout);
  ASSERT_EQ(idle.size(), 300u);
  // The server holds every one of them.
  EXPECT_TRUE(wait_for_fds([&](std::size_t n) { return n >= baseline_fds_ + 300; },
                           std::chrono::seconds(5)))
      << fd_count() << " descriptors open, " << baseline_fds_ << " before";
  expect_scrape_works("with 300 idle connections");
  std::printf("[ info ] resident: %ld KiB before, %ld KiB with 300 idle connections\n",
              baseline_rss_kib_, resident_kib(pid()).value_or(-1));
  expect_memory_bounded(32 * 1024);

  // Contract: idle connections time out after 10 s.
  std::size_t closed = 0;
  for (const bp::UniqueFd& fd : idle) {
    closed += peer_closes(fd.get(), opened + std::chrono::seconds(14)) ? 1 : 0;
  }
  EXPECT_EQ(closed, idle.size()) << "idle connections closed by the server within 14 s";
  idle.clear();
  expect_fds_back_to_baseline();
  expect_memory_bounded(8 * 1024);
  expect_scrape_works("after the idle connections");
}

TEST_F(ListenerAbuse, SlowClientsDoNotHoldUpScrapesAndAreCutAfterTheTimeout) {
  auto slow = connect_many(endpoint(), 20, Clock::now() + kConnectTimeout);
  ASSERT_EQ(slow.size(), 20u);
  // Long enough that no client finishes its request within the test.
  const std::string request = get("/metrics", "User-Agent: a-very-slow-client-indeed\r\n");
  std::vector<std::optional<int>> cut_after(slow.size());  // seconds until the server closed it
  const auto started = Clock::now();
  for (int second = 0; second < 13; ++second) {
    for (std::size_t i = 0; i < slow.size(); ++i) {
      if (cut_after[i]) continue;
      const char byte = request[static_cast<std::size_t>(second)];
      if (closed_by_server_now(slow[i].get()) ||
          ::send(slow[i].get(), &byte, 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1) {
        cut_after[i] = second;
      }
    }
    expect_scrape_works("with 20 slow clients, second " + std::to_string(second));
    pause_until(started + std::chrono::seconds(second + 1));
  }
  const auto cut = std::count_if(cut_after.begin(), cut_after.end(),
                                 [](const auto& c) { return c.has_value(); });
  std::printf("[ info ] %ld of 20 slow clients closed by the server within 13 s\n",
              static_cast<long>(cut));
  // Contract: "idle/slow connections time out after 10 s". A byte a second is activity for an
  // inactivity timeout: a slow client must be cut by the time its request has taken too long.
  EXPECT_EQ(cut, 20) << "slow clients still connected after 13 s of one byte a second";
  expect_memory_bounded(16 * 1024);
  slow.clear();
  expect_fds_back_to_baseline();
}

// --- bad requests ---------------------------------------------------------------------------

TEST_F(ListenerAbuse, HugeHeaderBadMethodsBadPathsAndJunkAreRefused) {
  const std::string big(64 * 1024, 'a');
  const Outcome huge = exchange(get("/metrics", "X-Big: " + big + "\r\n"));
  EXPECT_TRUE(refused(huge)) << "64 KiB header: " << huge;

  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"}) {
    const Outcome o = exchange(std::string(method) +
                               " /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                               "Connection: close\r\n\r\nhello");
    EXPECT_EQ(o.status, 405) << method << ": " << o;
  }
  for (const char* path : {"/nope", "/metrics/", "/metricsx", "/Metrics"}) {
    const Outcome o = exchange(get(path, "Connection: close\r\n"));
    EXPECT_EQ(o.status, 404) << path << ": " << o;
  }
  const Outcome root = exchange(get("/", "Connection: close\r\n"));
  EXPECT_EQ(root.status, 200) << "/: " << root;

  const std::string junk[] = {
      "GET /metrics HTTP/1.1 junk junk\r\nHost: 127.0.0.1\r\n\r\n",
      "GET /metrics HTTP/7.3\r\nHost: 127.0.0.1\r\n\r\n",
      "GET\r\n\r\n",
      literal("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"),  // a TLS hello
      literal("G\0T /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
      get("/../metrics", "Connection: close\r\n"),
      "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n",
  };
  for (const std::string& bytes : junk) {
    const Outcome o = exchange(bytes);
    EXPECT_TRUE(refused(o)) << "\"" << bytes.substr(0, 40) << "\": " << o;
  }
  expect_scrape_works("after the bad requests");
  expect_fds_back_to_baseline();
  expect_memory_bounded(8 * 1024);
}

TEST_F(ListenerAbuse, PipelinedRequestsInOneWriteGetOneResponseEachInOrder) {
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  std::string why;
  bp::UniqueFd fd = connect_to(endpoint(), deadline, &why);
  ASSERT_TRUE(fd) << why;
  ASSERT_TRUE(send_all(fd.get(),
                       get("/metrics") + get("/nope") + get("/metrics", "Connection: close\r\n"),
                       deadline));
  ResponseReader reader(fd.get());
  const auto first = reader.next(deadline, false, &why);
  ASSERT_TRUE(first) << why;
  const auto second = reader.next(deadline, false, &why);
  // A server may close after any response (RFC 9112, 9.3.2), but then every response says
  // so: a Connection: close here means keep-alive and pipelining are never served.
  ASSERT_TRUE(second) << why << "; the first response said Connection: "
                      << first->header("connection");
  const auto third = reader.next(deadline, false, &why);
  ASSERT_TRUE(third) << why;
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 404);
  EXPECT_EQ(third->status, 200);
  for (const auto* r : {&*first, &*third}) {
    const Exposition e(r->body);
    ASSERT_TRUE(e.malformed_lines().empty()) << "not a sample: " << e.malformed_lines().front();
    EXPECT_EQ(values_by(e, "better_ping_requests_total", "target").size(),
              static_cast<std::size_t>(kTargets));
  }
  EXPECT_TRUE(peer_closes(fd.get(), Clock::now() + std::chrono::seconds(2)))
      << "still open after Connection: close";
  fd.reset();
  expect_fds_back_to_baseline();
}

// --- scrapers that go away ------------------------------------------------------------------

// A scraper with a 4 KiB receive buffer reads the first bytes of a ~800 KiB response and
// resets the connection while the server is still sending it.
void scrape_and_reset(const HttpEndpoint& where) {
  bp::UniqueFd fd = socket_in_namespace(where.netns, AF_INET, SOCK_STREAM);
  const int small = 4096;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  if (!connect_socket(fd.get(), where, deadline)) return;
  send_all(fd.get(), get("/metrics"), deadline);
  std::string got;
  while (got.size() < 200 && Clock::now() < deadline) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[256];
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (n <= 0) break;
    got.append(buffer, static_cast<std::size_t>(n));
  }
  close_with_reset(fd);
}

double scrape_errors(const Reading& r) {
  for (const Sample& s : r.exposition.samples()) {
    if (s.name == "better_ping_scrape_errors_total") return s.value;
  }
  return -1;
}

TEST_F(ListenerAbuse, ScrapersThatResetMidResponseLeaveNothingBehind) {
  // On loopback the kernel would take a whole 800 KiB response into the server's send buffer
  // (autotuned up to tcp_wmem's 4 MiB): cap it at 64 KiB in this namespace, so the server is
  // still sending when the scraper resets, and the cut is seen by the server every time.
  host_->client().set_sysctl("net.ipv4.tcp_wmem", "4096 16384 65536");
  std::string why;
  const auto before = scrape(&why);
  ASSERT_TRUE(before) << why;
  ASSERT_GT(before->bytes, 256u * 1024) << "the response is too small to be cut in the middle";
  ASSERT_GE(scrape_errors(*before), 0.0) << "no better_ping_scrape_errors_total";

  for (int i = 0; i < 20; ++i) scrape_and_reset(endpoint());

  expect_scrape_works("after 20 cut scrapes");
  expect_fds_back_to_baseline();
  expect_memory_bounded(8 * 1024);
  const auto after = scrape(&why);
  ASSERT_TRUE(after) << why;
  std::printf("[ info ] better_ping_scrape_errors_total: %g before, %g after 20 cut scrapes\n",
              scrape_errors(*before), scrape_errors(*after));
  // The exporter counts a scrape that could not be answered in full: each cut one, once.
  EXPECT_EQ(scrape_errors(*after) - scrape_errors(*before), 20.0);
}

// --- the probe loop does not notice ---------------------------------------------------------

// Per target, between two readings: requests sent, and how many of them went unanswered
// beyond the probe that may be in flight at each reading.
struct Phase {
  double seconds = 0;
  std::map<std::string, double> requests;
  std::map<std::string, double> unanswered;
  std::optional<std::size_t> median_bucket;  // of every target's RTTs together
};

Buckets sum_of(const std::map<std::string, Buckets>& per_target) {
  Buckets total;
  for (const auto& [target, b] : per_target) {
    if (total.cumulative.empty()) total = b;
    else
      for (std::size_t i = 0; i < b.cumulative.size(); ++i) total.cumulative[i] += b.cumulative[i];
  }
  return total;
}

Phase phase_between(const Reading& from, const Reading& to) {
  Phase p;
  p.seconds = std::chrono::duration<double>(to.at - from.at).count();
  const auto sent0 = values_by(from.exposition, "better_ping_requests_total", "target");
  const auto sent1 = values_by(to.exposition, "better_ping_requests_total", "target");
  const auto got0 = values_by(from.exposition, "better_ping_replies_total", "target");
  const auto got1 = values_by(to.exposition, "better_ping_replies_total", "target");
  for (const auto& [target, sent] : sent1) {
    p.requests[target] = sent - sent0.at(target);
    p.unanswered[target] = p.requests[target] - (got1.at(target) - got0.at(target));
  }
  p.median_bucket = quantile_bucket(sum_of(buckets_by(from.exposition, "better_ping_rtt_seconds_bucket", "target")),
                                    sum_of(buckets_by(to.exposition, "better_ping_rtt_seconds_bucket", "target")),
                                    0.5);
  return p;
}

void expect_schedule_kept(const Phase& p, const std::string& name) {
  const double expected = p.seconds / kInterval;
  int wrong = 0;
  for (const auto& [target, sent] : p.requests) {
    // +-1: a probe just before or after either reading; 10 % for the readings' own timing.
    const bool ok = std::abs(sent - expected) <= 0.1 * expected + 1;
    if (!ok && wrong < 5) {
      ADD_FAILURE() << name << ": " << target << " sent " << sent << " in " << p.seconds
                    << " s, expected " << expected;
    }
    wrong += ok ? 0 : 1;
    // One probe in flight at each reading at most: anything more is a reply not counted.
    EXPECT_LE(std::abs(p.unanswered.at(target)), 1.0) << name << ": " << target;
  }
  EXPECT_EQ(wrong, 0) << name << ": targets off their schedule";
}

// The abuse that runs on its own thread while the main thread scrapes: bad requests, huge
// headers, pipelined and cut scrapes in turn, a round every 200 ms.
class AbuseThread {
 public:
  explicit AbuseThread(HttpEndpoint where) : where_(std::move(where)) {
    thread_ = std::thread([this] { run(); });
  }
  AbuseThread(const AbuseThread&) = delete;
  AbuseThread& operator=(const AbuseThread&) = delete;
  ~AbuseThread() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int rounds() const { return rounds_; }

 private:
  void run() {
    const std::string big(64 * 1024, 'b');
    const auto deadline = [] { return Clock::now() + std::chrono::seconds(2); };
    // Bounded: the test stops it after seconds; 600 rounds would be two minutes.
    for (int round = 0; round < 600 && !stop_; ++round) {
      for (const std::string& bytes :
           {get("/metrics", "X-Big: " + big + "\r\n"), std::string("DELETE / HTTP/1.1\r\n\r\n"),
            get("/nope") + get("/metrics"), std::string("\x16\x03\x01junk\r\n\r\n")}) {
        bp::UniqueFd fd = connect_to(where_, deadline());
        if (!fd) continue;
        send_all(fd.get(), bytes, deadline());
        ResponseReader reader(fd.get());
        reader.next(deadline());
      }
      scrape_and_reset(where_);
      rounds_ = round + 1;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }

  HttpEndpoint where_;
  std::atomic<bool> stop_{false};
  std::atomic<int> rounds_{0};
  std::thread thread_;
};

TEST_F(ListenerAbuse, ProbeScheduleAndRttDoNotMoveUnderAllTheAbuseAtOnce) {
  constexpr auto kPhase = std::chrono::seconds(6);
  std::string why;
  // Quiet phase.
  const auto q0 = scrape(&why);
  ASSERT_TRUE(q0) << why;
  exporter_->process().keep_reading(kPhase);
  const auto q1 = scrape(&why);
  ASSERT_TRUE(q1) << why;

  // Abuse phase: 300 idle connections, 20 slow clients, and the abuse thread.
  auto idle = connect_many(endpoint(), 300, Clock::now() + kConnectTimeout);
  auto slow = connect_many(endpoint(), 20, Clock::now() + kConnectTimeout);
  EXPECT_EQ(idle.size(), 300u);
  EXPECT_EQ(slow.size(), 20u);
  long peak_rss = 0;
  std::optional<Reading> a0;
  std::optional<Reading> a1;
  {
    AbuseThread abuse(endpoint());
    const std::string request = get("/metrics");
    const auto started = Clock::now();
    a0 = scrape(&why);
    EXPECT_TRUE(a0) << "at the start of the abuse: " << why;
    for (int second = 0; Clock::now() - started < kPhase && second < 20; ++second) {
      for (const bp::UniqueFd& fd : slow) {
        ::send(fd.get(), &request[static_cast<std::size_t>(second)], 1, MSG_DONTWAIT | MSG_NOSIGNAL);
      }
      expect_scrape_works("during the abuse, second " + std::to_string(second));
      peak_rss = std::max(peak_rss, resident_kib(pid()).value_or(0));
      exporter_->process().keep_reading(std::chrono::milliseconds(900));
    }
    a1 = scrape(&why);
    EXPECT_TRUE(a1) << "at the end of the abuse: " << why;
    abuse.stop();
    EXPECT_GT(abuse.rounds(), 5);
  }
  idle.clear();
  slow.clear();
  ASSERT_TRUE(a0 && a1);

  const Phase quiet = phase_between(*q0, *q1);
  const Phase abused = phase_between(*a0, *a1);
  expect_schedule_kept(quiet, "quiet");
  expect_schedule_kept(abused, "abused");
  ASSERT_TRUE(quiet.median_bucket && abused.median_bucket);
  const auto bounds = bounds_of(kFineRttBuckets);
  std::printf("[ info ] median RTT at most %g us quiet, %g us under abuse\n",
              bounds[*quiet.median_bucket] * 1e6, bounds[*abused.median_bucket] * 1e6);
  const auto [low, high] = std::minmax(*quiet.median_bucket, *abused.median_bucket);
  EXPECT_LE(high - low, 1u) << "median RTT bucket " << *quiet.median_bucket << " quiet, "
                            << *abused.median_bucket << " under abuse";

  EXPECT_LT(peak_rss, kMaxRssKib) << peak_rss << " KiB resident at the peak";
  expect_fds_back_to_baseline();
  std::printf("[ info ] resident: %ld KiB before, %ld KiB at the peak of the abuse, %ld after\n",
              baseline_rss_kib_, peak_rss, resident_kib(pid()).value_or(-1));
  // A few MiB: the allocator may keep freed connection pools for reuse.
  expect_memory_bounded(8 * 1024);
  expect_scrape_works("after the abuse");
}

}  // namespace
}  // namespace bp::it
