// Integration tests of ping and better_ping with several targets (issue 12), against a target
// namespace that answers every address of 198.19.0.0/16 and 2001:db8:1::/64 (RangeHost).
// Silence and loss come from firewall rules there, loss as an exact share of each address's
// requests (iptables' nth statistic), so every per-target count is asserted exactly; a counting
// rule there says how many echo requests arrived, so "nothing was sent" is checked too.

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/integration/range_host.h"

namespace bp::it {
namespace {

using Clock = std::chrono::steady_clock;

// --- targets ---------------------------------------------------------------------------------

// Target number i of a large list: 198.19.1.1, 198.19.1.2, ... 198.19.1.250, 198.19.2.1, ...
// (no .0 or .255, which some stacks treat apart).
std::string v4(int i) {
  return "198.19." + std::to_string(1 + i / 250) + "." + std::to_string(1 + i % 250);
}

std::string lines_of(const std::vector<std::string>& hosts) {
  std::string text;
  for (const auto& h : hosts) text += h + "\n";
  return text;
}

// A file under /tmp holding `text`, removed on destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    std::string pattern = "/tmp/bp-it-targets-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    path_ = pattern;
    std::ofstream(path_, std::ios::binary) << text;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() { ::unlink(path_.c_str()); }

  const std::string& path() const { return path_; }
  // Opened for reading, e.g. as a process's standard input.
  bp::UniqueFd open_for_reading() const {
    return bp::UniqueFd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  }

