// Integration tests of `better_ping` and its `watchdog` against the real kernel: the client
// namespace pings the host namespace (see TestNet); silence comes from an iptables DROP in the
// host namespace, loss from iptables' random statistic match.
//
// The processes are observed from outside: exit codes, output, /proc (children, states,
// capabilities, sockets), a packet capture on lo. Process groups matter here: a better_ping
// started with the default Launch stays in the test's own group (it does not lead a group, so
// its watchdog never signals a group); tests about groups start it as the leader of a new one,
// and only ever signal that group (Process::signal_group refuses the test's own).

#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {
namespace {

using Clock = std::chrono::steady_clock;

// --- output matching -------------------------------------------------------------------------

const std::string kHost = TestNet::kHostV4;
const std::string kReply = R"(64 bytes from 198\.18\.0\.2: icmp_seq=\d+ ttl=64 time=\d+(\.\d+)? ms)";
const std::string kStampedReply = R"(\[(\d+)\.(\d{6})\] )" + kReply;  // with -D

std::string watchdog_line(const std::string& seconds) {
  return "watchdog: no reply from " + kHost + " for " + seconds + " s, stopping better_ping\n";
}

::testing::AssertionResult matches(const std::string& text, const std::string& pattern) {
  if (std::regex_match(text, std::regex(pattern))) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not match /" << pattern << "/";
}

std::size_t count_matching(const std::vector<std::string>& lines, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [&](const std::string& l) { return std::regex_match(l, re); }));
}

std::size_t count_replies(const std::string& out) {
  std::istringstream in(out);
  std::size_t n = 0;
  const std::regex re(R"((?:\[\d+\.\d{6}\] )?)" + kReply);  // with or without -D
  for (std::string line; std::getline(in, line);) n += std::regex_match(line, re) ? 1 : 0;
  return n;
}

// "N packets transmitted, N received[, +N errors], L% packet loss, time Nms"
struct Summary {
  long transmitted = -1;
  long received = -1;
  std::string loss_text;  // as printed, e.g. "29.6667"
  double loss_percent = -1;
};

std::optional<Summary> parse_summary(const std::string& line) {
  static const std::regex re(
      R"((\d+) packets transmitted, (\d+) received(?:, \+\d+ errors)?, )"
      R"((\d+(?:\.\d+)?)% packet loss, time \d+ms)");
  std::smatch m;
  if (!std::regex_match(line, m, re)) return std::nullopt;
  return Summary{std::stol(m[1]), std::stol(m[2]), m[3].str(), std::stod(m[3])};
}

std::optional<Summary> find_summary(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (auto summary = parse_summary(line)) return summary;
  }
  return std::nullopt;
}

