// Integration tests of `ping` against the real kernel: a client namespace pings a host
// namespace over a veth pair (see TestNet). Output is asserted line by line in iputils' format.
//
// Run against Debian's iputils 20221126 with BP_IT_PING=/usr/bin/ping: everything passes except
// these, which assert our improvements or iputils fixes made after 20221126:
//   PingSignals.SigtermPrintsSummaryAndExitsWithReplyStatus   iputils dies silently (SIGTERM)
//   BadOption/PingUsage.*/c0, cabc, nodestination        Debian exits 1 (fixed upstream, #528)
//   BadOption/PingUsage.*/iminus1, s70000                Debian accepts them and runs on until the
//                                                         hard timeout kills it

#include <signal.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <thread>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {
namespace {

// --- output matching -------------------------------------------------------------------------

const std::string kRtt = R"(\d+(\.\d+)?)";  // "0.063", "1.23", "12.3", "101"
const std::string kStat = R"(\d+\.\d{3})";  // summary values: always microsecond precision

::testing::AssertionResult matches(const std::string& text, const std::string& pattern) {
  if (std::regex_match(text, std::regex(pattern))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not match /" << pattern << "/";
}

std::size_t count_matching(const std::vector<std::string>& lines, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [&](const std::string& l) { return std::regex_match(l, re); }));
}

bool has_line_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

std::string reply_line(const std::string& host, const std::string& seq) {
  return std::regex_replace(host, std::regex(R"(\.)"), R"(\.)") + ": icmp_seq=" + seq +
         " ttl=64 time=" + kRtt + " ms";
}
std::string v4_reply(const std::string& seq = R"(\d+)") {
  return "64 bytes from " + reply_line(TestNet::kHostV4, seq);
}
std::string v6_reply(const std::string& seq = R"(\d+)") {
  return "64 bytes from " + reply_line(TestNet::kHostV6, seq);
}

// "N packets transmitted, N received[, +N duplicates][, +N errors], N% packet loss, time Nms"
struct Summary {
  long transmitted = -1;
  long received = -1;
  long errors = 0;
  double loss_percent = -1;
  long time_ms = -1;
};

std::optional<Summary> find_summary(const std::vector<std::string>& lines) {
  static const std::regex re(
      R"((\d+) packets transmitted, (\d+) received(?:, \+\d+ duplicates)?(?:, \+(\d+) errors)?, )"
      R"((\d+(?:\.\d+)?)% packet loss, time (\d+)ms)");
  for (const auto& line : lines) {
    std::smatch m;
    if (!std::regex_match(line, m, re)) continue;
    Summary s;
    s.transmitted = std::stol(m[1]);
    s.received = std::stol(m[2]);
    if (m[3].matched) s.errors = std::stol(m[3]);
    s.loss_percent = std::stod(m[4]);
    s.time_ms = std::stol(m[5]);
    return s;
  }
  return std::nullopt;
}

// --- fixtures --------------------------------------------------------------------------------

Launch in_namespace(const NetNamespace& ns, std::chrono::milliseconds timeout = 10s) {
  Launch launch;
  launch.netns = ns.name();
  launch.timeout = timeout;
  return launch;
}

Launch as_nobody_in(const NetNamespace& ns) {
  Launch launch = in_namespace(ns);
  launch.user = kNobody;
  return launch;
}

// A client and a target host, made fresh for every test.
class WithTestNet : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    net_.emplace();
  }

  RunResult ping(std::vector<std::string> args, std::chrono::milliseconds timeout = 10s) {
    return run(ping_command(std::move(args)), in_namespace(net_->client(), timeout));
  }

  std::optional<TestNet> net_;
};

using PingReplies = WithTestNet;
using PingDeadlines = WithTestNet;
using PingLoss = WithTestNet;
using PingErrors = WithTestNet;
using PingSignals = WithTestNet;
using PingTiming = WithTestNet;
using PingPrivileges = WithTestNet;