 private:
  std::string path_;
};

// --- output ----------------------------------------------------------------------------------

bool is_v6(const std::string& host) { return host.find(':') != std::string::npos; }

// iputils' header line, as with one target.
std::string header(const std::string& host) {
  if (is_v6(host)) return "PING " + host + "(" + host + ") 56 data bytes";
  return "PING " + host + " (" + host + ") 56(84) bytes of data.";
}

// One iputils summary block:
//   (empty line) / --- HOST ping statistics --- / counts line / rtt line, or an empty line
//   when nothing was received
struct Block {
  std::string host;
  long transmitted = -1;
  long received = -1;
  long duplicates = 0;
  long errors = 0;
  std::string loss;  // as printed: "0", "33.3333", "100"
};

// The loss iputils prints: %g of the lost share in percent.
std::string loss_text(long transmitted, long received) {
  char text[32];
  std::snprintf(text, sizeof text, "%g",
                static_cast<double>(transmitted - received) * 100.0 /
                    static_cast<double>(transmitted));
  return text;
}

// Reads lines[at..] as summary blocks and nothing else.
::testing::AssertionResult read_blocks(const std::vector<std::string>& lines, std::size_t at,
                                       std::vector<Block>& blocks) {
  static const std::regex title(R"(--- (\S+) ping statistics ---)");
  static const std::regex counts(
      R"((\d+) packets transmitted, (\d+) received(?:, \+(\d+) duplicates)?)"
      R"((?:, \+(\d+) errors)?, (\d+(?:\.\d+)?)% packet loss, time \d+ms)");
  static const std::regex rtt(
      R"(rtt min/avg/max/mdev = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms(?:, pipe \d+)?)");
  while (at < lines.size()) {
    std::smatch t;
    std::smatch c;
    if (at + 3 >= lines.size() || !lines[at].empty() ||
        !std::regex_match(lines[at + 1], t, title) ||
        !std::regex_match(lines[at + 2], c, counts)) {
      return ::testing::AssertionFailure() << "no summary block at line " << at + 1;
    }
    Block b{t[1], std::stol(c[1]), std::stol(c[2]), c[3].matched ? std::stol(c[3]) : 0,
            c[4].matched ? std::stol(c[4]) : 0, c[5]};
    const bool rtt_ok = b.received > 0 ? std::regex_match(lines[at + 3], rtt) : lines[at + 3].empty();
    if (!rtt_ok) {
      return ::testing::AssertionFailure() << "bad last line of " << b.host << "'s block: \""
                                           << lines[at + 3] << "\"";
    }
    blocks.push_back(b);
    at += 4;
  }
  return ::testing::AssertionSuccess();
}

// The block says: `host`, `transmitted` probes, `received` replies, no duplicate, no error.
::testing::AssertionResult block_is(const Block& b, const std::string& host, long transmitted,
                                    long received) {
  if (b.host == host && b.transmitted == transmitted && b.received == received &&
      b.duplicates == 0 && b.errors == 0 && b.loss == loss_text(transmitted, received)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "block of " << b.host << ": " << b.transmitted << " transmitted, " << b.received
         << " received, +" << b.duplicates << " duplicates, +" << b.errors << " errors, "
         << b.loss << "% loss; expected " << host << ": " << transmitted << " transmitted, "
         << received << " received";
}

// A reply line: "64 bytes from HOST: icmp_seq=N ttl=64 time=T ms", optionally after -D's stamp.
struct Reply {
  std::string host;
  long seq = -1;
  double stamp = -1;  // -D's seconds, -1 without
};

std::optional<Reply> parse_reply(const std::string& line) {
  static const std::regex re(
      R"((?:\[(\d+\.\d{6})\] )?64 bytes from ([0-9a-f.:]+): icmp_seq=(\d+) ttl=64 )"
      R"(time=\d+(?:\.\d+)? ms)");
  std::smatch m;
  if (!std::regex_match(line, m, re)) return std::nullopt;
  return Reply{m[2], std::stol(m[3]), m[1].matched ? std::stod(m[1]) : -1};
}

// Output without -q: one header per target, then reply lines, then one block per target.
struct Output {
  std::vector<std::string> headers;
  std::vector<Reply> replies;
  std::vector<Block> blocks;
};

::testing::AssertionResult read_output(const std::vector<std::string>& lines,
                                       std::size_t targets, Output& out) {
  if (lines.size() < targets) return ::testing::AssertionFailure() << "fewer lines than headers";
  out.headers.assign(lines.begin(), lines.begin() + static_cast<long>(targets));
  std::size_t at = targets;
  for (; at < lines.size() && !lines[at].empty(); ++at) {
    const auto reply = parse_reply(lines[at]);
    if (!reply) return ::testing::AssertionFailure() << "not a reply line: \"" << lines[at] << "\"";
    out.replies.push_back(*reply);
  }
  return read_blocks(lines, at, out.blocks);
}

std::vector<std::string> headers_of(const std::vector<std::string>& hosts) {
  std::vector<std::string> all;
  for (const auto& h : hosts) all.push_back(header(h));
  return all;
}

// Every reply names one of `hosts` and a sequence in 1..count, and each (host, sequence) comes
// exactly once: `count` replies per host.
::testing::AssertionResult each_probe_answered_once(const std::vector<Reply>& replies,
                                                    const std::vector<std::string>& hosts,
                                                    long count) {
  const std::set<std::string> known(hosts.begin(), hosts.end());
  std::set<std::pair<std::string, long>> seen;
  for (const Reply& r : replies) {
    if (known.count(r.host) == 0) return ::testing::AssertionFailure() << "reply from " << r.host;
    if (r.seq < 1 || r.seq > count) {
      return ::testing::AssertionFailure() << r.host << ": icmp_seq=" << r.seq;
    }
    if (!seen.emplace(r.host, r.seq).second) {
      return ::testing::AssertionFailure() << r.host << ": icmp_seq=" << r.seq << " twice";
    }
  }
  if (seen.size() != hosts.size() * static_cast<std::size_t>(count)) {
    return ::testing::AssertionFailure() << seen.size() << " replies, expected "
                                         << hosts.size() * static_cast<std::size_t>(count);
  }
  return ::testing::AssertionSuccess();
}

std::size_t replies_from(const std::string& out, const std::string& host) {
  std::size_t n = 0;
  for (std::size_t at = out.find("from " + host + ":"); at != std::string::npos;
       at = out.find("from " + host + ":", at + 1)) {
    ++n;
  }
  return n;
}

// --- fixture ---------------------------------------------------------------------------------

class ManyTargets : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    host_.emplace();
  }

  Launch in_client(std::chrono::milliseconds timeout = 10s) const {
    Launch launch;
    launch.netns = host_->client().name();
    launch.timeout = timeout;
    return launch;
  }

  RunResult ping(std::vector<std::string> args, std::chrono::milliseconds timeout = 10s) const {
    return run(ping_command(std::move(args)), in_client(timeout));
  }

  std::optional<RangeHost> host_;
};

using ManyTargetsCounts = ManyTargets;
using ManyTargetsOutput = ManyTargets;
using ManyTargetsFamilies = ManyTargets;
using ManyTargetsInput = ManyTargets;
using ManyTargetsSignals = ManyTargets;
using ManyTargetsMatching = ManyTargets;
using ManyTargetsBetterPing = ManyTargets;

// --- exact counts ----------------------------------------------------------------------------

// Of 1 000 targets: 50 silenced, 40 losing their 2nd request of 3, 20 losing their 1st and
// 3rd; -W 1 so the silent ones end the run a second after their last request.
constexpr int kThousand = 1000;
long thousand_received(int i) {
  if (i >= 250 && i < 300) return 0;
  if (i >= 500 && i < 540) return 2;
  if (i >= 750 && i < 770) return 1;
  return 3;
}