// The output ends with iputils' summary block, and its "received" counts the reply lines:
//   <empty line> / --- 198.18.0.2 ping statistics --- / N packets transmitted, ... / rtt ...
// When nothing was received iputils prints an empty line where the rtt line would be.
::testing::AssertionResult ends_with_summary(const std::vector<std::string>& lines) {
  const auto title =
      std::find(lines.begin(), lines.end(), "--- " + kHost + " ping statistics ---");
  if (title == lines.end()) return ::testing::AssertionFailure() << "no statistics title";
  if (title == lines.begin() || !(title - 1)->empty()) {
    return ::testing::AssertionFailure() << "no empty line before the statistics title";
  }
  const auto after = static_cast<std::size_t>(lines.end() - title) - 1;
  const auto summary = after >= 1 ? parse_summary(*(title + 1)) : std::nullopt;
  if (!summary) return ::testing::AssertionFailure() << "no summary line after the title";
  if (after != 2) {
    return ::testing::AssertionFailure() << after << " lines after the title, expected 2";
  }
  if (summary->received > 0 && !matches(lines.back(), R"(rtt min/avg/max/mdev = [\d./]+ ms)")) {
    return ::testing::AssertionFailure() << "last line is not the rtt line: " << lines.back();
  }
  if (summary->received == 0 && !lines.back().empty()) {
    return ::testing::AssertionFailure() << "last line is not empty: " << lines.back();
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  if (count_replies(out) != static_cast<std::size_t>(summary->received)) {
    return ::testing::AssertionFailure() << count_replies(out) << " reply lines but "
                                         << summary->received << " received";
  }
  return ::testing::AssertionSuccess();
}

// The -D stamp of the last reply line, as a wall-clock time.
std::optional<std::chrono::system_clock::time_point> last_reply_stamp(
    const std::vector<std::string>& lines) {
  const std::regex re(kStampedReply);
  std::optional<std::chrono::system_clock::time_point> last;
  for (const auto& line : lines) {
    std::smatch m;
    if (!std::regex_match(line, m, re)) continue;
    last = std::chrono::system_clock::time_point(std::chrono::seconds(std::stoll(m[1])) +
                                                 std::chrono::microseconds(std::stoll(m[2])));
  }
  return last;
}

std::string in_ms(std::chrono::nanoseconds d) {
  return std::to_string(std::chrono::duration<double, std::milli>(d).count()) + " ms";
}

// --- processes -------------------------------------------------------------------------------

std::string describe_process(pid_t pid) {
  const auto state = process_state(pid);
  return "process " + std::to_string(pid) + (state ? std::string(" in state ") + *state : " absent");
}

bool wait_for_state(pid_t pid, char state, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (process_state(pid) != state) {
    if (Clock::now() >= until) return false;
    ::usleep(5'000);
  }
  return true;
}

void expect_no_capabilities(const std::optional<ProcessCaps>& caps, const std::string& who) {
  ASSERT_TRUE(caps) << who << " ended before its capabilities could be read";
  EXPECT_EQ(caps->permitted, kNoCaps) << who << " CapPrm";
  EXPECT_EQ(caps->effective, kNoCaps) << who << " CapEff";
  EXPECT_EQ(caps->inheritable, kNoCaps) << who << " CapInh";
  EXPECT_EQ(caps->ambient, kNoCaps) << who << " CapAmb";
}

// --- TCP sockets of a network namespace (/proc/PID/net/tcp, tcp6) -----------------------------

struct TcpSocket {
  std::string local;   // "127.0.0.1:40123"
  std::string remote;
  int state = 0;       // kernel TCP state: 1 established, 10 listen
  unsigned long inode = 0;
};
constexpr int kTcpEstablished = 0x01;
constexpr int kTcpListen = 0x0A;

// "0100007F:9C4B": the address as the kernel prints its in-memory words, then the port.
std::string decode_endpoint(const std::string& text, bool v6) {
  const auto colon = text.find(':');
  const std::string hex = text.substr(0, colon);
  unsigned char bytes[16]{};
  for (std::size_t word = 0; word < hex.size() / 8; ++word) {
    const auto value = static_cast<std::uint32_t>(std::stoul(hex.substr(word * 8, 8), nullptr, 16));
    std::memcpy(bytes + word * 4, &value, 4);
  }
  char address[INET6_ADDRSTRLEN]{};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, address, sizeof address);
  return std::string(address) + ":" + std::to_string(std::stoul(text.substr(colon + 1), nullptr, 16));
}

// Every TCP socket of the network namespace `pid` lives in.
std::vector<TcpSocket> tcp_sockets_seen_by(pid_t pid) {
  std::vector<TcpSocket> sockets;
  for (const bool v6 : {false, true}) {
    std::ifstream table("/proc/" + std::to_string(pid) + "/net/" + (v6 ? "tcp6" : "tcp"));
    std::string line;
    std::getline(table, line);  // header
    while (std::getline(table, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout;
      TcpSocket s;
      if (!(fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
            timeout >> s.inode)) {
        continue;
      }
      s.local = decode_endpoint(local, v6);
      s.remote = decode_endpoint(remote, v6);
      s.state = static_cast<int>(std::stoul(state, nullptr, 16));
      sockets.push_back(s);
    }
  }
  return sockets;
}

// The TCP sockets among a process's open descriptors.
std::vector<TcpSocket> tcp_sockets_of(pid_t pid) {
  const auto inodes = socket_inodes(pid);
  std::vector<TcpSocket> owned;
  for (const TcpSocket& s : tcp_sockets_seen_by(pid)) {
    if (std::find(inodes.begin(), inodes.end(), s.inode) != inodes.end()) owned.push_back(s);
  }
  return owned;
}

// --- fixture ---------------------------------------------------------------------------------

// A client and a target host, made fresh for every test.
class BetterPing : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    net_.emplace();
  }

  // In the client namespace; `group` as Launch::process_group (0: leader of a new group).
  Launch in_client(std::chrono::milliseconds timeout,
                   std::optional<pid_t> group = std::nullopt) const {
    Launch launch;
    launch.netns = net_->client().name();
    launch.timeout = timeout;
    launch.process_group = group;
    return launch;
  }

  Process start(std::vector<std::string> args, std::chrono::milliseconds timeout,
                std::optional<pid_t> group = std::nullopt) const {
    return Process::start(better_ping_command(std::move(args)), in_client(timeout, group));
  }

  static std::optional<pid_t> watchdog_of(pid_t better_ping) {
    return wait_for_child_named(better_ping, "watchdog", 3s);
  }

  std::optional<TestNet> net_;
};

