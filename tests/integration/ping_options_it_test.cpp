// The iputils options that real clients pass (Nagios' check_ping: -U; path MTU tests: -M do;
// policy routing: -m; -R, -T, -e, -F, -a, -A, -B, -C, -r, -L, -d, -S, -b, -H), and the fixes
// that real clients needed (name resolution with -6, -D stamps with -O, "pipe N" after IPv6
// errors), against the real kernel: a client namespace pings a host namespace (TestNet).
//
// Each expectation is iputils 20221126's. Run against it with BP_IT_PING=/usr/bin/ping, every
// test passes except two: PingOptionsIt.Ipv6NodeInformationIsRefusedInOneLine (iputils sends
// node information queries, which no Linux host answers; README says why we refuse them), and
// PingOptionsIt.ForcedReverseLookupNamesANumericTarget (Debian's 20221126 has no -H yet: it came
// with a later iputils, whose meaning we follow).

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/integration/responder_host.h"

namespace bp::it {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t count_lines_matching(const std::vector<std::string>& lines, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [&](const std::string& l) { return std::regex_match(l, re); }));
}

const std::string kV4Reply = R"(64 bytes from 198\.18\.0\.2: icmp_seq=\d+ ttl=64 time=[0-9.]+ ms)";

class PingOptionsIt : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    net_.emplace();
  }

  RunResult ping(std::vector<std::string> args, std::chrono::milliseconds timeout = 10s) {
    Launch launch;
    launch.netns = net_->client().name();
    launch.timeout = timeout;
    return run(ping_command(std::move(args)), launch);
  }

  std::optional<TestNet> net_;
};

TEST_F(PingOptionsIt, UserLatencyAsCheckPingRunsIt) {
  // check_ping's own command line, with a shorter interval.
  const RunResult r = ping({"-4", "-n", "-U", "-w", "10", "-c", "3", "-i", "0.2", TestNet::kHostV4});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  EXPECT_EQ(count_lines_matching(r.out_lines(), kV4Reply), 3u) << r;
  EXPECT_TRUE(contains(r.out, "3 packets transmitted, 3 received, 0% packet loss")) << r;
}

TEST_F(PingOptionsIt, PmtuDoSendsAFullPacketAndRefusesALargerOne) {
  // The veth's MTU is 1500: 1472 bytes of payload + 8 + 20 fill it exactly.
  const RunResult fits = ping({"-M", "do", "-s", "1472", "-c", "1", "-W", "2", TestNet::kHostV4});
  EXPECT_EQ(fits.exit_code, 0) << fits;
  EXPECT_TRUE(contains(fits.out, "1480 bytes from 198.18.0.2: icmp_seq=1")) << fits;

  const RunResult too_big = ping({"-M", "do", "-s", "1473", "-c", "1", "-W", "1", TestNet::kHostV4});
  EXPECT_EQ(too_big.exit_code, 1) << too_big;
  EXPECT_TRUE(contains(too_big.err, "ping: local error: message too long, mtu=1500")) << too_big;
  EXPECT_TRUE(contains(too_big.out, "1 packets transmitted, 0 received, +1 errors")) << too_big;

  // Without DF the kernel fragments it, and the reply comes back.
  const RunResult dont = ping({"-M", "dont", "-s", "1473", "-c", "1", "-W", "2", TestNet::kHostV4});
  EXPECT_EQ(dont.exit_code, 0) << dont;
}

TEST_F(PingOptionsIt, MarkIsWhatTheFirewallSees) {
  run_checked({"iptables", "-A", "OUTPUT", "-p", "icmp", "-m", "mark", "--mark", "42", "-j", "DROP"},
              net_->client().name());
  const RunResult marked = ping({"-m", "42", "-c", "2", "-i", "0.2", "-W", "1", TestNet::kHostV4});
  EXPECT_EQ(marked.exit_code, 1) << marked;
  EXPECT_TRUE(contains(marked.out, "2 packets transmitted, 0 received")) << marked;

  const RunResult other = ping({"-m", "7", "-c", "2", "-i", "0.2", TestNet::kHostV4});
  EXPECT_EQ(other.exit_code, 0) << other;
  EXPECT_EQ(count_lines_matching(other.out_lines(), kV4Reply), 2u) << other;
}