TEST_F(ManyTargetsCounts, ThousandTargetsSilentAndLossyCountedExactly) {
  host_->silence(v4(250), v4(299));
  host_->drop_every_nth(v4(500), v4(539), 3, 1);
  host_->drop_every_nth(v4(750), v4(769), 2, 0);
  std::vector<std::string> hosts;
  for (int i = 0; i < kThousand; ++i) hosts.push_back(v4(i));
  const TempFile file(lines_of(hosts));

  const RunResult r =
      ping({"-q", "-c", "3", "-i", "0.2", "-W", "1", "--targets", file.path()}, 30s);

  EXPECT_EQ(r.exit_code, 1) << r;  // some never answered
  EXPECT_EQ(r.err, "") << r;
  const auto lines = r.out_lines();
  EXPECT_EQ(lines.size(), 4u * kThousand) << r;  // blocks only: no header, no reply line
  std::vector<Block> blocks;
  ASSERT_TRUE(read_blocks(lines, 0, blocks)) << r;
  ASSERT_EQ(blocks.size(), static_cast<std::size_t>(kThousand)) << r;
  int wrong = 0;
  for (int i = 0; i < kThousand && wrong < 10; ++i) {
    const auto ok = block_is(blocks[static_cast<std::size_t>(i)], v4(i), 3, thousand_received(i));
    EXPECT_TRUE(ok) << "target " << i;
    wrong += ok ? 0 : 1;
  }
  EXPECT_EQ(host_->echo_requests_seen().v4, 3 * kThousand);
  // Last requests at about 0.4 s, then -W 1 for the silent ones.
  EXPECT_GE(r.elapsed, 1300ms) << r.elapsed.count() << " ms";
  EXPECT_LT(r.elapsed, 8s) << r.elapsed.count() << " ms";
}

// The same thousand targets with --json: a summary line per target with the same counts, a
// timeout line for every lost probe, null RTT figures and a measured outage for the silent
// ones, and every line valid against the shipped schema.
TEST_F(ManyTargetsCounts, ThousandTargetsInJsonLines) {
  host_->silence(v4(250), v4(299));
  host_->drop_every_nth(v4(500), v4(539), 3, 1);
  host_->drop_every_nth(v4(750), v4(769), 2, 0);
  std::vector<std::string> hosts;
  for (int i = 0; i < kThousand; ++i) hosts.push_back(v4(i));
  const TempFile file(lines_of(hosts));

  const RunResult r =
      ping({"--json", "-c", "3", "-i", "0.2", "-W", "1", "--targets", file.path()}, 30s);

  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "");
  const TempFile out(r.out);
  const RunResult check = run({"/usr/bin/python3", BP_SOURCE_DIR "/tests/json/validate_jsonl.py", out.path()});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  std::map<std::string, long> received;
  long timeouts = 0;
  long silent_with_null_rtt = 0;
  for (const std::string& line : r.out_lines()) {
    if (line.starts_with("{\"type\":\"timeout\"")) ++timeouts;
    if (!line.starts_with("{\"type\":\"summary\"")) continue;
    static const std::regex re(R"(\"address\":\"([0-9.]+)\",\"transmitted\":3,\"received\":(\d+),)");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, re)) << line;
    received[m[1]] = std::stol(m[2]);
    if (line.find("\"p50\":null") != std::string::npos &&
        line.find("\"outage_ms\":{\"total\":0.000") == std::string::npos) {
      ++silent_with_null_rtt;
    }
  }
  ASSERT_EQ(received.size(), static_cast<std::size_t>(kThousand));
  long expected_lost = 0;
  int wrong = 0;
  for (int i = 0; i < kThousand && wrong < 10; ++i) {
    expected_lost += 3 - thousand_received(i);
    const bool ok = received[v4(i)] == thousand_received(i);
    EXPECT_TRUE(ok) << "target " << i << " received " << received[v4(i)];
    wrong += ok ? 0 : 1;
  }
  EXPECT_EQ(timeouts, expected_lost);
  EXPECT_EQ(silent_with_null_rtt, 50);
}

TEST_F(ManyTargetsCounts, Ipv6SilenceAndLossCountedExactly) {
  host_->silence("2001:db8:1::2");
  host_->drop_every_nth("2001:db8:1::3", "2001:db8:1::3", 3, 0);
  const std::vector<std::string> hosts{"2001:db8:1::1", "2001:db8:1::2", "2001:db8:1::3",
                                       "198.19.0.1"};
  std::vector<std::string> args{"-q", "-c", "3", "-i", "0.2", "-W", "1"};
  args.insert(args.end(), hosts.begin(), hosts.end());

  const RunResult r = ping(args);

  EXPECT_EQ(r.exit_code, 1) << r;
  EXPECT_EQ(r.err, "") << r;
  std::vector<Block> blocks;
  ASSERT_TRUE(read_blocks(r.out_lines(), 0, blocks)) << r;
  ASSERT_EQ(blocks.size(), 4u) << r;
  const long received[] = {3, 0, 2, 3};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(block_is(blocks[i], hosts[i], 3, received[i]));
  const auto seen = host_->echo_requests_seen();
  EXPECT_EQ(seen.v6, 9);
  EXPECT_EQ(seen.v4, 3);
}