using BetterPingSilence = BetterPing;
using BetterPingLoss = BetterPing;
using BetterPingFailClosed = BetterPing;
using BetterPingJobControl = BetterPing;
using BetterPingProcessGroup = BetterPing;
using BetterPingChannel = BetterPing;
using BetterPingPrivileges = BetterPing;
using BetterPingOptions = BetterPing;
using BetterPingEnding = BetterPing;

// --- silence ---------------------------------------------------------------------------------

TEST_F(BetterPingSilence, StoppedTenSecondsAfterLastReplyWithExit124WatchdogLineAndSummary) {
  Process p = start({"-D", "-i", "0.2", kHost}, 30s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kStampedReply), 3, 5s))
      << "no three replies within 5 s:\n" << p.out_so_far() << p.err_so_far();
  net_->host_drops_echo_requests();

  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 124) << r;
  EXPECT_EQ(r.err, watchdog_line("10.0")) << r;
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
  // From the kernel's receive stamp of the last reply (-D) to the exit, both on the wall clock.
  const auto last_reply = last_reply_stamp(r.out_lines());
  ASSERT_TRUE(last_reply) << r;
  const auto silence = r.exited_at_wall - *last_reply;
  EXPECT_GE(silence, 10s) << in_ms(silence) << "\n" << r;
  EXPECT_LE(silence, 10500ms) << in_ms(silence) << "\n" << r;
}

// --- loss ------------------------------------------------------------------------------------

// At 30% loss a 10 s gap needs 100 losses in a row: it never happens, so the watchdog must
// let better_ping run to its -w deadline.
TEST_F(BetterPingLoss, ThirtyPercentRandomLossForThirtySecondsRunsToTheDeadline) {
  net_->host_drops_echo_requests_randomly(0.3);

  const RunResult r = run(better_ping_command({"-i", "0.1", "-w", "30", kHost}), in_client(45s));

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;  // no watchdog line
  EXPECT_GE(r.elapsed, 29900ms) << r;
  EXPECT_LE(r.elapsed, 32s) << r;
  const auto lines = r.out_lines();
  EXPECT_TRUE(ends_with_summary(lines)) << r;
  const auto summary = find_summary(lines);
  ASSERT_TRUE(summary) << r;
  EXPECT_GE(summary->transmitted, 290) << r;  // one every 100 ms for 30 s
  EXPECT_LE(summary->transmitted, 301) << r;
  // Expected 70% of about 300 = 210, standard deviation about 8: over 7 deviations each side.
  EXPECT_GE(summary->received, 150) << r;
  EXPECT_LE(summary->received, 270) << r;
  const double loss = 100.0 * static_cast<double>(summary->transmitted - summary->received) /
                      static_cast<double>(summary->transmitted);
  EXPECT_NEAR(summary->loss_percent, loss, 0.001) << r;
  EXPECT_EQ(count_matching(lines, kReply), static_cast<std::size_t>(summary->received)) << r;
  // Each reply line is a distinct probe that was sent.
  std::set<long> seqs;
  const std::regex seq_re(R"(.* icmp_seq=(\d+) .*)");
  for (const auto& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, seq_re)) seqs.insert(std::stol(m[1]));
  }
  EXPECT_EQ(seqs.size(), static_cast<std::size_t>(summary->received)) << r;
  if (!seqs.empty()) {
    EXPECT_GE(*seqs.begin(), 1) << r;
    EXPECT_LE(*seqs.rbegin(), summary->transmitted) << r;
  }
}

// --- both directions fail closed -------------------------------------------------------------

TEST_F(BetterPingFailClosed, KilledWatchdogStopsBetterPingWithin1sWithExit125AndMessage) {
  Process p = start({"-i", "0.2", kHost}, 15s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 2, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";

  ASSERT_EQ(::kill(*watchdog, SIGKILL), 0);
  const auto killed_at = Clock::now();
  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 125) << r;
  EXPECT_LE(r.exited_at - killed_at, 1s) << in_ms(r.exited_at - killed_at) << "\n" << r;
  const auto err = r.err_lines();
  ASSERT_EQ(err.size(), 1u) << r;
  // One message whichever it notices first: SIGCHLD, an end of stream, or a reset.
  EXPECT_EQ(err[0], "better_ping: the watchdog (pid " + std::to_string(*watchdog) +
                        ") was killed by signal 9 (Killed); stopping")
      << r;
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
}

