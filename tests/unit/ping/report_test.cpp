#include "ping/output/report.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

// Golden strings: unless a test says otherwise, every expected string below was printed by
// Debian's iputils-ping 3:20221126 (run on 127.0.0.x/::1 only, some in a private network
// namespace with nftables/iptables rules to provoke errors, loss, duplicates and corrupted
// payloads) or is quoted in docs/reference/ping-anchors.md from iputils HEAD. The inputs are
// the values that produce those lines (e.g. an RTT that iputils printed as "0.025").

namespace bp {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

WallClockTime wall_clock(std::int64_t seconds, std::int64_t micros) {
  return WallClockTime{std::chrono::seconds{seconds} + microseconds{micros}};
}

ReplyLine loopback_reply(std::uint16_t sequence, nanoseconds rtt) {
  ReplyLine reply;
  reply.icmp_bytes = 64;
  reply.from = "127.0.0.1";
  reply.sequence = sequence;
  reply.ttl = 64;
  reply.rtt = rtt;
  return reply;
}

// ---- RTT digits (gather_statistics' rounding rule) ----

TEST(RttFormat, BelowOneMillisecondPrintsMicrosecondsAsThreeDecimals) {
  EXPECT_EQ(format_rtt_ms(microseconds{25}, false), "0.025");
  EXPECT_EQ(format_rtt_ms(microseconds{167}, false), "0.167");
  EXPECT_EQ(format_rtt_ms(microseconds{999}, false), "0.999");
  EXPECT_EQ(format_rtt_ms(nanoseconds{0}, false), "0.000");
}

TEST(RttFormat, NanosecondsRoundToTheNearestMicrosecond) {
  EXPECT_EQ(format_rtt_ms(nanoseconds{166'499}, false), "0.166");
  EXPECT_EQ(format_rtt_ms(nanoseconds{166'500}, false), "0.167");
  EXPECT_EQ(to_report_microseconds(nanoseconds{1'499}), 1);
  EXPECT_EQ(to_report_microseconds(nanoseconds{1'500}), 2);
}

TEST(RttFormat, HalfAMicrosecondBelowOneMillisecondMovesToTwoDecimals) {
  EXPECT_EQ(format_rtt_ms(nanoseconds{999'499}, false), "0.999");
  EXPECT_EQ(format_rtt_ms(nanoseconds{999'500}, false), "1.00");
}

TEST(RttFormat, OneToTenMillisecondsPrintTwoDecimalsRoundedHalfUp) {
  EXPECT_EQ(format_rtt_ms(microseconds{1'000}, false), "1.00");
  EXPECT_EQ(format_rtt_ms(microseconds{2'344}, false), "2.34");
  EXPECT_EQ(format_rtt_ms(microseconds{2'345}, false), "2.35");
  EXPECT_EQ(format_rtt_ms(microseconds{6'390}, false), "6.39");
  EXPECT_EQ(format_rtt_ms(microseconds{9'994}, false), "9.99");
}

TEST(RttFormat, NinePointNineNineFiveMillisecondsBecomesTenPointZero) {
  EXPECT_EQ(format_rtt_ms(microseconds{9'995}, false), "10.0");
}

TEST(RttFormat, TenToHundredMillisecondsPrintOneDecimal) {
  EXPECT_EQ(format_rtt_ms(microseconds{10'049}, false), "10.0");
  EXPECT_EQ(format_rtt_ms(microseconds{10'050}, false), "10.1");
  EXPECT_EQ(format_rtt_ms(microseconds{99'949}, false), "99.9");
}

TEST(RttFormat, NinetyNinePointNineFiveMillisecondsBecomesWholeHundred) {
  EXPECT_EQ(format_rtt_ms(microseconds{99'950}, false), "100");
  EXPECT_EQ(format_rtt_ms(microseconds{199'499}, false), "199");
  EXPECT_EQ(format_rtt_ms(microseconds{199'500}, false), "200");
  EXPECT_EQ(format_rtt_ms(std::chrono::seconds{3}, false), "3000");
}

TEST(RttFormat, ThreeDecimalsOptionNeverRounds) {
  EXPECT_EQ(format_rtt_ms(microseconds{9'995}, true), "9.995");
  EXPECT_EQ(format_rtt_ms(microseconds{123'456}, true), "123.456");
  EXPECT_EQ(format_rtt_ms(microseconds{25}, true), "0.025");
}

// ---- header, pattern, timestamp ----

TEST(Header, Ipv4ShowsPayloadAndIpPacketSize) {
  HeaderLine header{"127.0.0.1", "127.0.0.1", Family::kIpv4, 56, std::nullopt, "", std::nullopt, 0};
  EXPECT_EQ(format_header(header), "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n");
  header.payload_size = 4;
  EXPECT_EQ(format_header(header), "PING 127.0.0.1 (127.0.0.1) 4(32) bytes of data.\n");
  header.payload_size = 1000;
  EXPECT_EQ(format_header(header), "PING 127.0.0.1 (127.0.0.1) 1000(1028) bytes of data.\n");
}

TEST(Header, NameAndAddressDiffer) {
  const HeaderLine header{"localhost", "127.0.0.1", Family::kIpv4, 56, std::nullopt, "", std::nullopt, 0};
  EXPECT_EQ(format_header(header), "PING localhost (127.0.0.1) 56(84) bytes of data.\n");
}

TEST(Header, Ipv6UsesDebianIputilsFormWithoutASpace) {
  // Debian's iputils 20221126 prints "PING ::1(::1) 56 data bytes"; jc --ping needs that form
  // (with the space it reads the destination as "56"). ping-anchors.md 2.3.
  const HeaderLine header{"::1", "::1", Family::kIpv6, 56, std::nullopt, "", std::nullopt, 0};
  EXPECT_EQ(format_header(header), "PING ::1(::1) 56 data bytes\n");
}

TEST(Header, Ipv6ShowsTheReverseNameInsideTheParenthesesAsIputils) {
  const HeaderLine header{"localhost", "localhost (::1)", Family::kIpv6, 56, std::nullopt, "", std::nullopt, 0};
  EXPECT_EQ(format_header(header), "PING localhost(localhost (::1)) 56 data bytes\n");
}

TEST(Header, Ipv6FlowLabelFollowsTheAddress) {
  HeaderLine header{"::1", "::1", Family::kIpv6, 56, std::nullopt, "", std::nullopt, 0};
  header.flow_label = 0x12345;
  EXPECT_EQ(format_header(header), "PING ::1(::1) , flow 0x12345, 56 data bytes\n");
  header.flow_label = 0xab;
  EXPECT_EQ(format_header(header), "PING ::1(::1) , flow 0x000ab, 56 data bytes\n");
}

TEST(Header, Ipv4IpOptionsCountInThePacketSize) {
  HeaderLine header{"127.0.0.1", "127.0.0.1", Family::kIpv4, 56, std::nullopt, "", std::nullopt, 0};
  header.ip_options_size = 40;  // -R: iputils' whole option space
  EXPECT_EQ(format_header(header), "PING 127.0.0.1 (127.0.0.1) 56(124) bytes of data.\n");
}

TEST(Header, InterfaceOptionAddsSourceAndDevice) {
  HeaderLine header{"127.0.0.1", "127.0.0.1", Family::kIpv4, 56, "127.0.0.1", "lo", std::nullopt, 0};
  EXPECT_EQ(format_header(header), "PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 lo: 56(84) bytes of data.\n");
  header.device = "";  // -I 127.0.0.1: iputils keeps the space before the colon
  EXPECT_EQ(format_header(header), "PING 127.0.0.1 (127.0.0.1) from 127.0.0.1 : 56(84) bytes of data.\n");
  const HeaderLine v6{"::1", "::1", Family::kIpv6, 56, "::1", "lo", std::nullopt, 0};
  EXPECT_EQ(format_header(v6), "PING ::1(::1) from ::1 lo: 56 data bytes\n");
}

TEST(PatternLine, PrintsEveryByteAsTwoHexDigits) {
  const std::vector<std::uint8_t> pattern{0xab, 0x12};
  EXPECT_EQ(format_pattern_line(pattern), "PATTERN: 0xab12\n");
  const std::vector<std::uint8_t> small{0x0a, 0x00};
  EXPECT_EQ(format_pattern_line(small), "PATTERN: 0x0a00\n");
}

TEST(TimestampPrefix, SecondsAndZeroPaddedMicroseconds) {
  EXPECT_EQ(format_timestamp_prefix(wall_clock(1795246444, 285126)), "[1795246444.285126] ");
  EXPECT_EQ(format_timestamp_prefix(wall_clock(1700000000, 42)), "[1700000000.000042] ");
  // gettimeofday truncates; so do we.
  EXPECT_EQ(format_timestamp_prefix(wall_clock(1700000000, 42) + nanoseconds{999}),
            "[1700000000.000042] ");
}

// ---- reply lines ----

TEST(ReplyLine, PlainIpv4Reply) {
  EXPECT_EQ(format_reply_line(loopback_reply(1, microseconds{25})),
            "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.025 ms\n");
}

TEST(ReplyLine, NameAndAddressWhenNameKnown) {
  ReplyLine reply = loopback_reply(1, microseconds{15});
  const std::string peer = format_peer("127.0.0.1", "localhost");
  reply.from = peer;
  EXPECT_EQ(format_reply_line(reply),
            "64 bytes from localhost (127.0.0.1): icmp_seq=1 ttl=64 time=0.015 ms\n");
}

TEST(ReplyLine, Ipv6Reply) {
  ReplyLine reply = loopback_reply(1, microseconds{22});
  const std::string peer = format_peer("::1", std::nullopt);
  reply.from = peer;
  EXPECT_EQ(format_reply_line(reply), "64 bytes from ::1: icmp_seq=1 ttl=64 time=0.022 ms\n");
}

TEST(ReplyLine, TimestampAndIdentWithVerbose) {
  ReplyLine reply = loopback_reply(1, microseconds{22});
  reply.timestamp = wall_clock(1795246444, 285126);
  reply.ident = 6851;
  EXPECT_EQ(format_reply_line(reply),
            "[1795246444.285126] 64 bytes from 127.0.0.1: icmp_seq=1 ident=6851 ttl=64 time=0.022 ms\n");
}

TEST(ReplyLine, WithoutRttThereIsNoTimeField) {
  ReplyLine reply = loopback_reply(1, nanoseconds{0});
  reply.icmp_bytes = 12;  // ping -s 4
  reply.rtt.reset();
  EXPECT_EQ(format_reply_line(reply), "12 bytes from 127.0.0.1: icmp_seq=1 ttl=64\n");
}

TEST(ReplyLine, LargePayloadAndTwoDecimalRtt) {
  ReplyLine reply = loopback_reply(1, microseconds{10});
  reply.icmp_bytes = 1008;
  EXPECT_EQ(format_reply_line(reply), "1008 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.010 ms\n");
  ReplyLine slow = loopback_reply(1, microseconds{2'351});
  slow.from = "127.0.0.2";
  EXPECT_EQ(format_reply_line(slow), "64 bytes from 127.0.0.2: icmp_seq=1 ttl=64 time=2.35 ms\n");
}

TEST(ReplyLine, DuplicatesAreMarked) {
  ReplyLine reply = loopback_reply(1, microseconds{87});
  reply.from = "127.0.0.8";
  reply.ttl = 63;
  reply.duplicate = true;
  EXPECT_EQ(format_reply_line(reply),
            "64 bytes from 127.0.0.8: icmp_seq=1 ttl=63 time=0.087 ms (DUP!)\n");
  reply.ttl = 193;
  reply.rtt = microseconds{6'390};
  EXPECT_EQ(format_reply_line(reply),
            "64 bytes from 127.0.0.8: icmp_seq=1 ttl=193 time=6.39 ms (DUP!)\n");
  reply.ttl = 161;
  reply.rtt = microseconds{199'321};
  EXPECT_EQ(format_reply_line(reply),
            "64 bytes from 127.0.0.8: icmp_seq=1 ttl=161 time=199 ms (DUP!)\n");
}

TEST(ReplyLine, FlagsFollowTimeInIputilsOrder) {
  // Order from gather_statistics(): DUP, BAD CHECKSUM, DIFFERENT ADDRESS (source, not observed).
  ReplyLine reply = loopback_reply(7, microseconds{167});
  reply.from = "198.18.0.9";
  reply.duplicate = true;
  reply.bad_checksum = true;
  reply.different_address = true;
  EXPECT_EQ(format_reply_line(reply),
            "64 bytes from 198.18.0.9: icmp_seq=7 ttl=64 time=0.167 ms (DUP!) (BAD CHECKSUM!) "
            "(DIFFERENT ADDRESS!)\n");
}

TEST(ReplyLine, TruncatedReplyEndsAfterTtl) {
  // gather_statistics(): " (truncated)\n" then return, before time and flags (source).
  ReplyLine reply = loopback_reply(3, microseconds{167});
  reply.icmp_bytes = 40;
  reply.truncated = true;
  reply.duplicate = true;
  EXPECT_EQ(format_reply_line(reply), "40 bytes from 127.0.0.1: icmp_seq=3 ttl=64 (truncated)\n");
}

TEST(ReplyLine, WrongDataByteAndHexDump) {
  // Observed: nftables rewrote payload byte 20 of the echo reply to 0xff.
  std::vector<std::uint8_t> payload(56);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  payload[20] = 0xff;
  ReplyLine reply = loopback_reply(1, microseconds{161});
  reply.from = "127.0.0.7";
  reply.mismatch = DataMismatch{20, 0x14, 0xff, payload, 16};
  EXPECT_EQ(format_reply_line(reply),
            "64 bytes from 127.0.0.7: icmp_seq=1 ttl=64 time=0.161 ms\n"
            "wrong data byte #20 should be 0x14 but was 0xff\n"
            "#16\t10 11 12 13 ff 15 16 17 18 19 1a 1b 1c 1d 1e 1f 20 21 22 23 24 25 26 27 28 29 "
            "2a 2b 2c 2d 2e 2f \n"
            "#48\t30 31 32 33 34 35 36 37 \n");
}

TEST(ReplyLine, HexDumpFromPayloadStartWhenWholePayloadIsChecked) {
  std::vector<std::uint8_t> payload{0x00, 0x01, 0x0a, 0x03};
  ReplyLine reply = loopback_reply(2, microseconds{30});
  reply.icmp_bytes = 12;
  reply.mismatch = DataMismatch{2, 0x02, 0x0a, payload, 0};
  EXPECT_EQ(format_reply_line(reply),
            "12 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.030 ms\n"
            "wrong data byte #2 should be 0x2 but was 0xa\n"
            "#0\t0 1 a 3 \n");
}

// ---- errors, -O, flood ----

TEST(IcmpErrorLine, ErrorQueueLine) {
  IcmpErrorLine error;
  error.from = "127.0.0.2";
  error.sequence = 1;
  error.description = "Destination Host Unreachable";
  EXPECT_EQ(format_icmp_error_line(error), "From 127.0.0.2 icmp_seq=1 Destination Host Unreachable\n");
  error.timestamp = wall_clock(1795246680, 935308);
  EXPECT_EQ(format_icmp_error_line(error),
            "[1795246680.935308] From 127.0.0.2 icmp_seq=1 Destination Host Unreachable\n");
}

TEST(IcmpErrorLine, OtherDescriptionsAreTakenAsGiven) {
  IcmpErrorLine error;
  error.from = "127.0.0.1";
  error.sequence = 1;
  error.description = "Destination Net Prohibited";
  EXPECT_EQ(format_icmp_error_line(error), "From 127.0.0.1 icmp_seq=1 Destination Net Prohibited\n");
}

TEST(IcmpErrorLine, SequenceAbove255IsPrintedInFull) {
  // iputils HEAD prints 0 here (uint8_t parameter, ping-anchors.md 2.13); Debian 20221126 256.
  IcmpErrorLine error;
  error.from = "127.0.0.2";
  error.sequence = 256;
  error.description = "Destination Host Unreachable";
  EXPECT_EQ(format_icmp_error_line(error), "From 127.0.0.2 icmp_seq=256 Destination Host Unreachable\n");
}

TEST(IcmpErrorLine, InBandRedirectHasColonAfterAddress) {
  // ping4_parse_reply(): "From %s: icmp_seq=%u " [+ "(BAD CHECKSUM)"] + text (source).
  IcmpErrorLine error;
  error.origin = IcmpErrorOrigin::kInBand;
  error.from = "198.18.0.1";
  error.sequence = 3;
  error.description = "Redirect Host(New nexthop: 198.18.0.9)";
  EXPECT_EQ(format_icmp_error_line(error),
            "From 198.18.0.1: icmp_seq=3 Redirect Host(New nexthop: 198.18.0.9)\n");
  error.bad_checksum = true;
  EXPECT_EQ(format_icmp_error_line(error),
            "From 198.18.0.1: icmp_seq=3 (BAD CHECKSUM)Redirect Host(New nexthop: 198.18.0.9)\n");
}

TEST(LocalError, LinesGoToStderrWithProgramName) {
  EXPECT_EQ(format_send_error("ping", "Operation not permitted"),
            "ping: sendmsg: Operation not permitted\n");
  EXPECT_EQ(format_local_error_mtu("ping", 1400), "ping: local error: message too long, mtu=1400\n");
  EXPECT_EQ(format_local_error_mtu("ping", 1400, /*ipv6=*/true),
            "ping: local error: message too long, mtu: 1400\n");
  EXPECT_EQ(format_local_error("better_ping", "No buffer space available"),
            "better_ping: local error: No buffer space available\n");
}

TEST(NoAnswerLine, ReportsTheOutstandingSequence) {
  EXPECT_EQ(format_no_answer_line(2, std::nullopt), "no answer yet for icmp_seq=2\n");
  EXPECT_EQ(format_no_answer_line(5, wall_clock(1700000000, 123456)),
            "[1700000000.123456] no answer yet for icmp_seq=5\n");
}

TEST(FloodMarks, FiveRepliesLeaveTheObservedBackspaces) {
  std::string screen;
  for (int i = 0; i < 5; ++i) {
    screen += flood_mark(FloodMark::kSent);
    screen += flood_mark(FloodMark::kReply);
  }
  EXPECT_EQ(screen, ".\b \b.\b \b.\b \b.\b \b.\b \b");
}

TEST(FloodMarks, RejectedSendsShowIcmpAndLocalErrors) {
  // Observed with an iptables REJECT: each failed send reads an ICMP error ("\bE") and then
  // counts as a hard local error ("E").
  std::string screen;
  for (int i = 0; i < 2; ++i) {
    screen += flood_mark(FloodMark::kIcmpError);
    screen += flood_mark(FloodMark::kLocalError);
  }
  EXPECT_EQ(screen, "\bEE\bEE");
  EXPECT_EQ(flood_mark(FloodMark::kBadChecksum), "\bC");
  EXPECT_EQ(flood_mark(FloodMark::kOtherIcmp), "!E");
  EXPECT_EQ(flood_mark(FloodMark::kOtherIcmpBadSum), "!EC");
}

// ---- summary ----

RttFigures rtt_us(std::int64_t min, std::int64_t avg, std::int64_t max, std::int64_t mdev,
                  std::int64_t ewma = 0) {
  return RttFigures{microseconds{min}, microseconds{avg}, microseconds{max}, microseconds{mdev},
                    microseconds{ewma}};
}

TEST(Summary, AllRepliesReceived) {
  Summary summary{"127.0.0.1", {3, 3, 0, 0, 0, nanoseconds{404'123'456}}, rtt_us(25, 40, 49, 10)};
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.1 ping statistics ---\n"
            "3 packets transmitted, 3 received, 0% packet loss, time 404ms\n"
            "rtt min/avg/max/mdev = 0.025/0.040/0.049/0.010 ms\n");
}

TEST(Summary, ElapsedMillisecondsRoundHalfUp) {
  Summary summary{"127.0.0.1", {2, 2, 0, 0, 0, nanoseconds{403'500'000}}, rtt_us(1, 1, 1, 0)};
  EXPECT_NE(format_summary(summary).find("time 404ms\n"), std::string::npos);
  summary.counts.elapsed = nanoseconds{403'499'999};
  EXPECT_NE(format_summary(summary).find("time 403ms\n"), std::string::npos);
}

TEST(Summary, OneThirdLossPrintsLikePrintfG) {
  Summary summary{"127.0.0.4", {3, 2, 0, 0, 0, milliseconds{408}}, rtt_us(34, 277, 520, 243)};
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.4 ping statistics ---\n"
            "3 packets transmitted, 2 received, 33.3333% packet loss, time 408ms\n"
            "rtt min/avg/max/mdev = 0.034/0.277/0.520/0.243 ms\n");
}

TEST(Summary, NoReplyEndsWithAnEmptyLine) {
  Summary summary{"127.0.0.3", {3, 0, 0, 0, 0, milliseconds{405}}, std::nullopt};
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.3 ping statistics ---\n"
            "3 packets transmitted, 0 received, 100% packet loss, time 405ms\n"
            "\n");
}

TEST(Summary, ErrorsAreCounted) {
  Summary summary{"127.0.0.2", {2, 0, 0, 0, 2, milliseconds{200}}, std::nullopt};
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.2 ping statistics ---\n"
            "2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 200ms\n"
            "\n");
}

TEST(Summary, RepliesWithoutTimingEndWithAnEmptyLine) {
  // ping -s 4: too small for iputils' timestamp, so no rtt line.
  Summary summary{"127.0.0.1", {2, 2, 0, 0, 0, milliseconds{202}}, std::nullopt};
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.1 ping statistics ---\n"
            "2 packets transmitted, 2 received, 0% packet loss, time 202ms\n"
            "\n");
}

TEST(Summary, DuplicatesAndPipe) {
  Summary summary{"127.0.0.8", {2, 2, 29018, 0, 0, milliseconds{202}},
                  rtt_us(84, 104'936, 210'464, 58'551)};
  summary.pipe = 2;
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.8 ping statistics ---\n"
            "2 packets transmitted, 2 received, +29018 duplicates, 0% packet loss, time 202ms\n"
            "rtt min/avg/max/mdev = 0.084/104.936/210.464/58.551 ms, pipe 2\n");
}

TEST(Summary, CorruptedRepliesAreCountedBetweenDuplicatesAndErrors) {
  // Order from finish(): duplicates, corrupted, errors (source).
  Summary summary{"198.18.0.2", {4, 1, 1, 2, 1, milliseconds{3003}}, rtt_us(167, 167, 167, 0)};
  EXPECT_EQ(format_summary(summary),
            "\n--- 198.18.0.2 ping statistics ---\n"
            "4 packets transmitted, 1 received, +1 duplicates, +2 corrupted, +1 errors, "
            "75% packet loss, time 3003ms\n"
            "rtt min/avg/max/mdev = 0.167/0.167/0.167/0.000 ms\n");
}

TEST(Summary, FloodAddsInterPacketGapAndEwma) {
  Summary summary{"127.0.0.1", {5, 5, 0, 0, 0, nanoseconds{49'999}}, rtt_us(1, 4, 19, 7, 11)};
  summary.fast_mode = true;
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.1 ping statistics ---\n"
            "5 packets transmitted, 5 received, 0% packet loss, time 0ms\n"
            "rtt min/avg/max/mdev = 0.001/0.004/0.019/0.007 ms, ipg/ewma 0.012/0.011 ms\n");
}

TEST(Summary, ZeroIntervalAddsInterPacketGapAndEwma) {
  Summary summary{"127.0.0.1", {3, 3, 0, 0, 0, nanoseconds{40'500}}, rtt_us(1, 4, 11, 4, 8)};
  summary.fast_mode = true;
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.1 ping statistics ---\n"
            "3 packets transmitted, 3 received, 0% packet loss, time 0ms\n"
            "rtt min/avg/max/mdev = 0.001/0.004/0.011/0.004 ms, ipg/ewma 0.020/0.008 ms\n");
}

TEST(Summary, PreloadShowsPipe) {
  Summary summary{"127.0.0.1", {2, 2, 0, 0, 0, nanoseconds{0}}, rtt_us(1, 5, 9, 4)};
  summary.pipe = 2;
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.1 ping statistics ---\n"
            "2 packets transmitted, 2 received, 0% packet loss, time 0ms\n"
            "rtt min/avg/max/mdev = 0.001/0.005/0.009/0.004 ms, pipe 2\n");
}

TEST(Summary, PipeStandsAloneWithoutReplies) {
  // iputils #500: with no reply there is no rtt part, so "pipe N" starts the line (source).
  Summary summary{"198.18.0.2", {3, 0, 0, 0, 0, milliseconds{2}}, std::nullopt};
  summary.pipe = 3;
  summary.fast_mode = true;  // ipg/ewma needs a reply
  EXPECT_EQ(format_summary(summary),
            "\n--- 198.18.0.2 ping statistics ---\n"
            "3 packets transmitted, 0 received, 100% packet loss, time 2ms\n"
            "pipe 3\n");
}

TEST(Summary, FastModeWithOneRequestHasNoGap) {
  Summary summary{"127.0.0.1", {1, 1, 0, 0, 0, nanoseconds{0}}, rtt_us(5, 5, 5, 0, 5)};
  summary.fast_mode = true;
  EXPECT_EQ(format_summary(summary),
            "\n--- 127.0.0.1 ping statistics ---\n"
            "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
            "rtt min/avg/max/mdev = 0.005/0.005/0.005/0.000 ms\n");
}

TEST(Summary, LossIsPrintfGOfAFloat) {
  // Expected values printed by printf("%g", (float)loss) with glibc.
  Summary summary{"h", {3'000'000, 2'999'999, 0, 0, 0, nanoseconds{0}}, std::nullopt};
  EXPECT_NE(format_summary(summary).find(", 3.33333e-05% packet loss,"), std::string::npos);
  summary.counts = {30'000, 29'999, 0, 0, 0, nanoseconds{0}};
  EXPECT_NE(format_summary(summary).find(", 0.00333333% packet loss,"), std::string::npos);
  summary.counts = {7, 6, 0, 0, 0, nanoseconds{0}};
  EXPECT_NE(format_summary(summary).find(", 14.2857% packet loss,"), std::string::npos);
  summary.counts = {3, 1, 0, 0, 0, nanoseconds{0}};
  EXPECT_NE(format_summary(summary).find(", 66.6667% packet loss,"), std::string::npos);
  // iputils formats a float, not a double: 23 of 31 lost is 74.1935483..., a double would
  // print "74.1935", the float (74.19355) prints "74.1936".
  summary.counts = {31, 8, 0, 0, 0, nanoseconds{0}};
  EXPECT_NE(format_summary(summary).find(", 74.1936% packet loss,"), std::string::npos);
  summary.counts = {41, 2, 0, 0, 0, nanoseconds{0}};
  EXPECT_NE(format_summary(summary).find(", 95.1219% packet loss,"), std::string::npos);
  summary.counts = {2, 3, 0, 0, 0, nanoseconds{0}};  // ID collision: more replies than requests
  EXPECT_NE(format_summary(summary).find(", -50% packet loss,"), std::string::npos);
}

TEST(Summary, NothingTransmittedOmitsLossAndTime) {
  const Summary summary{"198.18.0.2", {0, 0, 0, 0, 0, nanoseconds{0}}, std::nullopt};
  EXPECT_EQ(format_summary(summary),
            "\n--- 198.18.0.2 ping statistics ---\n"
            "0 packets transmitted, 0 received\n"
            "\n");
}

// ---- SIGQUIT status ----

TEST(StatusLine, ObservedSnapshot) {
  // ping-anchors.md 2.3: "4/4 packets, 0% loss, min/avg/ewma/max = 0.014/0.018/0.020/0.022 ms".
  const SummaryCounts counts{4, 4, 0, 0, 0, nanoseconds{0}};
  EXPECT_EQ(format_status_line(counts, rtt_us(14, 18, 22, 3, 20)),
            "\r4/4 packets, 0% loss, min/avg/ewma/max = 0.014/0.018/0.020/0.022 ms\n");
}

TEST(StatusLine, LossIsTruncatedToAnInteger) {
  const SummaryCounts counts{3, 2, 0, 0, 0, nanoseconds{0}};
  EXPECT_EQ(format_status_line(counts, rtt_us(10, 20, 30, 5, 25)),
            "\r2/3 packets, 33% loss, min/avg/ewma/max = 0.010/0.020/0.025/0.030 ms\n");
}

TEST(StatusLine, NoRttPartWithoutReplies) {
  const SummaryCounts counts{3, 0, 0, 0, 0, nanoseconds{0}};
  EXPECT_EQ(format_status_line(counts, std::nullopt), "\r0/3 packets, 100% loss\n");
  EXPECT_EQ(format_status_line(SummaryCounts{}, std::nullopt), "\r0/0 packets, 0% loss\n");
}

}  // namespace
}  // namespace bp