// --- output ----------------------------------------------------------------------------------

TEST_F(ManyTargetsOutput, AllAnsweringHeadersThenEachReplyOnceThenBlocksExit0) {
  std::vector<std::string> hosts;
  for (int i = 0; i < 200; ++i) hosts.push_back(v4(i * 3));  // spread over three /24s
  std::vector<std::string> args{"-c", "3", "-i", "0.2"};
  args.insert(args.end(), hosts.begin(), hosts.end());

  const RunResult r = ping(args, 20s);

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), hosts.size(), out)) << r;
  EXPECT_EQ(out.headers, headers_of(hosts));
  EXPECT_TRUE(each_probe_answered_once(out.replies, hosts, 3));
  ASSERT_EQ(out.blocks.size(), hosts.size());
  for (std::size_t i = 0; i < hosts.size(); ++i) EXPECT_TRUE(block_is(out.blocks[i], hosts[i], 3, 3));
  EXPECT_EQ(host_->echo_requests_seen().v4, 600);
}

// Target i of N is offset by i * interval / N: 50 targets at 0.5 s, 10 ms apart. The -D stamp
// of a reply is its kernel receive time, microseconds after the request left.
TEST_F(ManyTargetsOutput, ProbesToDifferentTargetsAreSpreadOverTheInterval) {
  std::vector<std::string> hosts;
  for (int i = 0; i < 50; ++i) hosts.push_back(v4(i));
  std::vector<std::string> args{"-D", "-c", "2", "-i", "0.5"};
  args.insert(args.end(), hosts.begin(), hosts.end());

  const RunResult r = ping(args);

  ASSERT_EQ(r.exit_code, 0) << r;
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), hosts.size(), out)) << r;
  ASSERT_TRUE(each_probe_answered_once(out.replies, hosts, 2)) << r;
  std::map<std::pair<std::string, long>, double> stamp;
  for (const Reply& reply : out.replies) stamp[{reply.host, reply.seq}] = reply.stamp;
  const double start = stamp[{hosts[0], 1}];
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const double offset_ms = (stamp[{hosts[i], 1}] - start) * 1000;
    EXPECT_NEAR(offset_ms, 10.0 * static_cast<double>(i), 45) << hosts[i] << "\n" << r;
    const double interval_ms = (stamp[{hosts[i], 2}] - stamp[{hosts[i], 1}]) * 1000;
    EXPECT_NEAR(interval_ms, 500, 45) << hosts[i] << "\n" << r;
  }
}

TEST_F(ManyTargetsOutput, SameAddressTwiceIsOneTargetWithTheSingleTargetOutput) {
  const RunResult r = ping({"-c", "1", "198.19.0.1", "198.19.0.1"});

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), 1, out)) << r;
  EXPECT_EQ(out.headers, headers_of({"198.19.0.1"}));
  EXPECT_TRUE(each_probe_answered_once(out.replies, {"198.19.0.1"}, 1));
  ASSERT_EQ(out.blocks.size(), 1u);
  EXPECT_TRUE(block_is(out.blocks[0], "198.19.0.1", 1, 1));
  EXPECT_EQ(host_->echo_requests_seen().v4, 1);
}

// Operands first, then the file's lines; each target at its first place.
TEST_F(ManyTargetsOutput, DuplicatesAmongOperandsAndFileArePingedOnce) {
  const TempFile file("198.19.0.2\n198.19.0.3\n198.19.0.1\n");

  const RunResult r = ping({"-q", "-c", "1", "--targets", file.path(), "198.19.0.1",
                            "198.19.0.2", "198.19.0.1"});

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  std::vector<Block> blocks;
  ASSERT_TRUE(read_blocks(r.out_lines(), 0, blocks)) << r;
  const std::vector<std::string> hosts{"198.19.0.1", "198.19.0.2", "198.19.0.3"};
  ASSERT_EQ(blocks.size(), hosts.size()) << r;
  for (std::size_t i = 0; i < hosts.size(); ++i) EXPECT_TRUE(block_is(blocks[i], hosts[i], 1, 1));
  EXPECT_EQ(host_->echo_requests_seen().v4, 3);
}

// --- address families ------------------------------------------------------------------------

