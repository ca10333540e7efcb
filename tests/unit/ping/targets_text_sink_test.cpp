// TargetsTextSink: iputils' text for several targets, as golden strings, from a ProbeEngine run
// through the fake network: headers in target order, reply and error lines as they come, the
// summary blocks in target order, and SIGQUIT's named status lines.

#include "ping/output/targets_text_sink.h"

#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include "ping/packet/payload.h"
#include "tests/unit/ping/fake_network.h"

namespace bp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test::SentProbe;

const MonoTime kStart = MonoTime(seconds(50));
const WallClockTime kNow{seconds(1700000000)};
const IpAddress kA = IpAddress::v4(std::array<std::uint8_t, 4>{198, 19, 0, 1});
const IpAddress kB = IpAddress::v6(std::array<std::uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5});
const IpAddress kC = IpAddress::v4(std::array<std::uint8_t, 4>{198, 19, 0, 9});
const IpAddress kRouter = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 1});

EngineConfig config(std::uint64_t count) {
  EngineConfig c;
  c.identifiers = {0x4242, 0x4242};
  c.payload.resize(56);
  fill_payload(c.payload);
  c.nonce = 99;
  c.count = count;
  c.wait = seconds(1);
  return c;
}

// As the targets loop builds it: no reply comes from the TextSink's own target, so every
// address is named through the lookup (none here: numeric).
IpAddress no_address() {
  IpAddress a{Family::kIpv6, {}};
  a.bytes.fill(0xFF);
  return a;
}

TextSinkSettings settings(bool quiet = false) {
  TextSinkSettings s;
  s.program = "ping";
  s.quiet = quiet;
  return s;
}

struct Harness {
  test::FakeNetwork net;
  ProbeEngine engine;
  std::string out;
  std::string err;
  TextSink text;
  TargetsTextSink sink;

  Harness(std::uint64_t count, std::vector<IpAddress> targets, std::vector<std::string> names,
          TextSinkSettings s = settings())
      : engine(config(count), std::move(targets), kStart),
        text(std::move(s), no_address(), [] { return kNow; }, {}, out, err),
        sink(engine, std::move(names), text, err) {}

  void send_at(MonoTime now) {
    net.clock = now;
    engine.send_due(now, net, sink);
  }
  void answer(const SentProbe& probe, Duration rtt) {
    const std::vector<std::uint8_t> bytes = test::reply_bytes(probe);
    ReadMeta meta;
    meta.from = probe.to;
    meta.read_at = probe.at + rtt;
    Envelope envelope;
    envelope.ttl = 64;
    engine.on_echo_reply(test::parse_reply(probe.to.family, bytes), envelope, meta, sink);
  }
};

// Three rounds of A (RTTs 100, 200, 300 us), B (1.0, 1.5, 2.0 ms) and C (silent), then C's -W.
void three_rounds(Harness& h) {
  const Duration rtt_a[] = {microseconds(100), microseconds(200), microseconds(300)};
  const Duration rtt_b[] = {microseconds(1000), microseconds(1500), microseconds(2000)};
  for (int r = 0; r < 3; ++r) {
    for (int i = 0; i < 3; ++i) {
      h.send_at(kStart + seconds(r) + milliseconds(334 * i));
      if (i == 0) h.answer(h.net.sent.back(), rtt_a[r]);
      if (i == 1) h.answer(h.net.sent.back(), rtt_b[r]);
    }
  }
  h.engine.expire(kStart + seconds(10), h.sink);
}

HeaderLine header(const std::string& address, Family family) {
  HeaderLine h;
  h.host = address;
  h.address = address;
  h.family = family;
  return h;
}

std::vector<std::string> names() { return {"198.19.0.1", "2001:db8:1::5", "198.19.0.9"}; }

TEST(TargetsTextSink, HeadersInTargetOrder) {
  Harness h(1, {kA, kB, kC}, names());
  h.sink.headers({header("198.19.0.1", Family::kIpv4), header("2001:db8:1::5", Family::kIpv6),
                  header("198.19.0.9", Family::kIpv4)});
  EXPECT_EQ(h.out,
            "PING 198.19.0.1 (198.19.0.1) 56(84) bytes of data.\n"
            "PING 2001:db8:1::5(2001:db8:1::5) 56 data bytes\n"
            "PING 198.19.0.9 (198.19.0.9) 56(84) bytes of data.\n");
}

TEST(TargetsTextSink, ReplyLinesAsTheyComeLostProbesSilent) {
  Harness h(3, {kA, kB, kC}, names());
  three_rounds(h);
  EXPECT_EQ(h.out,
            "64 bytes from 198.19.0.1: icmp_seq=1 ttl=64 time=0.100 ms\n"
            "64 bytes from 2001:db8:1::5: icmp_seq=1 ttl=64 time=1.00 ms\n"
            "64 bytes from 198.19.0.1: icmp_seq=2 ttl=64 time=0.200 ms\n"
            "64 bytes from 2001:db8:1::5: icmp_seq=2 ttl=64 time=1.50 ms\n"
            "64 bytes from 198.19.0.1: icmp_seq=3 ttl=64 time=0.300 ms\n"
            "64 bytes from 2001:db8:1::5: icmp_seq=3 ttl=64 time=2.00 ms\n");
  EXPECT_EQ(h.err, "");
  EXPECT_EQ(h.engine.figures(2).lost, 3u);
}