// The watchdog's --channel-fd=N, from its command line.
std::optional<int> channel_fd_of(pid_t watchdog) {
  std::ifstream in("/proc/" + std::to_string(watchdog) + "/cmdline");
  std::string arg;
  while (std::getline(in, arg, '\0')) {
    if (arg.rfind("--channel-fd=", 0) == 0) return std::stoi(arg.substr(13));
  }
  return std::nullopt;
}

// The channel breaks while the watchdog lives on (frozen, so it can neither exit nor read): only
// the channel's SIGIO can tell better_ping. The test takes a copy of the watchdog's end
// (pidfd_getfd, root) and shuts the connection down under it.
TEST_F(BetterPingFailClosed, ChannelBrokenUnderALiveWatchdogStopsBetterPingWithin1s) {
  Process p = start({"-i", "0.2", kHost}, 15s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 2, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";
  const auto remote_fd = channel_fd_of(*watchdog);
  ASSERT_TRUE(remote_fd) << "no --channel-fd in the watchdog's command line";
  const UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, *watchdog, 0)));
  ASSERT_TRUE(pidfd) << std::strerror(errno);
  const UniqueFd channel(static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd.get(), *remote_fd, 0)));
  ASSERT_TRUE(channel) << std::strerror(errno);
  ASSERT_EQ(::kill(*watchdog, SIGSTOP), 0);

  ASSERT_EQ(::shutdown(channel.get(), SHUT_RDWR), 0) << std::strerror(errno);
  const auto broken_at = Clock::now();
  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 125) << r;
  EXPECT_LE(r.exited_at - broken_at, 1s) << in_ms(r.exited_at - broken_at) << "\n" << r;
  // It waited a bounded time for the frozen watchdog, then killed and reaped it.
  EXPECT_EQ(r.err, "better_ping: the watchdog (pid " + std::to_string(*watchdog) +
                       ") was killed by signal 9 (Killed); stopping\n")
      << r;
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
  EXPECT_FALSE(process_state(*watchdog)) << "watchdog " << describe_process(*watchdog);
}

TEST_F(BetterPingFailClosed, KilledBetterPingLeavesNoWatchdogWithin1s) {
  Process p = start({"-i", "0.2", kHost}, 15s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 2, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";

  p.send_signal(SIGKILL);

  EXPECT_TRUE(wait_until_gone(*watchdog, 1s)) << "1 s after kill -9 of better_ping: watchdog "
                                               << describe_process(*watchdog);
  const RunResult r = p.finish();
  EXPECT_EQ(r.term_signal, SIGKILL) << r;
  EXPECT_EQ(r.err, "watchdog: better_ping (pid " + std::to_string(p.pid()) +
                       ") ended without saying goodbye\n")
      << r;
}

// --- job control -----------------------------------------------------------------------------

// A SIGSTOP cannot be caught: no Pause frame is sent, so the stop looks like silence.
TEST_F(BetterPingJobControl, SigstopLongerThanTimeoutIsSilenceAndStopsIt) {
  Process p = start({"--watchdog-timeout", "1", "-i", "0.2", kHost}, 15s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 2, 5s)) << p.out_so_far() << p.err_so_far();

  p.send_signal(SIGSTOP);
  const auto stopped_at = Clock::now();
  EXPECT_TRUE(wait_for_state(p.pid(), 'T', 500ms)) << describe_process(p.pid());
  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 124) << r;
  EXPECT_EQ(r.err, watchdog_line("1.0")) << r;
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
  // The last heartbeat came at most one interval (200 ms) before the stop.
  const auto stopped_for = r.exited_at - stopped_at;
  EXPECT_GE(stopped_for, 750ms) << in_ms(stopped_for) << "\n" << r;
  EXPECT_LE(stopped_for, 1500ms) << in_ms(stopped_for) << "\n" << r;
}