TEST_F(ManyTargetsFamilies, MixedIpv4AndIpv6AnsweredInOperandOrder) {
  const std::vector<std::string> hosts{"198.19.0.1", "2001:db8:1::1", "198.19.0.2"};

  const RunResult r = ping({"-c", "2", "-i", "0.2", hosts[0], hosts[1], hosts[2]});

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), hosts.size(), out)) << r;
  EXPECT_EQ(out.headers, headers_of(hosts));
  EXPECT_TRUE(each_probe_answered_once(out.replies, hosts, 2));
  ASSERT_EQ(out.blocks.size(), 3u);
  for (std::size_t i = 0; i < hosts.size(); ++i) EXPECT_TRUE(block_is(out.blocks[i], hosts[i], 2, 2));
  const auto seen = host_->echo_requests_seen();
  EXPECT_EQ(seen.v4, 4);
  EXPECT_EQ(seen.v6, 2);
}

// An ordinary user without the capability pings several targets through the unprivileged ICMP
// datagram sockets (one per family; the kernel picks each one's identifier and hands it only
// its own replies): every target is counted as with raw sockets.
TEST_F(ManyTargetsFamilies, OrdinaryUserPingsSeveralTargetsThroughDatagramSockets) {
  host_->client().set_sysctl("net.ipv4.ping_group_range", "0 2147483647");
  BinaryCopies copies;
  const auto binary = copies.copy(ping_binary(), "plain");  // no capability
  Launch as_user = in_client();
  as_user.user = kNobody;
  const std::vector<std::string> hosts{"198.19.0.1", "2001:db8:1::1", "198.19.0.2"};

  const RunResult r = run({binary.string(), "-c", "2", "-i", "0.2", hosts[0], hosts[1], hosts[2]}, as_user);

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), hosts.size(), out)) << r;
  EXPECT_TRUE(each_probe_answered_once(out.replies, hosts, 2));
  ASSERT_EQ(out.blocks.size(), 3u);
  for (std::size_t i = 0; i < hosts.size(); ++i) EXPECT_TRUE(block_is(out.blocks[i], hosts[i], 2, 2));
}

// -4 / -6 with an address of the other family: that operand gets the single-target error and
// is skipped, the others are pinged, and the error makes the exit code 2.
struct Restricted {
  const char* option;
  std::string other;                // the operand of the other family
  std::vector<std::string> pinged;  // the ones of the family asked for
};

void expect_other_family_skipped(const RunResult& r, const Restricted& c,
                                 const RangeHost::EchoCounts& seen) {
  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.err, "ping: " + c.other + ": Address family for hostname not supported\n") << r;
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), c.pinged.size(), out)) << r;
  EXPECT_EQ(out.headers, headers_of(c.pinged));
  EXPECT_TRUE(each_probe_answered_once(out.replies, c.pinged, 2));
  ASSERT_EQ(out.blocks.size(), c.pinged.size());
  for (std::size_t i = 0; i < c.pinged.size(); ++i) {
    EXPECT_TRUE(block_is(out.blocks[i], c.pinged[i], 2, 2));
  }
  EXPECT_EQ(seen.total(), 2 * static_cast<long>(c.pinged.size()));
  EXPECT_EQ(is_v6(c.other) ? seen.v6 : seen.v4, 0);
}

TEST_F(ManyTargetsFamilies, Only4SkipsTheIpv6OperandWithAnError) {
  const Restricted c{"-4", "2001:db8:1::1", {"198.19.0.1", "198.19.0.2"}};
  const RunResult r = ping({c.option, "-c", "2", "-i", "0.2", c.pinged[0], c.other, c.pinged[1]});
  expect_other_family_skipped(r, c, host_->echo_requests_seen());
}

TEST_F(ManyTargetsFamilies, Only6SkipsTheIpv4OperandWithAnError) {
  const Restricted c{"-6", "198.19.0.1", {"2001:db8:1::1", "2001:db8:1::2"}};
  const RunResult r = ping({c.option, "-c", "2", "-i", "0.2", c.pinged[0], c.other, c.pinged[1]});
  expect_other_family_skipped(r, c, host_->echo_requests_seen());
}

// --- names and the targets file --------------------------------------------------------------

// Lookups happen in the client namespace: no route to any resolver, so they fail at once and
// nothing leaves the machine.
TEST_F(ManyTargetsInput, UnresolvableNameReportedAsAloneOthersPingedExit2) {
  const RunResult alone = ping({"-c", "1", "nosuch.invalid"});
  ASSERT_EQ(alone.exit_code, 2) << alone;
  ASSERT_TRUE(std::regex_match(alone.err, std::regex(R"(ping: nosuch\.invalid: .+\n)"))) << alone;

  const RunResult r = ping({"-q", "-c", "1", "198.19.0.1", "nosuch.invalid", "198.19.0.2"});

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.err, alone.err) << r;  // the single-target wording
  std::vector<Block> blocks;
  ASSERT_TRUE(read_blocks(r.out_lines(), 0, blocks)) << r;
  ASSERT_EQ(blocks.size(), 2u) << r;
  EXPECT_TRUE(block_is(blocks[0], "198.19.0.1", 1, 1));
  EXPECT_TRUE(block_is(blocks[1], "198.19.0.2", 1, 1));
}

