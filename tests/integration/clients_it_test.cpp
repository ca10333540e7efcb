// Programs other people wrote, driving our `ping` exactly as they drive Debian 12's iputils
// 20221126 (/usr/bin/ping), side by side with it. A drop-in replacement is judged by its clients,
// not by its own tests:
//
//   - Nagios' check_ping (monitoring-plugins 2.3.3) runs "/bin/ping -4 -n -U -w T -c P HOST"
//     ("-6" for an IPv6 host; T = its -t, at least P + 1) and turns the output into a state,
//     an exit code and figures. Our binary is bind-mounted over /usr/bin/ping (/bin is /usr/bin
//     on Debian 12) in a private mount namespace of that one run only; the real file is never
//     touched. The verdict (state word, exit code, packet loss, every other word of the text)
//     must be iputils' verdict for the same host.
//   - jc --ping (jc 1.22.5) parses the output into JSON. Every parsed field must be the one
//     parsed from iputils' output, except the values that differ between any two runs: times,
//     RTT figures and -D timestamps (whose presence and type must still agree).
//
// Each run gets its own namespaces (TestNet, or HostileHost for duplicated replies), so a
// firewall rule's packet counter or the responder's request count sees one ping only, and ours
// and iputils run at the same time against identical hosts.
//
// Run against iputils itself (BP_IT_PING=/usr/bin/ping) every test passes.

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "shared/unique_fd.h"
#include "tests/integration/harness.h"
#include "tests/integration/responder_host.h"

namespace bp::it {
namespace {

constexpr const char* kIputilsPing = "/usr/bin/ping";
constexpr const char* kCheckPing = "/usr/lib/nagios/plugins/check_ping";
constexpr const char* kJc = "/usr/bin/jc";

bool executable(const char* path) { return ::access(path, X_OK) == 0; }

std::string our_ping() { return std::filesystem::absolute(ping_binary()).string(); }

Launch in_namespace(const std::string& netns, std::chrono::milliseconds timeout) {
  Launch launch;
  launch.netns = netns;
  launch.timeout = timeout;
  return launch;
}

// --- the host pinged -------------------------------------------------------------------------

enum class HostBehaviour {
  kAnswers,           // the host kernel answers every echo request
  kDropsEveryThird,   // requests 1, 4, 7... are dropped (iptables statistic nth), both families
  kSilent,            // every echo request is dropped
  kUnreachable,       // rejected: ICMP host unreachable / ICMPv6 address unreachable
  kDuplicatesSecond,  // our responder answers, the second request twice
};

// One fresh host with that behaviour, in namespaces of its own.
class Target {
 public:
  explicit Target(HostBehaviour behaviour) {
    if (behaviour == HostBehaviour::kDuplicatesSecond) {
      hostile_.emplace();
      responder_.emplace(hostile_->start_responder({"--scenario", "duplicate", "--every", "2"}));
      return;
    }
    net_.emplace();
    switch (behaviour) {
      case HostBehaviour::kDropsEveryThird: {
        const std::vector<std::string> every_third{"-m", "statistic", "--mode", "nth", "--every",
                                                   "3", "--packet", "0", "-j", "DROP"};
        std::vector<std::string> v4{"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request"};
        std::vector<std::string> v6{"-A", "INPUT", "-p", "ipv6-icmp", "--icmpv6-type",
                                    "echo-request"};
        v4.insert(v4.end(), every_third.begin(), every_third.end());
        v6.insert(v6.end(), every_third.begin(), every_third.end());
        net_->host_iptables(v4);
        net_->host_ip6tables(v6);
        break;
      }
      case HostBehaviour::kSilent:
        net_->host_drops_echo_requests();
        break;
      case HostBehaviour::kUnreachable:
        net_->host_rejects_with_host_unreachable();
        net_->host_rejects_with_addr_unreachable();
        break;
      case HostBehaviour::kAnswers:
      case HostBehaviour::kDuplicatesSecond:
        break;
    }
  }

  const std::string& client_ns() const {
    return (hostile_ ? hostile_->net() : *net_).client().name();
  }

