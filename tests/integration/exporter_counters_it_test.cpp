// The exporter's counters against the hostile responder (tests/responder), over IPv4 and
// IPv6: what the responder was told to do (delay, duplicate, corrupt, answer with an ICMP
// error, drop) or the host's firewall did (REJECT) is exactly what /metrics shows per target.
//
// Exactness without racing the probe loop: each run has -c N and a second target (the host's
// other address) whose requests the host's firewall drops. After its N probes the exporter
// waits -W for that target's last one, so for those seconds the first target's figures are
// final; the test scrapes then, checks they stay put, and stops it with SIGTERM.
//
// Network rule: the HostileHost namespaces only (198.18.0.0/24, 2001:db8::/64).

#include <signal.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/integration/exporter_it_support.h"
#include "tests/integration/responder_host.h"

namespace bp::it {
namespace {

using std::chrono::milliseconds;

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
    for (const std::string& kind : icmp_error_kinds()) {
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
  for (const std::string& kind : icmp_error_kinds()) f.icmp_errors[kind] = 0;
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