TEST_F(ManyTargetsInput, OnlyUnresolvableNamesExit2WithoutBlocks) {
  const RunResult r = ping({"-c", "1", "first.invalid", "second.invalid"});

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  const auto err = r.err_lines();
  ASSERT_EQ(err.size(), 2u) << r;
  EXPECT_TRUE(std::regex_match(err[0], std::regex(R"(ping: first\.invalid: .+)"))) << r;
  EXPECT_TRUE(std::regex_match(err[1], std::regex(R"(ping: second\.invalid: .+)"))) << r;
  EXPECT_EQ(host_->echo_requests_seen().total(), 0);
}

TEST_F(ManyTargetsInput, MalformedLineIsOneErrorNamingFileAndLineBeforeAnyProbe) {
  const TempFile file("198.19.0.1\n# a comment\n198.19.0.3 198.19.0.4\n198.19.0.5\n");

  const RunResult r = ping({"-c", "1", "--targets", file.path(), "198.19.0.9"});

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;  // no header: nothing was sent
  EXPECT_EQ(r.err, "ping: " + file.path() + ":3: more than one host on a line: " +
                       "'198.19.0.3 198.19.0.4'\n")
      << r;
  EXPECT_EQ(host_->echo_requests_seen().total(), 0);
}

TEST_F(ManyTargetsInput, MissingFileIsOneErrorExit2) {
  const TempFile file("");
  const std::string missing = file.path() + ".missing";

  const RunResult r = ping({"-c", "1", "--targets", missing, "198.19.0.1", "198.19.0.2"});

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err, "ping: " + missing + ": No such file or directory\n") << r;
  EXPECT_EQ(host_->echo_requests_seen().total(), 0);
}

TEST_F(ManyTargetsInput, FileWithoutTargetsIsOneErrorExit2) {
  const TempFile file("# nothing here\n\n");

  const RunResult r = ping({"-c", "1", "--targets", file.path()});

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err, "ping: " + file.path() + ": no targets\n") << r;
}

TEST_F(ManyTargetsInput, TargetsFromStandardInput) {
  const TempFile file("198.19.0.1\n2001:db8:1::1\n");
  const bp::UniqueFd in = file.open_for_reading();
  Launch launch = in_client();
  launch.stdin_fd = in.get();

  const RunResult r = run(ping_command({"-q", "-c", "1", "--targets", "-"}), launch);

  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.err, "") << r;
  std::vector<Block> blocks;
  ASSERT_TRUE(read_blocks(r.out_lines(), 0, blocks)) << r;
  ASSERT_EQ(blocks.size(), 2u) << r;
  EXPECT_TRUE(block_is(blocks[0], "198.19.0.1", 1, 1));
  EXPECT_TRUE(block_is(blocks[1], "2001:db8:1::1", 1, 1));
}

TEST_F(ManyTargetsInput, MalformedStandardInputIsNamedSo) {
  const TempFile file("198.19.0.1\n[2001:db8:1::1]\n");
  const bp::UniqueFd in = file.open_for_reading();
  Launch launch = in_client();
  launch.stdin_fd = in.get();

  const RunResult r = run(ping_command({"-c", "1", "--targets", "-"}), launch);

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err,
            "ping: (standard input):2: IPv6 address in brackets: '[2001:db8:1::1]' "
            "(write it without them)\n")
      << r;
  EXPECT_EQ(host_->echo_requests_seen().total(), 0);
}

// --- options refused with several targets ----------------------------------------------------

struct Refused {
  const char* name;
  std::vector<std::string> option;
  bool v6 = false;  // IPv6 targets (the option is IPv6's)
};

class ManyTargetsRefused : public ManyTargets, public ::testing::WithParamInterface<Refused> {};

