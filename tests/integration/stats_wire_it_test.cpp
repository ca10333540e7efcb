// Statistics against the wire (issue 13): the percentiles, mean and jitter that `ping --json`
// reports must match the same figures computed from a packet capture of the pinger's veth,
// within 3 %.
//
// The responder (tests/responder) delays each reply by 2 ms plus its own draw, uniform in
// [0, 20 ms), fixed by the request's identifier and sequence number: RTTs span about 2..22 ms,
// so the tens of microseconds between a kernel stamp and tcpdump's stay far below 3 %.
// tcpdump records the client's veth with nanosecond stamps; wire_stats.py pairs each request
// with its first reply and computes the figures by the definitions in its header.
//
// Reordering: at -i 0.01 a 20 ms spread keeps two or three replies in flight, and replies
// overtake earlier ones (about one in ten was seen). ping leaves an overtaken reply out of its
// jitter; wire_stats.py applies the same rule to the capture (arrival order, replies below the
// highest sequence answered so far skipped), so both sides estimate the jitter over the same
// replies. An interval above the spread (-i 0.05) would rule reordering out, but would make
// each run five times as long.
//
// Each run: 300 probes at 10 ms (about 3 s plus the last delays). Needs root (namespaces,
// tcpdump) and python3 with bench/lib/pcap_icmp.py from the source tree (BP_SOURCE_DIR).

#include <signal.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/integration/responder_host.h"

namespace bp::it {
namespace {

constexpr double kTolerance = 0.03;  // relative
constexpr int kCount = 300;

struct FamilyCase {
  const char* name;
  const char* host;
};
const FamilyCase kIpv4{"Ipv4", TestNet::kHostV4};
const FamilyCase kIpv6{"Ipv6", TestNet::kHostV6};

void PrintTo(const FamilyCase& f, std::ostream* os) { *os << f.name; }

// --- reading JSON without a JSON library -------------------------------------------------------

// The number after "key": in `json` (the first one), nullopt if there is none. Enough for the
// flat objects here: the keys looked up are unique within their line or sub-object.
std::optional<double> number_field(const std::string& json, const std::string& key) {
  const std::regex re("\"" + key + R"("\s*:\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?))");
  std::smatch m;
  if (!std::regex_search(json, m, re)) return std::nullopt;
  return std::stod(m[1]);
}

// The object after "key": (up to its first closing brace: no nesting inside it), or "".
std::string object_field(const std::string& json, const std::string& key) {
  const std::regex re("\"" + key + R"("\s*:\s*(\{[^{}]*\}))");
  std::smatch m;
  return std::regex_search(json, m, re) ? std::string(m[1]) : std::string();
}

// --- the figures on both sides -------------------------------------------------------------

struct Figures {
  double p50 = -1, p90 = -1, p99 = -1, mean = -1, jitter = -1;
};

std::ostream& operator<<(std::ostream& os, const Figures& f) {
  return os << "p50 " << f.p50 << " p90 " << f.p90 << " p99 " << f.p99 << " mean " << f.mean
            << " jitter " << f.jitter << " ms";
}

struct PingSide {
  Figures figures;
  double transmitted = -1, received = -1;
};

// From ping's {"type":"summary",...} line; nullopt if there is none or a figure is missing.
std::optional<PingSide> ping_summary(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    if (line.find(R"("type":"summary")") == std::string::npos) continue;
    const std::string rtt = object_field(line, "rtt_ms");
    const auto p50 = number_field(rtt, "p50");
    const auto p90 = number_field(rtt, "p90");
    const auto p99 = number_field(rtt, "p99");
    const auto avg = number_field(rtt, "avg");
    const auto jitter = number_field(line, "jitter_ms");
    const auto transmitted = number_field(line, "transmitted");
    const auto received = number_field(line, "received");
    if (!p50 || !p90 || !p99 || !avg || !jitter || !transmitted || !received) return std::nullopt;
    return PingSide{{*p50, *p90, *p99, *avg, *jitter}, *transmitted, *received};
  }
  return std::nullopt;
}

// From wire_stats.py's one-line object.
std::optional<Figures> wire_figures(const std::string& json) {
  const auto p50 = number_field(json, "p50");
  const auto p90 = number_field(json, "p90");
  const auto p99 = number_field(json, "p99");
  const auto mean = number_field(json, "mean");
  const auto jitter = number_field(json, "jitter");
  if (!p50 || !p90 || !p99 || !mean || !jitter) return std::nullopt;
  return Figures{*p50, *p90, *p99, *mean, *jitter};
}

// --- one captured run ------------------------------------------------------------------------

// A directory under /tmp for the capture, removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "bp-wire-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The client namespace's veth, from `ip -o link show type veth` ("2: veth-client@if3: ...").
std::string client_interface(const TestNet& net) {
  const RunResult r = run({"ip", "-n", net.client().name(), "-o", "link", "show", "type", "veth"});
  static const std::regex re(R"(^\d+:\s*([^@:\s]+))");
  std::smatch m;
  if (r.exit_code != 0 || !std::regex_search(r.out, m, re)) {
    throw std::runtime_error("no veth in the client namespace: " + r.out + r.err);
  }
  return m[1];
}

struct WireRun {
  RunResult ping;
  std::optional<PingSide> reported;
  std::optional<Figures> wire;
  std::string wire_json;
};

class StatsWire : public ::testing::TestWithParam<FamilyCase> {
 protected:
  void SetUp() override { BP_SKIP_UNLESS_ROOT(); }