// --- replies ---------------------------------------------------------------------------------

TEST_F(PingReplies, Ipv4PrintsHeaderOneLinePerReplySummaryAndRtt) {
  const RunResult r = ping({"-c", "3", "-i", "0.2", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  const auto lines = r.out_lines();
  ASSERT_EQ(lines.size(), 8u) << r;
  EXPECT_EQ(lines[0], "PING 198.18.0.2 (198.18.0.2) 56(84) bytes of data.");
  EXPECT_TRUE(matches(lines[1], v4_reply("1")));
  EXPECT_TRUE(matches(lines[2], v4_reply("2")));
  EXPECT_TRUE(matches(lines[3], v4_reply("3")));
  EXPECT_EQ(lines[4], "");
  EXPECT_EQ(lines[5], "--- 198.18.0.2 ping statistics ---");
  EXPECT_TRUE(
      matches(lines[6], R"(3 packets transmitted, 3 received, 0% packet loss, time \d+ms)"));
  EXPECT_TRUE(matches(lines[7], "rtt min/avg/max/mdev = " + kStat + "/" + kStat + "/" + kStat +
                                    "/" + kStat + " ms"));
  // "time" spans first to last send: two intervals of 200 ms.
  const auto summary = find_summary(lines);
  ASSERT_TRUE(summary) << r;
  EXPECT_GE(summary->time_ms, 390) << r;
  EXPECT_LT(summary->time_ms, 1000) << r;
}

TEST_F(PingReplies, Ipv6PrintsHeaderAndRepliesWithHopLimit) {
  const RunResult r = ping({"-6", "-c", "2", "-i", "0.2", TestNet::kHostV6});

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  const auto lines = r.out_lines();
  ASSERT_EQ(lines.size(), 7u) << r;
  // Debian 12's iputils 20221126 form, which jc --ping needs (no space before the parenthesis).
  EXPECT_EQ(lines[0], "PING 2001:db8::2(2001:db8::2) 56 data bytes");
  EXPECT_TRUE(matches(lines[1], v6_reply("1")));
  EXPECT_TRUE(matches(lines[2], v6_reply("2")));
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4], "--- 2001:db8::2 ping statistics ---");
  EXPECT_TRUE(
      matches(lines[5], R"(2 packets transmitted, 2 received, 0% packet loss, time \d+ms)"));
  EXPECT_TRUE(matches(lines[6], "rtt min/avg/max/mdev = " + kStat + "/" + kStat + "/" + kStat +
                                    "/" + kStat + " ms"));
}

// --- -c, -w, -W ------------------------------------------------------------------------------