TEST_P(ManyTargetsRefused, OneLineExit2NothingSent) {
  const Refused& c = GetParam();
  std::vector<std::string> args{"-c", "1"};
  args.insert(args.end(), c.option.begin(), c.option.end());
  if (c.v6) {
    args.insert(args.end(), {"2001:db8:1::1", "2001:db8:1::2"});
  } else {
    args.insert(args.end(), {"198.19.0.1", "198.19.0.2"});
  }

  const RunResult r = ping(args);

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err, "ping: " + c.option[0] + " cannot be used with several targets\n") << r;
  EXPECT_EQ(host_->echo_requests_seen().total(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Options, ManyTargetsRefused,
    ::testing::Values(Refused{"flood", {"-f"}}, Refused{"adaptive", {"-A"}},
                      Refused{"preload", {"-l", "3"}}, Refused{"record_route", {"-R"}},
                      Refused{"timestamp", {"-T", "tsonly"}}, Refused{"outstanding", {"-O"}},
                      Refused{"connect", {"-C"}}, Refused{"flowlabel", {"-F", "1"}, true},
                      Refused{"nodeinfo", {"-N", "name"}, true}),
    [](const ::testing::TestParamInfo<Refused>& param_info) {
      return std::string(param_info.param.name);
    });

TEST_F(ManyTargets, BetterPingRefusesFloodWithSeveralTargetsToo) {
  const RunResult r =
      run(better_ping_command({"-f", "-c", "1", "198.19.0.1", "198.19.0.2"}), in_client());

  EXPECT_EQ(r.exit_code, 2) << r;
  EXPECT_EQ(r.out, "") << r;
  EXPECT_EQ(r.err, "better_ping: -f cannot be used with several targets\n") << r;
  EXPECT_EQ(host_->echo_requests_seen().total(), 0);
}

// --- signals ---------------------------------------------------------------------------------

// "HOST: N/M packets, L% loss, min/avg/ewma/max = a/b/c/d ms", or "HOST: 0/M packets, 100% loss"
::testing::AssertionResult status_line_is_consistent(const std::string& line,
                                                     const std::string& host, bool answering) {
  static const std::regex re(
      R"((\S+): (\d+)/(\d+) packets, (\d+)% loss)"
      R"((, min/avg/ewma/max = \d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3}/\d+\.\d{3} ms)?)");
  std::smatch m;
  if (!std::regex_match(line, m, re)) return ::testing::AssertionFailure() << "\"" << line << "\"";
  const long received = std::stol(m[2]);
  const long sent = std::stol(m[3]);
  const bool ok = m[1] == host && sent >= 3 && std::stol(m[4]) == (sent - received) * 100 / sent &&
                  m[5].matched == (received > 0) &&
                  (answering ? received >= sent - 1 && received <= sent : received == 0);
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << line << "\" for " << host
                                       << (answering ? " (answering)" : " (silent)");
}

TEST_F(ManyTargetsSignals, SigquitPrintsOneStatusLinePerTargetInOrderThenSigintSummaries) {
  const std::vector<std::string> hosts{"198.19.0.1", "198.19.0.2", "198.19.0.3"};
  host_->silence(hosts[1]);
  Process p = Process::start(ping_command({"-i", "0.2", hosts[0], hosts[1], hosts[2]}),
                             in_client(15s));
  ASSERT_TRUE(p.wait_for_output(
      [&](const std::string& out) {
        return replies_from(out, hosts[0]) >= 3 && replies_from(out, hosts[2]) >= 3;
      },
      5s))
      << p.out_so_far() << p.err_so_far();

  p.send_signal(SIGQUIT);
  ASSERT_TRUE(p.wait_for_stderr(
      [](const std::string& err) { return std::count(err.begin(), err.end(), '\n') >= 3; }, 2s))
      << p.err_so_far();
  p.keep_reading(100ms);  // nothing more should come
  p.send_signal(SIGINT);
  const RunResult r = p.finish();

  const auto err = r.err_lines();
  ASSERT_EQ(err.size(), 3u) << r;
  EXPECT_TRUE(status_line_is_consistent(err[0], hosts[0], true)) << r;
  EXPECT_TRUE(status_line_is_consistent(err[1], hosts[1], false)) << r;
  EXPECT_TRUE(status_line_is_consistent(err[2], hosts[2], true)) << r;
  EXPECT_EQ(r.exit_code, 1) << r;  // one target never answered
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), hosts.size(), out)) << r;
  EXPECT_EQ(out.headers, headers_of(hosts));
  ASSERT_EQ(out.blocks.size(), 3u) << r;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const Block& b = out.blocks[i];
    EXPECT_EQ(b.host, hosts[i]);
    EXPECT_EQ(b.received, static_cast<long>(replies_from(r.out, hosts[i]))) << r;
    EXPECT_GE(b.transmitted, 3) << r;  // at least what the status lines counted
    EXPECT_EQ(b.duplicates + b.errors, 0) << r;
  }
  EXPECT_EQ(out.blocks[1].received, 0) << r;
}

// --- another process with the same identifier ------------------------------------------------

