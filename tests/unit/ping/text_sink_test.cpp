// TextSink: iputils' text from a session's events, as golden strings. The wall clock and the
// reverse names are the test's own (no clock, no lookups).

#include "ping/output/text_sink.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <vector>

namespace bp {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

const IpAddress kTarget = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 2});
const IpAddress kRouter = IpAddress::v4(std::array<std::uint8_t, 4>{198, 18, 0, 1});
const WallClockTime kNow{seconds(1700000000) + microseconds(250)};

ReplyEvent first_reply(std::uint16_t seq) {
  ReplyEvent e;
  e.sequence = seq;
  e.identifier = 0x1234;
  e.icmp_bytes = 64;
  e.from = kTarget;
  e.ttl = 64;
  e.rtt = microseconds(167);
  return e;
}

struct Fixture {
  std::string out;
  std::string err;
  TextSink sink;

  explicit Fixture(TextSinkSettings settings, NameLookup names = {})
      : sink(std::move(settings), kTarget, [] { return kNow; }, std::move(names), out, err) {}
};

TextSinkSettings plain() {
  TextSinkSettings s;
  s.program = "/usr/bin/ping";
  return s;
}

TEST(TextSink, ReplyLineAsIputils) {
  Fixture f(plain());
  f.sink.on_reply(first_reply(1));
  EXPECT_EQ(f.out, "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.167 ms\n");
  EXPECT_EQ(f.err, "");
}

TEST(TextSink, DuplicateDifferentAddressAndVerboseIdentifier) {
  TextSinkSettings s = plain();
  s.show_identifier = true;
  Fixture f(s);
  ReplyEvent e = first_reply(2);
  e.status = ReplyStatus::kDuplicate;
  e.from = kRouter;
  e.different_address = true;
  f.sink.on_reply(e);
  EXPECT_EQ(f.out,
            "64 bytes from 198.18.0.1: icmp_seq=2 ident=4660 ttl=64 time=0.167 ms (DUP!) "
            "(DIFFERENT ADDRESS!)\n");
}

TEST(TextSink, BadChecksumShowsOnlyTheMark) {
  Fixture f(plain());
  ReplyEvent e = first_reply(3);
  e.status = ReplyStatus::kBadChecksum;
  e.different_address = true;  // not shown for a corrupt reply, as iputils
  f.sink.on_reply(e);
  EXPECT_EQ(f.out, "64 bytes from 198.18.0.2: icmp_seq=3 ttl=64 time=0.167 ms (BAD CHECKSUM!)\n");
}

TEST(TextSink, QuietPrintsNoRepliesNorErrorsButTheSummary) {
  TextSinkSettings s = plain();
  s.quiet = true;
  Fixture f(s);
  f.sink.on_reply(first_reply(1));
  f.sink.on_icmp_error(IcmpErrorEvent{ErrorOrigin::kErrorQueue, 1, kRouter, 3, 1, 0, true}, Family::kIpv4);
  EXPECT_EQ(f.out, "");
  Summary summary;
  summary.host = "198.18.0.2";
  summary.counts.transmitted = 1;
  summary.counts.received = 1;
  f.sink.on_summary(summary);
  EXPECT_EQ(f.out,
            "\n--- 198.18.0.2 ping statistics ---\n"
            "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n\n");
}

TEST(TextSink, FloodMarksOnlyWhenWritten) {
  TextSinkSettings s = plain();
  s.flood = true;
  s.flood_marks = true;
  Fixture f(s);
  f.sink.on_sent();
  f.sink.on_reply(first_reply(1));
  f.sink.on_sent();
  ReplyEvent bad = first_reply(2);
  bad.status = ReplyStatus::kBadChecksum;
  f.sink.on_reply(bad);
  f.sink.on_icmp_error(IcmpErrorEvent{ErrorOrigin::kErrorQueue, 2, kRouter, 3, 1, 0, true}, Family::kIpv4);
  f.sink.on_send_failed(EPERM);
  EXPECT_EQ(f.out, ".\b \b.\bC\bEE");
  EXPECT_EQ(f.err, "");

  TextSinkSettings piped = s;
  piped.flood_marks = false;  // stdout is not a terminal: no animation, and errors as lines
  Fixture g(piped);
  g.sink.on_sent();
  g.sink.on_reply(first_reply(1));
  g.sink.on_send_failed(EPERM);
  EXPECT_EQ(g.out, "");
  EXPECT_EQ(g.err, "/usr/bin/ping: sendmsg: Operation not permitted\n");
}