// Ctrl-Z is SIGTSTP to the terminal's foreground group: better_ping sends Pause, the watchdog
// stops too; fg sends SIGCONT to the group and the watchdog starts a fresh window.
TEST_F(BetterPingJobControl, CtrlZForFifteenSecondsThenContinueKeepsItRunning) {
  Process p = start({"-i", "0.2", kHost}, 45s, /*group=*/0);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 2, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";

  p.signal_group(SIGTSTP);
  EXPECT_TRUE(wait_for_state(p.pid(), 'T', 2s)) << "better_ping " << describe_process(p.pid());
  EXPECT_TRUE(wait_for_state(*watchdog, 'T', 2s)) << "watchdog " << describe_process(*watchdog);
  p.keep_reading(15s);
  ASSERT_FALSE(p.has_exited()) << p.out_so_far() << p.err_so_far();
  const std::size_t replies_before = count_replies(p.out_so_far());
  p.signal_group(SIGCONT);

  // Ten more replies: two seconds of running after the continue, well past any stale expiry.
  EXPECT_TRUE(p.wait_for_lines(std::regex(kReply), replies_before + 10, 5s))
      << p.out_so_far() << p.err_so_far();
  EXPECT_FALSE(p.has_exited());
  EXPECT_FALSE(process_gone(*watchdog)) << "watchdog " << describe_process(*watchdog);
  p.signal_group(SIGINT);
  const RunResult r = p.finish();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
}

// --- process groups --------------------------------------------------------------------------

// `better_ping ... | cat` in an interactive shell: a job of its own, better_ping first, so it
// leads the group and cat is a member.
TEST_F(BetterPingProcessGroup, AsPipelineLeaderItsGroupIsTerminatedAfterItExits) {
  Process pinger = start({"--watchdog-timeout", "1", "-i", "0.2", kHost}, 20s, /*group=*/0);
  bp::UniqueFd pipe = pinger.release_stdout();
  Launch cat_launch;
  cat_launch.timeout = 20s;
  cat_launch.process_group = pinger.pid();
  cat_launch.stdin_fd = pipe.get();
  Process cat = Process::start({"cat"}, cat_launch);
  pipe.reset();
  Launch member_launch;  // a member of the group that would run on forever
  member_launch.timeout = 20s;
  member_launch.process_group = pinger.pid();
  Process member = Process::start({"sleep", "60"}, member_launch);
  ASSERT_TRUE(cat.wait_for_lines(std::regex(kReply), 2, 5s))
      << cat.out_so_far() << pinger.err_so_far();
  const auto watchdog = watchdog_of(pinger.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";
  net_->host_drops_echo_requests();

  const RunResult r = pinger.finish();
  const RunResult c = cat.finish();
  const RunResult m = member.finish();

  EXPECT_EQ(r.exit_code, 124) << r;
  EXPECT_EQ(r.err, watchdog_line("1.0")) << r;
  // The reader gets the whole summary first: the watchdog lets go of better_ping's stdout and
  // signals the group only once the pipe is drained. cat then ends at end-of-file or by SIGTERM.
  EXPECT_NE(c.out.find(" ping statistics ---\n"), std::string::npos) << "cat: " << c;
  EXPECT_NE(c.out.find(" packets transmitted, "), std::string::npos) << "cat: " << c;
  EXPECT_TRUE(c.exit_code == 0 || c.term_signal == SIGTERM) << "cat: " << c;
  EXPECT_EQ(m.term_signal, SIGTERM) << "group member: " << m;
  // Nobody else is left in the group then: the watchdog leaves at once, not a grace period
  // (2 s) after the group's SIGTERM with the group's SIGKILL, which would be its own too.
  EXPECT_TRUE(wait_until_gone(*watchdog, 1s)) << "watchdog " << describe_process(*watchdog);
}

// `sh -c 'better_ping ...; echo ...'` from a script: the group is the caller's.
TEST_F(BetterPingProcessGroup, UnderShellThatLeadsTheGroupOnlyBetterPingIsStopped) {
  const std::string script = "'" + better_ping_binary() + "' --watchdog-timeout 1 -i 0.2 " +
                             kHost + "; echo \"better_ping exit $?\"; echo caller-still-here";
  Process shell = Process::start({"sh", "-c", script}, in_client(20s, /*group=*/0));
  Launch canary_launch;
  canary_launch.timeout = 30s;
  canary_launch.process_group = shell.pid();
  Process canary = Process::start({"sleep", "60"}, canary_launch);
  ASSERT_TRUE(shell.wait_for_lines(std::regex(kReply), 2, 5s))
      << shell.out_so_far() << shell.err_so_far();
  const auto pinger = wait_for_child_named(shell.pid(), "better_ping", 1s);
  ASSERT_TRUE(pinger) << "sh has no better_ping child";
  const auto watchdog = watchdog_of(*pinger);
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";
  net_->host_drops_echo_requests();

  const RunResult r = shell.finish();

  EXPECT_EQ(r.term_signal, 0) << r;
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, watchdog_line("1.0")) << r;
  const auto lines = r.out_lines();
  ASSERT_GE(lines.size(), 2u) << r;
  EXPECT_EQ(lines[lines.size() - 2], "better_ping exit 124") << r;
  EXPECT_EQ(lines.back(), "caller-still-here") << r;
  // Once the watchdog is gone nothing can signal the group any more: the canary must be alive.
  EXPECT_TRUE(wait_until_gone(*watchdog, 3s)) << "watchdog " << describe_process(*watchdog);
  EXPECT_FALSE(canary.has_exited()) << "canary in the caller's group was signalled";
  EXPECT_FALSE(process_gone(canary.pid())) << "canary " << describe_process(canary.pid());
}