TEST_F(PingOptionsIt, IdentifierIsTheOneGiven) {
  const RunResult r = ping({"-v", "-e", "4660", "-c", "1", TestNet::kHostV4});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "icmp_seq=1 ident=4660 ttl=64")) << r;
}

TEST_F(PingOptionsIt, RecordRouteShowsTheRouteOnceThenSameRoute) {
  const RunResult r = ping({"-R", "-c", "2", "-i", "0.2", TestNet::kHostV4});
  EXPECT_EQ(r.exit_code, 0) << r;
  const auto lines = r.out_lines();
  ASSERT_GE(lines.size(), 6u) << r;
  EXPECT_EQ(lines[0], "PING 198.18.0.2 (198.18.0.2) 56(124) bytes of data.");
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(kV4Reply))) << r;
  // Out through the client's address, answered and recorded by the host, back to the client.
  EXPECT_EQ(lines[2], "RR: \t198.18.0.1");
  EXPECT_EQ(lines[3], "\t198.18.0.2");
  EXPECT_EQ(lines[4], "\t198.18.0.2");
  EXPECT_EQ(lines[5], "\t198.18.0.1");
  EXPECT_EQ(lines[6], "");
  EXPECT_TRUE(std::regex_match(lines[7], std::regex(kV4Reply + "\t\\(same route\\)"))) << r;
}

TEST_F(PingOptionsIt, TimestampOptionShowsTheHostsStamps) {
  const RunResult r = ping({"-T", "tsandaddr", "-c", "1", TestNet::kHostV4});
  EXPECT_EQ(r.exit_code, 0) << r;
  const auto lines = r.out_lines();
  ASSERT_GE(lines.size(), 3u) << r;
  EXPECT_EQ(lines[0], "PING 198.18.0.2 (198.18.0.2) 56(124) bytes of data.");
  EXPECT_TRUE(std::regex_match(lines[2], std::regex(R"(TS: \t198\.18\.0\.1\t\d+ absolute)"))) << r;
}

TEST_F(PingOptionsIt, AudibleRingsAtTheEndOfEveryReplyLine) {
  const RunResult r = ping({"-a", "-c", "2", "-i", "0.2", TestNet::kHostV4});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_lines_matching(r.out_lines(), kV4Reply + "\a"), 2u) << r;
}

TEST_F(PingOptionsIt, AdaptiveIntervalFollowsTheRoundTrip) {
  // The link answers in well under a millisecond, so -A sends the next probe almost at once
  // (root may go down to 0 ms): five probes take far less than the default second each.
  const RunResult r = ping({"-A", "-c", "5", TestNet::kHostV4});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_lines_matching(r.out_lines(), kV4Reply), 5u) << r;
  EXPECT_LT(r.elapsed, 3s) << r;
  EXPECT_TRUE(contains(r.out, ", ipg/ewma ")) << r;  // iputils shows it for -A
}

TEST_F(PingOptionsIt, SocketFlagsAllWorkTogether) {
  const RunResult r = ping({"-B", "-C", "-r", "-L", "-d", "-b", "-S", "65536", "-c", "1", TestNet::kHostV4});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  // -B shows the source it keeps, as -I does (iputils: "from SRC DEV: ", no device here).
  EXPECT_TRUE(contains(r.out, "PING 198.18.0.2 (198.18.0.2) from 198.18.0.1 : 56(84) bytes of data."))
      << r;
  EXPECT_EQ(count_lines_matching(r.out_lines(), kV4Reply), 1u) << r;
}

TEST_F(PingOptionsIt, ForcedReverseLookupNamesANumericTarget) {
  // 127.0.0.1 is named in /etc/hosts, so the lookup never leaves the machine.
  const RunResult r = ping({"-H", "-n", "-c", "1", "127.0.0.1"});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "64 bytes from localhost (127.0.0.1): icmp_seq=1")) << r;
}