TEST(TextSink, ErrorLinesFromTheQueueAndInBand) {
  Fixture f(plain());
  f.sink.on_icmp_error(IcmpErrorEvent{ErrorOrigin::kErrorQueue, 4, kRouter, 3, 1, 0, true}, Family::kIpv4);
  f.sink.on_icmp_error(IcmpErrorEvent{ErrorOrigin::kInBand, 5, kRouter, 4, 0, 0, true}, Family::kIpv4);
  EXPECT_EQ(f.out,
            "From 198.18.0.1 icmp_seq=4 Destination Host Unreachable\n"
            "From 198.18.0.1: icmp_seq=5 Source Quench\n");
}

TEST(TextSink, LocalErrorsGoToStderrWithArgv0) {
  Fixture f(plain());
  f.sink.on_local_error(EMSGSIZE, 1500, Family::kIpv4);
  f.sink.on_local_error(EMSGSIZE, 1280, Family::kIpv6);
  f.sink.on_local_error(EHOSTUNREACH, 0, Family::kIpv4);
  EXPECT_EQ(f.err,
            "/usr/bin/ping: local error: message too long, mtu=1500\n"
            "/usr/bin/ping: local error: message too long, mtu: 1280\n"
            "/usr/bin/ping: local error: No route to host\n");
}

TEST(TextSink, TimestampsNeverGoBackwards) {
  TextSinkSettings s = plain();
  s.timestamps = true;
  Fixture f(s);
  f.sink.on_no_answer_yet(1);  // stamped with the wall clock: kNow
  ReplyEvent late = first_reply(2);
  late.received_at = seconds(1700000000) + microseconds(240);  // read after, received before
  f.sink.on_reply(late);
  ReplyEvent later = first_reply(3);
  later.received_at = seconds(1700000000) + microseconds(900);
  f.sink.on_reply(later);
  EXPECT_EQ(f.out,
            "[1700000000.000250] no answer yet for icmp_seq=1\n"
            "[1700000000.000250] 64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.167 ms\n"
            "[1700000000.000900] 64 bytes from 198.18.0.2: icmp_seq=3 ttl=64 time=0.167 ms\n");
}

TEST(TextSink, NamesComeFromTheLookupOnceKnown) {
  std::map<std::string, std::string> known{{"198.18.0.1", "router.test"}};
  auto names = [&known](const IpAddress& a) -> std::optional<std::string> {
    const auto it = known.find(a == kRouter ? "198.18.0.1" : "other");
    if (it == known.end()) return std::nullopt;
    return it->second;
  };
  Fixture f(plain(), names);
  ReplyEvent e = first_reply(1);
  e.from = kRouter;
  f.sink.on_reply(e);
  f.sink.on_reply(first_reply(2));  // the target's name is not known (yet): the address
  EXPECT_EQ(f.out,
            "64 bytes from router.test (198.18.0.1): icmp_seq=1 ttl=64 time=0.167 ms\n"
            "64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.167 ms\n");
}

TEST(TextSink, AudibleAndRecordRoute) {
  TextSinkSettings s = plain();
  s.audible = true;
  Fixture f(s);
  // A reply's options as the kernel of 198.18.0.2 returns them to -R (ping_options_it_test):
  // record route, length 39, pointer 16 after 3 addresses, then an end-of-list byte.
  std::vector<std::uint8_t> options{0x07, 0x27, 0x10, 198, 18, 0, 1, 198, 18, 0, 2, 198, 18, 0, 1};
  options.resize(40, 0x00);
  ReplyEvent e = first_reply(1);
  e.ip_options = options;
  f.sink.on_reply(e);
  ReplyEvent again = first_reply(2);
  again.ip_options = options;
  f.sink.on_reply(again);
  EXPECT_EQ(f.out,
            "64 bytes from 198.18.0.2: icmp_seq=1 ttl=64 time=0.167 ms\a\nRR: \t198.18.0.1\n"
            "\t198.18.0.2\n\t198.18.0.1\n\n"
            "64 bytes from 198.18.0.2: icmp_seq=2 ttl=64 time=0.167 ms\a\t(same route)\n");
}

TEST(TextSink, StatusLineOnStderrWithCarriageReturnOnlyForATerminal) {
  Fixture f(plain());
  Summary summary;
  summary.counts.transmitted = 4;
  summary.counts.received = 3;
  f.sink.on_status(summary, /*stderr_is_terminal=*/false);
  f.sink.on_status(summary, /*stderr_is_terminal=*/true);
  EXPECT_EQ(f.err, "3/4 packets, 25% loss\n\r3/4 packets, 25% loss\n");
}

}  // namespace
}  // namespace bp