// Two runs forced onto identifier 4242 in one namespace: each raw socket sees the other's
// replies. Run B sends with TTL 63 and S answers only those (the rule drops S's requests of
// any other TTL), so S's replies all belong to B; A's requests to S are all lost, each waiting
// 1 s (-W 1), and B (every 0.4 s against A's 0.2 s) answers sequence j 200*(j-1) ms after A
// sent its own j: a pinger that matched only identifier, sequence and source would count them
// for A. X answers both: B's reply j comes after A's own j and would be a duplicate.
TEST_F(ManyTargetsMatching, AnotherProcessWithTheSameIdentifierIsNeverCounted) {
  const std::string s = "198.19.5.1";
  const std::string x = "198.19.5.2";
  host_->target_iptables({"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-d", s,
                          "-m", "ttl", "!", "--ttl-eq", "63", "-j", "DROP"});

  Process b = Process::start(ping_command({"-e", "4242", "-t", "63", "-c", "5", "-i", "0.4", s, x}),
                             in_client());
  Process a = Process::start(ping_command({"-e", "4242", "-c", "5", "-i", "0.2", "-W", "1", s, x}),
                             in_client());
  const RunResult ra = a.finish();
  const RunResult rb = b.finish();

  EXPECT_EQ(ra.exit_code, 1) << ra;  // S never answered A
  EXPECT_EQ(ra.err, "") << ra;
  Output out_a;
  ASSERT_TRUE(read_output(ra.out_lines(), 2, out_a)) << ra;
  EXPECT_TRUE(each_probe_answered_once(out_a.replies, {x}, 5)) << ra;
  ASSERT_EQ(out_a.blocks.size(), 2u) << ra;
  EXPECT_TRUE(block_is(out_a.blocks[0], s, 5, 0)) << ra;
  EXPECT_TRUE(block_is(out_a.blocks[1], x, 5, 5)) << ra;

  EXPECT_EQ(rb.exit_code, 0) << rb;
  EXPECT_EQ(rb.err, "") << rb;
  Output out_b;
  ASSERT_TRUE(read_output(rb.out_lines(), 2, out_b)) << rb;
  EXPECT_TRUE(each_probe_answered_once(out_b.replies, {s, x}, 5)) << rb;
  ASSERT_EQ(out_b.blocks.size(), 2u) << rb;
  EXPECT_TRUE(block_is(out_b.blocks[0], s, 5, 5)) << rb;
  EXPECT_TRUE(block_is(out_b.blocks[1], x, 5, 5)) << rb;
  // Both ran at once: B's requests to S were answered while A's were pending.
  EXPECT_EQ(host_->echo_requests_seen().v4, 20);
}

// --- better_ping -----------------------------------------------------------------------------

// Any reply from any target is a heartbeat: silencing one target is not silence; silencing all
// of them is, and the watchdog stops better_ping after its timeout (1 s here).
TEST_F(ManyTargetsBetterPing, RunsWhileAnyTargetAnswersStops124OnceAllAreSilent) {
  const std::string t1 = "198.19.0.1";
  const std::string t2 = "198.19.0.2";
  Process p = Process::start(
      better_ping_command({"--watchdog-timeout", "1", "-i", "0.2", t1, t2}), in_client(15s));
  ASSERT_TRUE(p.wait_for_output(
      [&](const std::string& out) { return replies_from(out, t1) >= 2 && replies_from(out, t2) >= 2; },
      5s))
      << p.out_so_far() << p.err_so_far();

  host_->silence(t1);
  const std::size_t t2_before = replies_from(p.out_so_far(), t2);
  p.keep_reading(2500ms);  // more than twice the watchdog's timeout
  ASSERT_FALSE(p.has_exited()) << "stopped while " << t2 << " answered:\n"
                               << p.out_so_far() << p.err_so_far();
  EXPECT_GE(replies_from(p.out_so_far(), t2) - t2_before, 10u) << p.out_so_far();

  host_->silence(t2);
  const auto silent_at = Clock::now();
  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 124) << r;
  const auto silent_for = r.exited_at - silent_at;
  EXPECT_GE(silent_for, 700ms) << r;  // the last reply came at most one interval earlier
  EXPECT_LE(silent_for, 2s) << r;
  const auto err = r.err_lines();
  ASSERT_EQ(err.size(), 1u) << r;
  EXPECT_EQ(err[0].rfind("watchdog: no reply", 0), 0u) << r;
  Output out;
  ASSERT_TRUE(read_output(r.out_lines(), 2, out)) << r;
  ASSERT_EQ(out.blocks.size(), 2u) << r;
  EXPECT_EQ(out.blocks[0].host, t1);
  EXPECT_EQ(out.blocks[1].host, t2);
  EXPECT_EQ(out.blocks[0].received, static_cast<long>(replies_from(r.out, t1))) << r;
  EXPECT_EQ(out.blocks[1].received, static_cast<long>(replies_from(r.out, t2))) << r;
}

}  // namespace
}  // namespace bp::it