TEST_F(PingOptionsIt, Ipv6FlowLabelIsShownAndPinged) {
  const RunResult r = ping({"-6", "-F", "0x12345", "-c", "1", TestNet::kHostV6});
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_TRUE(contains(r.out, "PING 2001:db8::2(2001:db8::2) , flow 0x12345, 56 data bytes\n")) << r;
  EXPECT_TRUE(contains(r.out, "64 bytes from 2001:db8::2: icmp_seq=1")) << r;
}

TEST_F(PingOptionsIt, Ipv6NodeInformationIsRefusedInOneLine) {
  const RunResult r = ping({"-6", "-N", "name", "-c", "1", TestNet::kHostV6});
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err_lines().size(), 1u) << r;
  EXPECT_FALSE(contains(r.err, "unknown host")) << r;
  // For an IPv4 target iputils ignores -N, and so do we.
  const RunResult v4 = ping({"-N", "name", "-c", "1", TestNet::kHostV4});
  EXPECT_EQ(v4.exit_code, 0) << v4;
}

TEST_F(PingOptionsIt, Ipv6ErrorsFromTheErrorQueueLeaveNoPipeInTheSummary) {
  net_->host_rejects_with_addr_unreachable();
  const RunResult r = ping({"-6", "-c", "3", "-i", "0.2", "-W", "1", TestNet::kHostV6});
  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_TRUE(contains(r.out, "3 packets transmitted, 0 received, +3 errors")) << r;
  EXPECT_FALSE(contains(r.out, "pipe")) << r;
}

// ping -6 localhost, where /etc/hosts names localhost for IPv4 only: iputils answers from the
// file, without asking DNS. /etc/hosts is replaced in a private mount namespace only; the client
// namespace has no route out, so a DNS query could not leave anyway.
TEST_F(PingOptionsIt, Ipv6LocalhostWithoutAnIpv6EntryAsksNoDns) {
  const std::filesystem::path hosts = std::filesystem::temp_directory_path() /
                                      ("bp-hosts-" + std::to_string(::getpid()));
  std::ofstream(hosts) << "127.0.0.1 localhost\n";
  const std::string script = "mount --bind \"$1\" /etc/hosts && shift && exec \"$@\"";
  Launch launch;
  launch.netns = net_->client().name();
  const RunResult r = run({"unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                           hosts.string(), ping_binary(), "-6", "-c", "1", "localhost"},
                          launch);
  std::filesystem::remove(hosts);
  EXPECT_EQ(r.exit_code, 2) << r;
  // Messages start with argv[0] as invoked, here the full path (iputils: "/usr/bin/ping: ").
  EXPECT_EQ(r.err, ping_binary() + ": localhost: Address family for hostname not supported\n") << r;
  EXPECT_LT(r.elapsed, 2s) << r;
}

// -D with -O: a "no answer yet" line must not carry a later stamp than the reply after it.
TEST(PingOptionsHostile, TimestampsNeverGoBackwardsWithOutstandingReports) {
  BP_SKIP_UNLESS_ROOT();
  HostileHost host;
  // Every reply is 150 ms late, so each probe at a 100 ms interval finds the previous one
  // unanswered, and replies come in between the sends.
  Process responder = host.start_responder({"--delay-ms", "150"});
  Launch launch;
  launch.netns = host.net().client().name();
  const RunResult r =
      run(ping_command({"-D", "-O", "-i", "0.1", "-c", "20", "-W", "1", TestNet::kHostV4}), launch);
  HostileHost::stop_responder(responder);
  ASSERT_EQ(r.exit_code, 0) << r;
  const std::regex stamped(R"(\[(\d+)\.(\d{6})\] .*)");
  long long previous = 0;
  int stamped_lines = 0;
  int no_answer_lines = 0;
  for (const std::string& line : r.out_lines()) {
    std::smatch m;
    if (!std::regex_match(line, m, stamped)) continue;
    const long long us = std::stoll(m[1]) * 1000000 + std::stoll(m[2]);
    EXPECT_GE(us, previous) << "stamp went backwards at: " << line << "\n" << r;
    previous = us;
    ++stamped_lines;
    if (contains(line, "no answer yet")) ++no_answer_lines;
  }
  EXPECT_GE(stamped_lines, 30) << r;
  EXPECT_GE(no_answer_lines, 10) << r;
}

}  // namespace
}  // namespace bp::it