// --- the channel -----------------------------------------------------------------------------

TEST_F(BetterPingChannel, NoListeningSocketAfterStartAndChannelIsALoopbackPair) {
  Process p = start({"-i", "0.2", kHost}, 15s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 1, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";

  // Nothing else runs in the client namespace: any listener would be theirs.
  const RunResult ss = run({"ss", "-H", "-l", "-t", "-n", "-p"}, in_client(5s));
  EXPECT_EQ(ss.exit_code, 0) << ss;
  EXPECT_EQ(ss.out, "") << ss;
  for (const TcpSocket& s : tcp_sockets_seen_by(p.pid())) {
    EXPECT_NE(s.state, kTcpListen) << "listening on " << s.local;
  }
  const auto pinger_end = tcp_sockets_of(p.pid());
  const auto watchdog_end = tcp_sockets_of(*watchdog);
  ASSERT_EQ(pinger_end.size(), 1u) << "TCP sockets held by better_ping";
  ASSERT_EQ(watchdog_end.size(), 1u) << "TCP sockets held by the watchdog";
  EXPECT_EQ(pinger_end[0].state, kTcpEstablished);
  EXPECT_EQ(watchdog_end[0].state, kTcpEstablished);
  EXPECT_TRUE(matches(pinger_end[0].local, R"(127\.0\.0\.1:\d+)"));
  EXPECT_TRUE(matches(watchdog_end[0].local, R"(127\.0\.0\.1:\d+)"));
  // The two ends of one connection.
  EXPECT_EQ(pinger_end[0].remote, watchdog_end[0].local);
  EXPECT_EQ(watchdog_end[0].remote, pinger_end[0].local);

  p.send_signal(SIGINT);
  const RunResult r = p.finish();
  EXPECT_EQ(r.exit_code, 0) << r;
}

// --- privileges ------------------------------------------------------------------------------

TEST_F(BetterPingPrivileges, RootRunBothProcessesHoldNoCapabilities) {
  Process p = start({"-c", "3", "-i", "0.2", kHost}, 10s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 1, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";

  expect_no_capabilities(p.caps(), "better_ping");
  expect_no_capabilities(process_caps(*watchdog), "watchdog");

  const RunResult r = p.finish();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(count_matching(r.out_lines(), kReply), 3u) << r;
}

TEST_F(BetterPingPrivileges, SetcapCopyWorksForOrdinaryUserWithWatchdogBesideIt) {
  BinaryCopies copies;
  const auto binary = copies.copy(better_ping_binary(), "setcap", "cap_net_raw+p");
  const auto watchdog_copy = copies.copy(watchdog_binary(), "setcap");  // no capabilities
  net_->client().set_sysctl("net.ipv4.ping_group_range", "1 0");  // raw socket or nothing
  Launch launch = in_client(10s);
  launch.user = kNobody;

  Process p = Process::start({binary.string(), "-c", "3", "-i", "0.2", kHost}, launch);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 1, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";
  std::error_code ec;
  EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(*watchdog) + "/exe", ec),
            watchdog_copy);
  expect_no_capabilities(p.caps(), "better_ping");
  expect_no_capabilities(process_caps(*watchdog), "watchdog");

  const RunResult r = p.finish();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  EXPECT_EQ(count_matching(r.out_lines(), kReply), 3u) << r;
}

// --- --watchdog-timeout ----------------------------------------------------------------------