 private:
  std::optional<TestNet> net_;
  std::optional<HostileHost> hostile_;
  std::optional<Process> responder_;  // declared last: killed before its namespaces go
};

// Ours and iputils, each driven by the same client against its own copy of the host.
struct SideBySide {
  RunResult ours;
  RunResult iputils;
};

// Starts `ours_argv` and `iputils_argv` at the same time, each in the client namespace of its
// own Target, and waits for both.
SideBySide run_side_by_side(HostBehaviour behaviour, const std::vector<std::string>& ours_argv,
                            const std::vector<std::string>& iputils_argv,
                            std::chrono::milliseconds timeout) {
  const Target ours_host(behaviour);
  const Target iputils_host(behaviour);
  Process ours = Process::start(ours_argv, in_namespace(ours_host.client_ns(), timeout));
  Process iputils = Process::start(iputils_argv, in_namespace(iputils_host.client_ns(), timeout));
  RunResult ours_result = ours.finish();
  return {std::move(ours_result), iputils.finish()};
}

// --- check_ping ------------------------------------------------------------------------------

// Bind-mounts $1 over /usr/bin/ping in the private mount namespace that `unshare` made, checks
// that /bin/ping (what check_ping runs) now is that file, then becomes the rest of the command.
constexpr const char* kBindOursOverPing =
    "ours=$1; shift\n"
    "mount --bind \"$ours\" /usr/bin/ping || exit 96\n"
    "cmp -s \"$ours\" /bin/ping || { echo 'bind mount not in effect' >&2; exit 97; }\n"
    "exec \"$@\"\n";

// Thresholds: RTA 100 ms / 20 % loss warns, 200 ms / 60 % is critical. -p 5 -t 10 make it run
// "ping -n -U -w 10 -c 5", its defaults: the command line every installation uses.
std::vector<std::string> check_ping_args(const char* host) {
  return {kCheckPing, "-H", host, "-w", "100,20%", "-c", "200,60%", "-p", "5", "-t", "10"};
}

// What check_ping said, with the round-trip average taken out of the text.
struct Verdict {
  int exit_code = -1;
  std::string state;                  // OK, WARNING, CRITICAL, UNKNOWN
  std::string text;                   // its output with every RTA figure replaced by "<rta>"
  std::optional<double> rta_ms;       // "RTA = 0.09 ms"
  std::optional<double> rta_perf_ms;  // perfdata "rta=0.092000ms"
};

std::ostream& operator<<(std::ostream& os, const Verdict& v) {
  return os << "exit " << v.exit_code << ", state " << v.state << ", text: " << v.text;
}

Verdict verdict(const RunResult& r) {
  // The status line; check_ping may print the command before it when the output puzzles it.
  static const std::regex state(R"((?:^|\n)(?:PING )?(OK|WARNING|CRITICAL|UNKNOWN)\b)");
  static const std::regex rta(R"(RTA = (\d+\.\d+) ms)");
  static const std::regex rta_perf(R"(rta=(\d+\.\d+)ms)");
  Verdict v;
  v.exit_code = r.exit_code;
  std::smatch m;
  if (std::regex_search(r.out, m, state)) v.state = m[1];
  if (std::regex_search(r.out, m, rta)) v.rta_ms = std::stod(m[1]);
  if (std::regex_search(r.out, m, rta_perf)) v.rta_perf_ms = std::stod(m[1]);
  v.text = std::regex_replace(r.out, rta, "RTA = <rta> ms");
  v.text = std::regex_replace(v.text, rta_perf, "rta=<rta>ms");
  return v;
}

// Two runs never measure the same round trips, so the averages may differ: on a veth pair they
// are a fraction of a millisecond, but one reply delayed by a loaded machine (a sanitizer build,
// ksoftirqd: 38 ms was seen) moves a five-reply average by several. 10 ms still catches a wrong
// figure: a unit error (us for ms) or a lost average would be off by far more.
constexpr double kRtaToleranceMs = 10.0;

bool bind_mount_visible_here() {
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) {
    if (line.find(" /usr/bin/ping ") != std::string::npos) return true;
  }
  return false;
}

class CheckPing : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    if (!executable(kCheckPing)) {
      GTEST_SKIP() << kCheckPing << " missing: apt-get install monitoring-plugins-standard";
    }
    if (!executable(kIputilsPing)) GTEST_SKIP() << kIputilsPing << " (iputils-ping) missing";
  }

  // check_ping on `host` with our ping over /usr/bin/ping, and beside it with iputils'.
  static SideBySide run_check_ping(HostBehaviour behaviour, const char* host) {
    std::vector<std::string> ours{"unshare", "-m", "--propagation", "private",
                                  "sh",      "-c", kBindOursOverPing, "sh", our_ping()};
    const auto plugin = check_ping_args(host);
    ours.insert(ours.end(), plugin.begin(), plugin.end());
    SideBySide runs = run_side_by_side(behaviour, ours, plugin, std::chrono::seconds(25));
    EXPECT_FALSE(bind_mount_visible_here()) << "the bind mount leaked out of its namespace";
    return runs;
  }

  // iputils' verdict must be `state` / `exit_code` with `text_part` in it (the host behaved as
  // intended), and ours must be the same verdict.
  static void expect_same_verdict(const SideBySide& runs, const char* state, int exit_code,
                                  const std::string& text_part) {
    const Verdict iputils = verdict(runs.iputils);
    const Verdict ours = verdict(runs.ours);
    ASSERT_EQ(iputils.state, state) << "iputils: " << runs.iputils;
    ASSERT_EQ(iputils.exit_code, exit_code) << "iputils: " << runs.iputils;
    ASSERT_NE(iputils.text.find(text_part), std::string::npos) << "iputils: " << runs.iputils;

    EXPECT_EQ(ours.state, iputils.state) << "ours: " << runs.ours << "\niputils: " << iputils;
    EXPECT_EQ(ours.exit_code, iputils.exit_code) << "ours: " << runs.ours;
    EXPECT_EQ(ours.text, iputils.text) << "ours: " << runs.ours;
    EXPECT_EQ(runs.ours.err, "") << "ours: " << runs.ours;
    EXPECT_EQ(ours.rta_ms.has_value(), iputils.rta_ms.has_value()) << "ours: " << runs.ours;
    if (ours.rta_ms && iputils.rta_ms) {
      EXPECT_NEAR(*ours.rta_ms, *iputils.rta_ms, kRtaToleranceMs) << "ours: " << runs.ours;
    }
    EXPECT_EQ(ours.rta_perf_ms.has_value(), iputils.rta_perf_ms.has_value())
        << "ours: " << runs.ours;
    if (ours.rta_perf_ms && iputils.rta_perf_ms) {
      EXPECT_NEAR(*ours.rta_perf_ms, *iputils.rta_perf_ms, kRtaToleranceMs)
          << "ours: " << runs.ours;
    }
  }
};