  // Starts tcpdump on the client's veth, writing to `file`, and waits until it listens.
  static Process start_capture(const TestNet& net, const std::filesystem::path& file) {
    Launch launch;
    launch.netns = net.client().name();
    launch.timeout = 40s;
    // --immediate-mode: each packet is written as it comes, none is left in the ring when
    // SIGINT ends the capture. -Z root: keep the right to write the file.
    Process capture = Process::start(
        {"tcpdump", "-i", client_interface(net), "--time-stamp-precision=nano", "--immediate-mode",
         "-p", "-n", "-U", "-Z", "root", "-s", "128", "-w", file.string(), "icmp or icmp6"},
        launch);
    const bool listening = capture.wait_for_stderr(
        [](const std::string& err) { return err.find("listening on") != std::string::npos; }, 5s);
    if (!listening) throw std::runtime_error("tcpdump did not start: " + capture.err_so_far());
    return capture;
  }

  // The whole run: responder, capture, ping --json, then the capture's figures.
  WireRun run_against_wire(const HostileHost& host, Process& responder) {
    const ScratchDir dir;
    const std::filesystem::path pcap = dir.path() / "wire.pcap";
    Process capture = start_capture(host.net(), pcap);
    Launch launch;
    launch.netns = host.net().client().name();
    launch.timeout = 30s;
    WireRun w;
    w.ping = run(ping_command({"--json", "-c", std::to_string(kCount), "-i", "0.01", "-W", "2",
                               GetParam().host}),
                 launch);
    capture.send_signal(SIGINT);
    const RunResult captured = capture.finish();
    EXPECT_EQ(captured.exit_code, 0) << "tcpdump: " << captured;
    HostileHost::stop_responder(responder);
    w.reported = ping_summary(w.ping.out_lines());
    const std::string script = std::string(BP_SOURCE_DIR) + "/tests/integration/wire_stats.py";
    const RunResult stats = run({"/usr/bin/python3", script, BP_SOURCE_DIR, pcap.string(), GetParam().host});
    EXPECT_EQ(stats.exit_code, 0) << "wire_stats.py: " << stats;
    w.wire_json = stats.out;
    w.wire = wire_figures(stats.out);
    expect_every_line_is_json(w.ping, dir.path() / "ping.out");
    return w;
  }

  // Every stdout line parses as JSON (python3's json module, line by line).
  static void expect_every_line_is_json(const RunResult& ping, const std::filesystem::path& file) {
    std::ofstream(file) << ping.out;
    const RunResult check =
        run({"/usr/bin/python3", "-c",
             "import json, sys\n"
             "for n, line in enumerate(open(sys.argv[1]), 1):\n"
             "    try: json.loads(line)\n"
             "    except ValueError as e: sys.exit(f'line {n} is not JSON ({e}): {line!r}')\n",
             file.string()});
    EXPECT_EQ(check.exit_code, 0) << check.err << "\nping: " << ping;
  }

  // A fresh hostile host with the spread, and one captured run against it.
  WireRun captured_run() {
    HostileHost host;
    Process responder = host.start_responder({"--delay-ms", "2", "--delay-spread-ms", "20"}, 40s);
    return run_against_wire(host, responder);
  }
};

void expect_close(const char* what, double reported, double wire, const WireRun& w) {
  EXPECT_LE(std::abs(reported - wire), kTolerance * wire)
      << what << ": ping " << reported << " ms, wire " << wire << " ms\nwire: " << w.wire_json
      << "ping: " << w.ping;
}

TEST_P(StatsWire, ReportedStatisticsMatchTheCapture) {
  const auto w = captured_run();
  EXPECT_EQ(w.ping.exit_code, 0) << w.ping;
  ASSERT_TRUE(w.reported) << "no complete summary line\n" << w.ping;
  ASSERT_TRUE(w.wire) << w.wire_json;
  EXPECT_EQ(w.reported->transmitted, kCount) << w.ping;
  EXPECT_EQ(w.reported->received, kCount) << w.ping;
  EXPECT_EQ(number_field(w.wire_json, "replies"), kCount) << w.wire_json;
  const Figures& ping = w.reported->figures;
  const Figures& wire = *w.wire;
  expect_close("p50", ping.p50, wire.p50, w);
  expect_close("p90", ping.p90, wire.p90, w);
  expect_close("p99", ping.p99, wire.p99, w);
  expect_close("mean", ping.mean, wire.mean, w);
  expect_close("jitter", ping.jitter, wire.jitter, w);
}

// A percentile taken from coarse buckets would put p50 and p90 on bucket edges: the distance
// between them would be off by up to a bucket. Here it must match the wire's within 3 % of p50.
TEST_P(StatsWire, PercentilesAreNotBucketed) {
  const auto w = captured_run();
  ASSERT_TRUE(w.reported) << "no complete summary line\n" << w.ping;
  ASSERT_TRUE(w.wire) << w.wire_json;
  const Figures& ping = w.reported->figures;
  const Figures& wire = *w.wire;
  EXPECT_LE(std::abs((ping.p90 - ping.p50) - (wire.p90 - wire.p50)), kTolerance * wire.p50)
      << "ping: " << ping << "\nwire: " << wire << "\n"
      << w.ping;
}

std::string family_name(const ::testing::TestParamInfo<FamilyCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Families, StatsWire, ::testing::Values(kIpv4, kIpv6), family_name);

}  // namespace
}  // namespace bp::it