TEST_F(BetterPingOptions, FractionalTimeoutStopsItAfterHalfASecondOfSilence) {
  net_->host_drops_echo_requests();

  const RunResult r = run(better_ping_command({"--watchdog-timeout", "0.5", "-i", "0.1", kHost}),
                          in_client(10s));

  EXPECT_EQ(r.exit_code, 124) << r;
  EXPECT_EQ(r.err, watchdog_line("0.5")) << r;
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
  EXPECT_GE(r.elapsed, 500ms) << r;
  EXPECT_LE(r.elapsed, 1500ms) << r;
}

struct BadTimeout {
  const char* name;
  std::vector<std::string> option;  // the option words
};

void PrintTo(const BadTimeout& t, std::ostream* os) { *os << t.name; }

class BetterPingBadTimeout : public BetterPing, public ::testing::WithParamInterface<BadTimeout> {};

// The host answers and -c 1 ends a run quickly: a value wrongly accepted shows as exit 0.
TEST_P(BetterPingBadTimeout, RejectedWithExit2AndOneLineOnStderr) {
  std::vector<std::string> args = GetParam().option;
  for (const char* word : {"-c", "1", TestNet::kHostV4}) args.emplace_back(word);

  const RunResult r = run(better_ping_command(args), in_client(5s));

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  const auto err = r.err_lines();
  ASSERT_EQ(err.size(), 1u) << r;
  EXPECT_EQ(err[0].rfind("better_ping: ", 0), 0u) << r;
}

INSTANTIATE_TEST_SUITE_P(
    Values, BetterPingBadTimeout,
    ::testing::Values(BadTimeout{"zero", {"--watchdog-timeout", "0"}},
                      BadTimeout{"minus1", {"--watchdog-timeout", "-1"}},
                      BadTimeout{"s3601", {"--watchdog-timeout", "3601"}},
                      BadTimeout{"abc", {"--watchdog-timeout", "abc"}},
                      BadTimeout{"e1", {"--watchdog-timeout", "1e"}},
                      BadTimeout{"empty", {"--watchdog-timeout", ""}},
                      BadTimeout{"emptyattached", {"--watchdog-timeout="}},
                      BadTimeout{"notlongerthaninterval", {"--watchdog-timeout", "2", "-i", "2"}},
                      BadTimeout{"defaultnotlongerthaninterval", {"-i", "10"}}),
    [](const ::testing::TestParamInfo<BadTimeout>& param_info) {
      return std::string(param_info.param.name);
    });

// --- ending ----------------------------------------------------------------------------------

// Ctrl-C is SIGINT to the whole foreground group, the watchdog included. better_ping says
// goodbye and both ends close with a FIN; a reset would mean one side closed with unread data.
TEST_F(BetterPingEnding, CtrlCPrintsSummaryExits0AndChannelClosesWithoutReset) {
  Process capture = Process::start(
      {"tcpdump", "-i", "lo", "-n", "-l", "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0"},
      in_client(30s));
  ASSERT_TRUE(capture.wait_for_stderr(
      [](const std::string& err) { return err.find("listening on lo") != std::string::npos; }, 5s))
      << capture.err_so_far();
  Process p = start({"-i", "0.2", kHost}, 15s, /*group=*/0);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 3, 5s)) << p.out_so_far() << p.err_so_far();

  p.signal_group(SIGINT);
  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;  // the watchdog is quiet after a goodbye
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
  const std::string fin = R"(.* Flags \[[^\]]*F[^\]]*\].*)";
  const std::string rst = R"(.* Flags \[[^\]]*R[^\]]*\].*)";
  // One FIN each way proves the capture saw the channel's end.
  EXPECT_TRUE(capture.wait_for_lines(std::regex(fin), 2, 3s)) << capture.out_so_far();
  capture.send_signal(SIGINT);
  const RunResult packets = capture.finish();
  EXPECT_EQ(count_matching(packets.out_lines(), rst), 0u) << packets;
}