TEST_F(CheckPing, HostUpIsOkAsWithIputils) {
  const SideBySide runs = run_check_ping(HostBehaviour::kAnswers, TestNet::kHostV4);
  expect_same_verdict(runs, "OK", 0, "Packet loss = 0%, RTA = <rta> ms");
}

// Requests 1, 4, 7 dropped: ping -w 10 -c 5 goes on until its fifth reply, which is the eighth
// probe's, so 3 of 8 are lost: "37.5% packet loss", which check_ping reads as 37 %.
TEST_F(CheckPing, OneRequestInThreeDroppedIsWarningAsWithIputils) {
  const SideBySide runs = run_check_ping(HostBehaviour::kDropsEveryThird, TestNet::kHostV4);
  expect_same_verdict(runs, "WARNING", 1, "Packet loss = 37%, RTA = <rta> ms");
}

TEST_F(CheckPing, SilentHostIsCriticalAsWithIputils) {
  const SideBySide runs = run_check_ping(HostBehaviour::kSilent, TestNet::kHostV4);
  expect_same_verdict(runs, "CRITICAL", 2, "Packet loss = 100%");
}

// With -w, ping stops at the first ICMP error; check_ping sees "Destination Host Unreachable".
TEST_F(CheckPing, HostUnreachableIsCriticalAsWithIputils) {
  const SideBySide runs = run_check_ping(HostBehaviour::kUnreachable, TestNet::kHostV4);
  expect_same_verdict(runs, "CRITICAL", 2, "Host Unreachable (198.18.0.2)");
}

TEST_F(CheckPing, Ipv6HostUpIsOkAsWithIputils) {
  const SideBySide runs = run_check_ping(HostBehaviour::kAnswers, TestNet::kHostV6);
  expect_same_verdict(runs, "OK", 0, "Packet loss = 0%, RTA = <rta> ms");
}