TEST_F(PingDeadlines, SingleReplyWithCountOneExitsAtOnce) {
  const RunResult r = ping({"-c", "1", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_matching(r.out_lines(), v4_reply("1")), 1u) << r;
  EXPECT_TRUE(has_line_starting(r.out_lines(), "1 packets transmitted, 1 received, 0% packet loss"))
      << r;
  // No waiting for a further interval (1 s) once the count is reached.
  EXPECT_LT(r.elapsed, 700ms) << r;
}

TEST_F(PingDeadlines, DeadlineEndsSilentRunAfterOneSecondWithExit1) {
  net_->host_drops_echo_requests();

  const RunResult r = ping({"-w", "1", "-i", "0.2", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_GE(r.elapsed, 900ms) << r;
  EXPECT_LT(r.elapsed, 2500ms) << r;
  const auto summary = find_summary(r.out_lines());
  ASSERT_TRUE(summary) << r;
  EXPECT_GE(summary->transmitted, 3) << r;  // about 5 at 200 ms in one second
  EXPECT_EQ(summary->received, 0) << r;
  EXPECT_EQ(summary->loss_percent, 100) << r;
}

TEST_F(PingDeadlines, FewerRepliesThanCountByDeadlineExits1) {
  net_->host_answers_only_first_echo_request();

  const RunResult r = ping({"-c", "2", "-w", "1", "-i", "0.2", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_GE(r.elapsed, 900ms) << r;
  EXPECT_LT(r.elapsed, 2500ms) << r;
  EXPECT_EQ(count_matching(r.out_lines(), v4_reply()), 1u) << r;
  const auto summary = find_summary(r.out_lines());
  ASSERT_TRUE(summary) << r;
  EXPECT_EQ(summary->received, 1) << r;
  EXPECT_GE(summary->transmitted, 2) << r;  // with -w, it keeps sending until the deadline
}

TEST_F(PingDeadlines, CountReachedBeforeDeadlineExits0Early) {
  const RunResult r = ping({"-c", "2", "-w", "5", "-i", "0.2", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_LT(r.elapsed, 2s) << r;
  EXPECT_TRUE(has_line_starting(r.out_lines(), "2 packets transmitted, 2 received, 0% packet loss"))
      << r;
}

TEST_F(PingDeadlines, TimeoutEndsWaitForLastReplyAfterOneSecond) {
  net_->host_drops_echo_requests();

  const RunResult r = ping({"-W", "1", "-c", "1", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_GE(r.elapsed, 900ms) << r;
  EXPECT_LT(r.elapsed, 2500ms) << r;
  EXPECT_TRUE(
      has_line_starting(r.out_lines(), "1 packets transmitted, 0 received, 100% packet loss"))
      << r;
}

// --- loss ------------------------------------------------------------------------------------

TEST_F(PingLoss, SilentHostGivesFullLossNoRttLineAndExit1) {
  net_->host_drops_echo_requests();

  const RunResult r = ping({"-c", "3", "-i", "0.2", "-W", "1", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 1) << r;
  const auto lines = r.out_lines();
  ASSERT_GE(lines.size(), 4u) << r;
  EXPECT_EQ(lines[0], "PING 198.18.0.2 (198.18.0.2) 56(84) bytes of data.");
  EXPECT_EQ(lines[1], "");
  EXPECT_EQ(lines[2], "--- 198.18.0.2 ping statistics ---");
  EXPECT_TRUE(
      matches(lines[3], R"(3 packets transmitted, 0 received, 100% packet loss, time \d+ms)"));
  EXPECT_FALSE(has_line_starting(lines, "rtt ")) << r;
  EXPECT_EQ(count_matching(lines, v4_reply()), 0u) << r;
}

TEST_F(PingLoss, RandomLossCountsAreConsistent) {
  net_->host_drops_echo_requests_randomly(0.3);

  const RunResult r = ping({"-c", "100", "-i", "0.01", TestNet::kHostV4}, 20s);

  const auto lines = r.out_lines();
  const auto summary = find_summary(lines);
  ASSERT_TRUE(summary) << r;
  EXPECT_EQ(summary->transmitted, 100) << r;
  // Expected 70 replies, standard deviation about 4.6: these bounds are over 6 deviations wide.
  EXPECT_GE(summary->received, 40) << r;
  EXPECT_LE(summary->received, 95) << r;
  EXPECT_EQ(summary->loss_percent, static_cast<double>(100 - summary->received)) << r;
  EXPECT_EQ(count_matching(lines, v4_reply()), static_cast<std::size_t>(summary->received)) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  // Every reply line carries a distinct sequence number of a probe that was sent.
  std::set<int> seqs;
  const std::regex seq_re(R"(.* icmp_seq=(\d+) .*)");
  for (const auto& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, seq_re)) seqs.insert(std::stoi(m[1]));
  }
  EXPECT_EQ(seqs.size(), static_cast<std::size_t>(summary->received)) << r;
  if (!seqs.empty()) {
    EXPECT_GE(*seqs.begin(), 1) << r;
    EXPECT_LE(*seqs.rbegin(), 100) << r;
  }
}

// --- ICMP errors -----------------------------------------------------------------------------

TEST_F(PingErrors, Ipv4HostUnreachableIsPrintedPerProbeAndCountedAsErrors) {
  net_->host_rejects_with_host_unreachable();

  const RunResult r = ping({"-c", "3", "-i", "0.2", TestNet::kHostV4});

  EXPECT_EQ(r.exit_code, 1) << r;
  const auto lines = r.out_lines();
  ASSERT_GE(lines.size(), 7u) << r;
  EXPECT_EQ(lines[0], "PING 198.18.0.2 (198.18.0.2) 56(84) bytes of data.");
  EXPECT_EQ(lines[1], "From 198.18.0.2 icmp_seq=1 Destination Host Unreachable");
  EXPECT_EQ(lines[2], "From 198.18.0.2 icmp_seq=2 Destination Host Unreachable");
  EXPECT_EQ(lines[3], "From 198.18.0.2 icmp_seq=3 Destination Host Unreachable");
  EXPECT_EQ(lines[4], "");
  EXPECT_EQ(lines[5], "--- 198.18.0.2 ping statistics ---");
  EXPECT_TRUE(matches(
      lines[6], R"(3 packets transmitted, 0 received, \+3 errors, 100% packet loss, time \d+ms)"));
  EXPECT_FALSE(has_line_starting(lines, "rtt ")) << r;
}

TEST_F(PingErrors, Ipv6AddressUnreachableIsPrintedPerProbeAndCountedAsErrors) {
  net_->host_rejects_with_addr_unreachable();

  const RunResult r = ping({"-6", "-c", "3", "-i", "0.2", TestNet::kHostV6});

  EXPECT_EQ(r.exit_code, 1) << r;
  const auto lines = r.out_lines();
  ASSERT_GE(lines.size(), 7u) << r;
  EXPECT_EQ(lines[1], "From 2001:db8::2 icmp_seq=1 Destination unreachable: Address unreachable");
  EXPECT_EQ(lines[2], "From 2001:db8::2 icmp_seq=2 Destination unreachable: Address unreachable");
  EXPECT_EQ(lines[3], "From 2001:db8::2 icmp_seq=3 Destination unreachable: Address unreachable");
  EXPECT_EQ(lines[5], "--- 2001:db8::2 ping statistics ---");
  EXPECT_TRUE(matches(
      lines[6], R"(3 packets transmitted, 0 received, \+3 errors, 100% packet loss, time \d+ms)"));
  EXPECT_FALSE(has_line_starting(lines, "rtt ")) << r;
}

// --- usage errors and unknown hosts ----------------------------------------------------------

struct BadOption {
  const char* name;
  std::vector<std::string> args;  // the destination is appended when `with_destination`
  bool with_destination;
  bool usage_may_follow;  // the message may be followed by the usage text
};

void PrintTo(const BadOption& option, std::ostream* os) { *os << option.name; }

class PingUsage : public ::testing::TestWithParam<BadOption> {};

// Run where the destination answers: an option wrongly accepted shows up as replies or as a
// run into the hard timeout, not as a coincidental exit 2.
TEST_P(PingUsage, BadOptionExits2WithOneMessageOnStderr) {
  BP_SKIP_UNLESS_ROOT();
  TestNet net;
  std::vector<std::string> args = GetParam().args;
  if (GetParam().with_destination) args.push_back(TestNet::kHostV4);

  const RunResult r = run(ping_command(args), in_namespace(net.client(), 3s));

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  const auto err = r.err_lines();
  ASSERT_FALSE(err.empty()) << r;
  EXPECT_TRUE(matches(err[0], "ping: .+"));
  if (!GetParam().usage_may_follow) {
    EXPECT_EQ(err.size(), 1u) << r;
  }
}

INSTANTIATE_TEST_SUITE_P(
    BadOption, PingUsage,
    ::testing::Values(BadOption{"c0", {"-c", "0"}, true, false},
                      BadOption{"cabc", {"-c", "abc"}, true, false},
                      BadOption{"iminus1", {"-i", "-1"}, true, false},
                      BadOption{"s70000", {"-s", "70000"}, true, false},
                      BadOption{"unknownZ", {"-Z"}, true, true},
                      BadOption{"nodestination", {"-c", "1"}, false, true}),
    [](const ::testing::TestParamInfo<BadOption>& param_info) {
      return std::string(param_info.param.name);
    });

// The lookup happens in a namespace with only lo: the configured resolver is unreachable from
// there, so the lookup fails at once and nothing leaves the machine.
TEST(PingNames, UnknownHostExits2WithResolverMessage) {
  BP_SKIP_UNLESS_ROOT();
  NetNamespace isolated("bpi");

  const RunResult r =
      run(ping_command({"-c", "1", "nonexistent.invalid"}), in_namespace(isolated, 5s));

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  const auto err = r.err_lines();
  ASSERT_EQ(err.size(), 1u) << r;
  EXPECT_TRUE(matches(err[0], R"(ping: nonexistent\.invalid: .+)"));
}

// A name from /etc/hosts (no resolver involved): the header shows the name, reply lines show
// "name (address)" as iputils prints them, and -n turns the reverse lookups off.
TEST(PingNames, NameFromHostsFileIsPrintedWithItsAddressUnlessNumeric) {
  BP_SKIP_UNLESS_ROOT();
  NetNamespace isolated("bpi");

  const RunResult named =
      run(ping_command({"-4", "-c", "2", "-i", "0.2", "localhost"}), in_namespace(isolated, 5s));
  const RunResult numeric = run(ping_command({"-4", "-n", "-c", "1", "localhost"}),
                                in_namespace(isolated, 5s));

  EXPECT_EQ(named.exit_code, 0) << named;
  const auto lines = named.out_lines();
  ASSERT_GE(lines.size(), 3u) << named;
  EXPECT_EQ(lines[0], "PING localhost (127.0.0.1) 56(84) bytes of data.");
  EXPECT_TRUE(matches(lines[1], R"(64 bytes from localhost \(127\.0\.0\.1\): icmp_seq=1 ttl=64 time=[0-9.]+ ms)"))
      << named;
  EXPECT_EQ(numeric.exit_code, 0) << numeric;
  ASSERT_GE(numeric.out_lines().size(), 2u) << numeric;
  EXPECT_TRUE(matches(numeric.out_lines()[1], R"(64 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=[0-9.]+ ms)"))
      << numeric;
}

// iputils finds out at once, when it connects a UDP socket to choose the source address.
RunResult ping_without_route(std::vector<std::string> args) {
  NetNamespace isolated("bpi");
  return run(ping_command(std::move(args)), in_namespace(isolated, 5s));
}

void expect_network_unreachable_at_once(const RunResult& r) {
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_LT(r.elapsed, 2s) << r;
  const auto err = r.err_lines();
  ASSERT_EQ(err.size(), 1u) << r;
  EXPECT_TRUE(matches(err[0], "ping: .*Network is unreachable"));
}

TEST(PingNoRoute, Ipv4NetworkUnreachableExits2AtOnce) {
  BP_SKIP_UNLESS_ROOT();
  expect_network_unreachable_at_once(ping_without_route({"-c", "1", TestNet::kHostV4}));
}

TEST(PingNoRoute, Ipv6NetworkUnreachableExits2AtOnce) {
  BP_SKIP_UNLESS_ROOT();
  expect_network_unreachable_at_once(ping_without_route({"-6", "-c", "1", TestNet::kHostV6}));
}

// --- signals ---------------------------------------------------------------------------------

// Pings until two replies are printed, sends `sig`, and returns what the process left.
RunResult ping_until_two_replies_then_signal(const TestNet& net, int sig) {
  Process p = Process::start(ping_command({"-i", "0.2", TestNet::kHostV4}),
                             in_namespace(net.client()));
  EXPECT_TRUE(p.wait_for_lines(std::regex(v4_reply()), 2, 5s)) << "no two replies within 5 s";
  p.send_signal(sig);
  return p.finish();
}

void expect_summary_after_two_replies(const RunResult& r) {
  EXPECT_EQ(r.term_signal, 0) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  const auto lines = r.out_lines();
  EXPECT_TRUE(has_line_starting(lines, "--- 198.18.0.2 ping statistics ---")) << r;
  const auto summary = find_summary(lines);
  ASSERT_TRUE(summary) << r;
  EXPECT_GE(summary->received, 2) << r;
  EXPECT_GE(summary->transmitted, summary->received) << r;
  EXPECT_TRUE(has_line_starting(lines, "rtt min/avg/max/mdev = ")) << r;
}

TEST_F(PingSignals, SigtermPrintsSummaryAndExitsWithReplyStatus) {
  expect_summary_after_two_replies(ping_until_two_replies_then_signal(*net_, SIGTERM));
}

TEST_F(PingSignals, SigintPrintsSummaryAndExitsWithReplyStatus) {
  expect_summary_after_two_replies(ping_until_two_replies_then_signal(*net_, SIGINT));
}

// The loop sleeps in a socket receive for up to 2 s at a time; a signal must cut that short
// (SignalCatcher), not wait for the sleep to end.
TEST_F(PingSignals, SignalsCutALongSleepShort) {
  Process p = Process::start(ping_command({"-i", "30", TestNet::kHostV4}), in_namespace(net_->client()));
  ASSERT_TRUE(p.wait_for_lines(std::regex(v4_reply()), 1, 5s)) << p.out_so_far() << p.err_so_far();
  std::this_thread::sleep_for(300ms);  // asleep now, until the next probe 30 s on

  const auto quit_at = std::chrono::steady_clock::now();
  p.send_signal(SIGQUIT);
  ASSERT_TRUE(p.wait_for_stderr(
      [](const std::string& err) { return err.find("1/1 packets, 0% loss") != std::string::npos; }, 5s))
      << p.err_so_far();
  EXPECT_LT(std::chrono::steady_clock::now() - quit_at, 500ms) << "SIGQUIT's status line came late";

  const auto int_at = std::chrono::steady_clock::now();
  p.send_signal(SIGINT);
  const RunResult r = p.finish();
  EXPECT_LT(r.exited_at - int_at, 500ms) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(has_line_starting(r.out_lines(), "1 packets transmitted, 1 received")) << r;
}

// --- timing ----------------------------------------------------------------------------------

// The loop's socket timeout fires up to 40 ms late at intervals below 2 s (timer_wheel.h); the
// schedule makes that up, so probes stay on their grid instead of drifting as iputils' do
// (about +16 ms per probe at this interval, iputils #483). Each reply's -D stamp is its kernel
// receive time, a few microseconds after its probe left.
TEST_F(PingTiming, SlowIntervalProbesStayOnTheirGridWithoutDrift) {
  const RunResult r = run(ping_command({"-D", "-n", "-c", "20", "-i", "0.3", TestNet::kHostV4}),
                          in_namespace(net_->client(), 20s));
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::regex stamped(R"(\[(\d+\.\d+)\] 64 bytes from .* icmp_seq=(\d+) .*)");
  std::vector<std::pair<long, double>> replies;
  for (const auto& line : r.out_lines()) {
    std::smatch m;
    if (std::regex_match(line, m, stamped)) replies.emplace_back(std::stol(m[2]), std::stod(m[1]));
  }
  ASSERT_EQ(replies.size(), 20u) << r;
  double worst = 0;
  double sum = 0;
  for (const auto& [seq, at] : replies) {
    const double late = (at - replies.front().second) - 0.3 * static_cast<double>(seq - 1);
    EXPECT_GT(late, -0.002) << "icmp_seq=" << seq << " left early\n" << r;
    worst = std::max(worst, late);
    sum += late;
  }
  // Drifting like iputils, the last would be about 300 ms late; on the grid, each at most one
  // timer granule (40 ms at HZ 250), with room for a loaded machine.
  EXPECT_LT(worst, 0.150) << r;
  EXPECT_LT(sum / static_cast<double>(replies.size()), 0.045) << r;
}

// --- privileges ------------------------------------------------------------------------------

void expect_no_capabilities(const std::optional<ProcessCaps>& caps) {
  ASSERT_TRUE(caps) << "process ended before its capabilities could be read";
  EXPECT_EQ(caps->permitted, kNoCaps);
  EXPECT_EQ(caps->effective, kNoCaps);
  EXPECT_EQ(caps->inheritable, kNoCaps);
  EXPECT_EQ(caps->ambient, kNoCaps);
}

// Starts `binary -c 3 -i 0.2 host`, reads its capabilities once the first reply is printed,
// and returns the result.
RunResult ping_and_check_capabilities(const std::string& binary, const Launch& launch) {
  Process p = Process::start({binary, "-c", "3", "-i", "0.2", TestNet::kHostV4}, launch);
  EXPECT_TRUE(p.wait_for_lines(std::regex(v4_reply()), 1, 5s)) << "no reply within 5 s";
  expect_no_capabilities(p.caps());
  return p.finish();
}

TEST_F(PingPrivileges, RootRunHoldsNoCapabilitiesWhilePinging) {
  const RunResult r = ping_and_check_capabilities(ping_binary(), in_namespace(net_->client()));

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_matching(r.out_lines(), v4_reply()), 3u) << r;
}

TEST_F(PingPrivileges, SetcapCopyWorksForUnprivilegedUserAndDropsCapabilities) {
  BinaryCopies copies;
  const auto binary = copies.copy(ping_binary(), "setcap", "cap_net_raw+p");
  net_->client().set_sysctl("net.ipv4.ping_group_range", "1 0");  // no ICMP datagram sockets

  const RunResult r = ping_and_check_capabilities(binary.string(), as_nobody_in(net_->client()));

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_matching(r.out_lines(), v4_reply()), 3u) << r;
}

TEST_F(PingPrivileges, CopyWithoutCapabilityFailsWhenPingGroupRangeExcludesUser) {
  BinaryCopies copies;
  const auto binary = copies.copy(ping_binary(), "plain");
  net_->client().set_sysctl("net.ipv4.ping_group_range", "1 0");

  const RunResult r =
      run({binary.string(), "-c", "1", TestNet::kHostV4}, as_nobody_in(net_->client()));

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(count_matching(r.out_lines(), v4_reply()), 0u) << r;
  EXPECT_NE(r.err.find("cap_net_raw"), std::string::npos) << r;
}

TEST_F(PingPrivileges, CopyWithoutCapabilityUsesIcmpSocketWhenPingGroupRangeAllows) {
  BinaryCopies copies;
  const auto binary = copies.copy(ping_binary(), "plain");
  net_->client().set_sysctl("net.ipv4.ping_group_range", "0 2147483647");

  const RunResult r = run({binary.string(), "-c", "2", "-i", "0.2", TestNet::kHostV4},
                          as_nobody_in(net_->client()));

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_matching(r.out_lines(), v4_reply()), 2u) << r;
}

// The ICMPv6 datagram socket is governed by net.ipv4.ping_group_range too.
TEST_F(PingPrivileges, CopyWithoutCapabilityUsesIcmpv6SocketWhenPingGroupRangeAllows) {
  BinaryCopies copies;
  const auto binary = copies.copy(ping_binary(), "plain");
  net_->client().set_sysctl("net.ipv4.ping_group_range", "0 2147483647");

  const RunResult r = run({binary.string(), "-6", "-c", "2", "-i", "0.2", TestNet::kHostV6},
                          as_nobody_in(net_->client()));

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_matching(r.out_lines(), v6_reply()), 2u) << r;
}

}  // namespace
}  // namespace bp::it