TEST_F(BetterPingEnding, CountReachedExits0AndWatchdogIsReaped) {
  Process p = start({"-c", "3", "-i", "0.2", kHost}, 10s);
  ASSERT_TRUE(p.wait_for_lines(std::regex(kReply), 1, 5s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";

  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  EXPECT_EQ(count_matching(r.out_lines(), kReply), 3u) << r;
  EXPECT_TRUE(ends_with_summary(r.out_lines())) << r;
  // better_ping waited for it before exiting: not even a zombie is left.
  EXPECT_FALSE(process_state(*watchdog)) << "watchdog " << describe_process(*watchdog);
}

// A watchdog that stops reading (frozen by SIGSTOP) must not slow the ping loop down: heartbeat
// writes never block. A flood of 50000 replies (1.6 MB of frames) runs at full speed, ends
// normally, and better_ping does not wait forever for the frozen watchdog at the end (it kills
// it after a bounded wait and reaps it).
TEST_F(BetterPingEnding, FrozenWatchdogNeverBlocksTheLoop) {
  Process p = start({"-f", "-q", "-c", "50000", kHost}, 20s);
  const auto watchdog = wait_for_child_named(p.pid(), "watchdog", 2s);
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";
  ASSERT_EQ(::kill(*watchdog, SIGSTOP), 0);

  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_NE(r.out.find("50000 packets transmitted, 50000 received"), std::string::npos) << r;
  EXPECT_LT(r.elapsed, 10s) << r;
  EXPECT_TRUE(wait_until_gone(*watchdog, 2s)) << "watchdog " << describe_process(*watchdog);
}

// Reads from `fd` until `lines` newlines have come, at most `timeout`. The bytes read.
std::string read_lines(int fd, int lines, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  std::string text;
  while (std::count(text.begin(), text.end(), '\n') < lines && Clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buffer[512];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

// `better_ping HOST | head -2`: once the reader has gone, better_ping ends as iputils ping does,
// killed by SIGPIPE, but only after a goodbye to its watchdog, which then leaves quietly. (The
// watchdog holds no read end of that pipe, which would keep better_ping writing to nobody.)
TEST_F(BetterPingEnding, ReaderGoneEndsItBySigpipeAfterAGoodbye) {
  Process p = start({"-i", "0.2", kHost}, 15s);
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";
  Clock::time_point reader_gone;
  {
    const bp::UniqueFd out = p.release_stdout();
    const std::string head = read_lines(out.get(), 2, 5s);
    ASSERT_TRUE(matches(head.substr(head.find('\n') + 1), kReply + "\n")) << head;
    reader_gone = Clock::now();
  }
  const RunResult r = p.finish();

  EXPECT_EQ(r.term_signal, SIGPIPE) << r;
  EXPECT_EQ(r.err, "") << r;  // no "ended without saying goodbye" from the watchdog
  EXPECT_LT(r.exited_at - reader_gone, 1s) << r;  // at its next line, 0.2 s later
  EXPECT_TRUE(wait_until_gone(*watchdog, 1s)) << "watchdog " << describe_process(*watchdog);
}

// With SIGPIPE ignored by whoever started it (systemd does so for services), a reader going
// away ends nothing, as with iputils: it pings on, supervised, and ends normally.
TEST_F(BetterPingEnding, ReaderGoneWithSigpipeIgnoredItPingsOnSupervised) {
  const std::string command = "trap '' PIPE; exec '" + better_ping_binary() + "' -i 0.2 " + kHost;
  Process p = Process::start({"sh", "-c", command}, in_client(15s));
  const auto watchdog = watchdog_of(p.pid());
  ASSERT_TRUE(watchdog) << "better_ping has no watchdog child";
  {
    const bp::UniqueFd out = p.release_stdout();
    ASSERT_NE(read_lines(out.get(), 2, 5s).find("icmp_seq=1"), std::string::npos);
  }
  ::usleep(1'000'000);  // five more replies, written to nobody
  EXPECT_FALSE(p.has_exited()) << "better_ping ended when its reader went away";
  EXPECT_FALSE(process_gone(*watchdog)) << "watchdog " << describe_process(*watchdog);
  p.send_signal(SIGINT);
  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  EXPECT_TRUE(wait_until_gone(*watchdog, 1s)) << "watchdog " << describe_process(*watchdog);
}

TEST_F(BetterPingEnding, WithoutWatchdogProgramExits125SayingWhereItLooked) {
  if (::access(BP_LIBEXEC_WATCHDOG, F_OK) == 0) {
    GTEST_SKIP() << "a watchdog is installed at " << BP_LIBEXEC_WATCHDOG
                 << ": better_ping would use it";
  }
  BinaryCopies copies;
  const auto binary = copies.copy(better_ping_binary(), "alone");

  const RunResult r = run({binary.string(), "-c", "1", kHost}, in_client(5s));

  EXPECT_EQ(r.exit_code, 125) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err, "better_ping: cannot find the watchdog program: neither " +
                       (binary.parent_path() / "watchdog").string() + " nor " +
                       BP_LIBEXEC_WATCHDOG + " is executable\n")
      << r;
}

}  // namespace
}  // namespace bp::it