TEST_F(CheckPing, Ipv6SilentHostIsCriticalAsWithIputils) {
  const SideBySide runs = run_check_ping(HostBehaviour::kSilent, TestNet::kHostV6);
  expect_same_verdict(runs, "CRITICAL", 2, "Packet loss = 100%");
}

// --- jc --ping -------------------------------------------------------------------------------

// jc --ping with `text` on its stdin.
RunResult jc_ping(const std::string& text) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  bp::UniqueFd read_end(fds[0]);
  bp::UniqueFd write_end(fds[1]);
  // A few lines of ping output: far less than a pipe holds, so this never blocks.
  if (text.size() >= 65536) throw std::runtime_error("ping output too long for a pipe");
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(write_end.get(), text.data() + done, text.size() - done);
    if (n <= 0) throw std::runtime_error("write to jc's stdin failed");
    done += static_cast<std::size_t>(n);
  }
  write_end.reset();
  Launch launch;
  launch.stdin_fd = read_end.get();
  launch.timeout = std::chrono::seconds(20);  // Python starting up on a loaded CI machine
  return run({kJc, "--ping"}, launch);
}

// jc's compact JSON with the values that differ between two runs (run time, RTTs, -D
// timestamps) replaced by "<varies>", where they are numbers: a null stays null, so whether
// they are there still counts. One response per line, for readable differences.
std::string comparable(const std::string& json) {
  static const std::regex varying(
      R"re("(time_ms|timestamp|round_trip_ms_[a-z]+)":-?[0-9][0-9.eE+-]*)re");
  std::string s = std::regex_replace(json, varying, R"("$1":"<varies>")");
  s = std::regex_replace(s, std::regex(R"(\[\{)"), "[\n{");
  s = std::regex_replace(s, std::regex(R"(\},\{)"), "},\n{");
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

struct JcCase {
  const char* name;
  HostBehaviour host;
  bool ipv6;
  std::vector<std::string> args;  // ping's options; the host follows
  // Parts iputils' parsed output must hold (after comparable()): the case happened as intended.
  std::vector<std::string> iputils_parsed;
};

void PrintTo(const JcCase& c, std::ostream* os) { *os << c.name; }

std::string case_name(const ::testing::TestParamInfo<JcCase>& info) { return info.param.name; }

const JcCase kJcCases[] = {
    {"Ipv4Replies",
     HostBehaviour::kAnswers,
     false,
     {"-c", "3", "-i", "0.2"},
     {R"("destination_ip":"198.18.0.2","data_bytes":56,"pattern":null)",
      R"("packets_transmitted":3,"packets_received":3)",
      R"({"type":"reply","timestamp":null,"bytes":64,)"
      R"("response_ip":"198.18.0.2","icmp_seq":3,"ttl":64)"}},
    {"Ipv6Replies",
     HostBehaviour::kAnswers,
     true,
     {"-c", "3", "-i", "0.2"},
     {R"("destination_ip":"2001:db8::2","data_bytes":56)",
      R"("packets_transmitted":3,"packets_received":3)",
      R"({"type":"reply","timestamp":null,"bytes":64,)"
      R"("response_ip":"2001:db8::2","icmp_seq":3,"ttl":64)"}},
    {"Ipv4PatternAndSize",
     HostBehaviour::kAnswers,
     false,
     {"-p", "abcd", "-s", "24", "-c", "2", "-i", "0.2"},
     {R"("data_bytes":24,"pattern":"0xabcd")", R"("bytes":32)"}},
    {"Ipv4Timestamps",
     HostBehaviour::kAnswers,
     false,
     {"-D", "-c", "3", "-i", "0.2"},
     {R"({"type":"reply","timestamp":"<varies>","bytes":64,)"
      R"("response_ip":"198.18.0.2","icmp_seq":1)"}},
    {"Ipv6Timestamps",
     HostBehaviour::kAnswers,
     true,
     {"-D", "-c", "3", "-i", "0.2"},
     {R"({"type":"reply","timestamp":"<varies>","bytes":64,)"
      R"("response_ip":"2001:db8::2","icmp_seq":1)"}},
    // Requests 1 and 4 dropped: "no answer yet" for 1 when 2 goes out; none for the last one.
    {"Ipv4NoAnswerYet",
     HostBehaviour::kDropsEveryThird,
     false,
     {"-O", "-c", "4", "-i", "0.2", "-W", "1"},
     {R"({"type":"timeout","timestamp":null,"icmp_seq":1})",
      R"("packets_transmitted":4,"packets_received":2)"}},
    {"Ipv6NoAnswerYetWithTimestamps",
     HostBehaviour::kDropsEveryThird,
     true,
     {"-D", "-O", "-c", "4", "-i", "0.2", "-W", "1"},
     {R"({"type":"timeout","timestamp":"<varies>","icmp_seq":1})",
      R"("packets_transmitted":4,"packets_received":2)"}},
    // The second reply comes twice, long before the third probe.
    {"Ipv4Duplicates",
     HostBehaviour::kDuplicatesSecond,
     false,
     {"-c", "3", "-i", "0.2"},
     {R"("packets_received":3,"packet_loss_percent":0.0,"duplicates":1)",
      R"("icmp_seq":2,"ttl":64,"time_ms":"<varies>","duplicate":true})"}},
    {"Ipv6Duplicates",
     HostBehaviour::kDuplicatesSecond,
     true,
     {"-c", "3", "-i", "0.2"},
     {R"("packets_received":3,"packet_loss_percent":0.0,"duplicates":1)",
      R"("icmp_seq":2,"ttl":64,"time_ms":"<varies>","duplicate":true})"}},
    // jc 1.22.5 misreads the "+2 errors" summary (loss 2.0, no responses); ours must be misread
    // the same way, as scripts built on it expect.
    {"Ipv4HostUnreachable",
     HostBehaviour::kUnreachable,
     false,
     {"-c", "2", "-i", "0.2"},
     {R"("destination_ip":"198.18.0.2")", R"("packets_transmitted":2,"packets_received":0)"}},
    {"Ipv6AddressUnreachable",
     HostBehaviour::kUnreachable,
     true,
     {"-c", "2", "-i", "0.2"},
     {R"("destination_ip":"2001:db8::2")", R"("packets_transmitted":2,"packets_received":0)"}},
};

class JcPing : public ::testing::TestWithParam<JcCase> {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    if (!executable(kJc)) GTEST_SKIP() << kJc << " missing: apt-get install jc";
    if (!executable(kIputilsPing)) GTEST_SKIP() << kIputilsPing << " (iputils-ping) missing";
  }
};