TEST(TargetsTextSink, SummariesInTargetOrder) {
  Harness h(3, {kA, kB, kC}, names());
  three_rounds(h);
  h.out.clear();
  h.sink.summaries();
  EXPECT_EQ(h.out,
            "\n--- 198.19.0.1 ping statistics ---\n"
            "3 packets transmitted, 3 received, 0% packet loss, time 2000ms\n"
            "rtt min/avg/max/mdev = 0.100/0.200/0.300/0.082 ms\n"
            "\n--- 2001:db8:1::5 ping statistics ---\n"
            "3 packets transmitted, 3 received, 0% packet loss, time 2000ms\n"
            "rtt min/avg/max/mdev = 1.000/1.500/2.000/0.408 ms\n"
            "\n--- 198.19.0.9 ping statistics ---\n"
            "3 packets transmitted, 0 received, 100% packet loss, time 2000ms\n"
            "\n");
}

TEST(TargetsTextSink, StatusLinesNamedOnStderrWithoutCarriageReturn) {
  Harness h(3, {kA, kB, kC}, names());
  three_rounds(h);
  h.out.clear();
  h.sink.status();
  EXPECT_EQ(h.err,
            "198.19.0.1: 3/3 packets, 0% loss, min/avg/ewma/max = 0.100/0.200/0.136/0.300 ms\n"
            "2001:db8:1::5: 3/3 packets, 0% loss, min/avg/ewma/max = 1.000/1.500/1.179/2.000 ms\n"
            "198.19.0.9: 0/3 packets, 100% loss\n");
  EXPECT_EQ(h.out, "");
}

TEST(TargetsTextSink, StatusMidRunAndBeforeAnyProbe) {
  Harness h(3, {kA, kC}, {"198.19.0.1", "198.19.0.9"});
  h.sink.status();
  EXPECT_EQ(h.err, "198.19.0.1: 0/0 packets, 0% loss\n198.19.0.9: 0/0 packets, 0% loss\n");
  h.err.clear();
  h.send_at(kStart + seconds(1));  // A twice, C once
  h.answer(h.net.sent[0], microseconds(150));
  h.sink.status();
  EXPECT_EQ(h.err,
            "198.19.0.1: 1/2 packets, 50% loss, min/avg/ewma/max = 0.150/0.150/0.150/0.150 ms\n"
            "198.19.0.9: 0/1 packets, 100% loss\n");
}

TEST(TargetsTextSink, SummaryUsesTheGivenNameAndEveryCount) {
  Harness h(2, {kA, kC}, {"alpha.test", "198.19.0.9"});
  h.send_at(kStart + seconds(1) + milliseconds(500));
  h.answer(h.net.sent[0], microseconds(500));
  h.answer(h.net.sent[0], microseconds(700));  // duplicate
  h.engine.on_queued_error(kA, h.net.sent[2].icmp, 3, 1, 0, kRouter, h.sink);
  const Summary s = h.sink.summary(0);
  EXPECT_EQ(s.host, "alpha.test");
  EXPECT_EQ(s.counts.transmitted, 2);
  EXPECT_EQ(s.counts.received, 1);
  EXPECT_EQ(s.counts.duplicates, 1);
  EXPECT_EQ(s.counts.errors, 1);
  EXPECT_EQ(s.counts.elapsed, Duration::zero());  // all four sent in one late turn
  h.out.clear();
  h.sink.summaries();
  EXPECT_EQ(h.out,
            "\n--- alpha.test ping statistics ---\n"
            "2 packets transmitted, 1 received, +1 duplicates, +1 errors, 50% packet loss, time 0ms\n"
            "rtt min/avg/max/mdev = 0.500/0.600/0.700/0.100 ms\n"
            "\n--- 198.19.0.9 ping statistics ---\n"
            "2 packets transmitted, 0 received, 100% packet loss, time 0ms\n"
            "\n");
}

TEST(TargetsTextSink, ErrorLinesThroughTheTextSink) {
  Harness h(0, {kA, kB}, {"198.19.0.1", "2001:db8:1::5"});
  h.send_at(kStart + milliseconds(500));
  h.engine.on_queued_error(kA, h.net.sent[0].icmp, 3, 1, 0, kRouter, h.sink);
  h.engine.on_local_error(kA, EMSGSIZE, 1400, h.sink);
  h.engine.on_local_error(kB, EMSGSIZE, 1280, h.sink);
  EXPECT_EQ(h.out, "From 198.18.0.1 icmp_seq=1 Destination Host Unreachable\n");
  EXPECT_EQ(h.err,
            "ping: local error: message too long, mtu=1400\n"
            "ping: local error: message too long, mtu: 1280\n");
}

TEST(TargetsTextSink, FailedSendGoesToStderr) {
  Harness h(1, {kA}, {"198.19.0.1"});
  h.net.error = ENETUNREACH;
  h.send_at(kStart);
  EXPECT_EQ(h.out, "");
  EXPECT_EQ(h.err, "ping: sendmsg: Network is unreachable\n");
}

TEST(TargetsTextSink, QuietPrintsOnlyTheSummaries) {
  Harness h(3, {kA, kB, kC}, names(), settings(true));
  three_rounds(h);
  h.engine.on_queued_error(kA, h.net.sent[0].icmp, 3, 1, 0, kRouter, h.sink);
  EXPECT_EQ(h.out, "");
  h.sink.summaries();
  EXPECT_EQ(h.out.rfind("\n--- 198.19.0.1 ping statistics ---\n", 0), 0u);
  EXPECT_NE(h.out.find("\n--- 198.19.0.9 ping statistics ---\n"), std::string::npos);
}

}  // namespace
}  // namespace bp