TEST_P(JcPing, ParsesOurOutputAsIputils) {
  const JcCase& c = GetParam();
  std::vector<std::string> args = c.args;
  args.insert(args.begin(), c.ipv6 ? "-6" : "-4");
  args.emplace_back(c.ipv6 ? TestNet::kHostV6 : TestNet::kHostV4);
  std::vector<std::string> iputils_argv = args;
  iputils_argv.insert(iputils_argv.begin(), kIputilsPing);

  const SideBySide runs =
      run_side_by_side(c.host, ping_command(args), iputils_argv, std::chrono::seconds(10));

  const RunResult iputils_jc = jc_ping(runs.iputils.out);
  ASSERT_EQ(iputils_jc.exit_code, 0) << iputils_jc << "\niputils: " << runs.iputils;
  const std::string iputils_parsed = comparable(iputils_jc.out);
  for (const std::string& part : c.iputils_parsed) {
    ASSERT_NE(iputils_parsed.find(part), std::string::npos)
        << "not in iputils' parse: " << part << "\n" << iputils_parsed << "\niputils: "
        << runs.iputils;
  }

  const RunResult ours_jc = jc_ping(runs.ours.out);
  EXPECT_EQ(ours_jc.exit_code, 0) << ours_jc << "\nours: " << runs.ours;
  EXPECT_EQ(ours_jc.err, "") << ours_jc << "\nours: " << runs.ours;
  EXPECT_EQ(comparable(ours_jc.out), iputils_parsed)
      << "ours: " << runs.ours << "\niputils: " << runs.iputils;
  EXPECT_EQ(runs.ours.exit_code, runs.iputils.exit_code) << "ours: " << runs.ours;
}

INSTANTIATE_TEST_SUITE_P(Clients, JcPing, ::testing::ValuesIn(kJcCases), case_name);

}  // namespace
}  // namespace bp::it
