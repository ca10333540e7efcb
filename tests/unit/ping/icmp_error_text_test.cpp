#include "ping/packet/icmp_error_text.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace bp {
namespace {

using Types = std::initializer_list<std::uint8_t>;

// Golden strings are iputils' own (pr_icmph() in ping/ping.c, print_icmp() in
// ping/ping6_common.c, iputils HEAD 9900265; the same strings are in Debian's 20221126 binary).

std::string v4(std::uint8_t type, std::uint8_t code, std::uint32_t info = 0) {
  return describe_icmp(Family::kIpv4, type, code, info);
}
std::string v6(std::uint8_t type, std::uint8_t code, std::uint32_t info = 0) {
  return describe_icmp(Family::kIpv6, type, code, info);
}

TEST(Ipv4ErrorText, EveryDestinationUnreachableCode) {
  const std::vector<std::string> expected = {
      "Destination Net Unreachable",
      "Destination Host Unreachable",
      "Destination Protocol Unreachable",
      "Destination Port Unreachable",
      "Frag needed and DF set (mtu = 0)",
      "Source Route Failed",
      "Destination Net Unknown",
      "Destination Host Unknown",
      "Source Host Isolated",
      "Destination Net Prohibited",
      "Destination Host Prohibited",
      "Destination Net Unreachable for Type of Service",
      "Destination Host Unreachable for Type of Service",
      "Packet filtered",
      "Precedence Violation",
      "Precedence Cutoff",
  };
  for (std::size_t code = 0; code < expected.size(); ++code) {
    EXPECT_EQ(v4(3, static_cast<std::uint8_t>(code)), expected[code]) << code;
  }
}

TEST(Ipv4ErrorText, UnknownUnreachableCodeFallsBack) {
  EXPECT_EQ(v4(3, 16), "Dest Unreachable, Bad Code: 16");
  EXPECT_EQ(v4(3, 255), "Dest Unreachable, Bad Code: 255");
}

TEST(Ipv4ErrorText, FragmentationNeededShowsTheMtu) {
  EXPECT_EQ(v4(3, 4, 1400), "Frag needed and DF set (mtu = 1400)");
  EXPECT_EQ(v4(3, 4, 65535), "Frag needed and DF set (mtu = 65535)");
}

TEST(Ipv4ErrorText, InfoIsIgnoredWhereIputilsIgnoresIt) {
  EXPECT_EQ(v4(3, 1, 1400), "Destination Host Unreachable");
  EXPECT_EQ(v4(11, 0, 7), "Time to live exceeded");
}

TEST(Ipv4ErrorText, TimeExceeded) {
  EXPECT_EQ(v4(11, 0), "Time to live exceeded");
  EXPECT_EQ(v4(11, 1), "Frag reassembly time exceeded");
  EXPECT_EQ(v4(11, 2), "Time exceeded, Bad Code: 2");
}

TEST(Ipv4ErrorText, ParameterProblemShowsThePointer) {
  EXPECT_EQ(v4(12, 0, 20), "Parameter problem: pointer = 20");
  EXPECT_EQ(v4(12, 1, 0), "Parameter problem: pointer = 0");
}

TEST(Ipv4ErrorText, SourceQuench) { EXPECT_EQ(v4(4, 0), "Source Quench"); }

// iputils prints the redirect kind and "(New nexthop: ...)" with no space between.
TEST(Ipv4ErrorText, RedirectShowsTheNewNextHop) {
  const std::uint32_t gateway = 0xc6120001;  // 198.18.0.1
  EXPECT_EQ(v4(5, 0, gateway), "Redirect Network(New nexthop: 198.18.0.1)");
  EXPECT_EQ(v4(5, 1, gateway), "Redirect Host(New nexthop: 198.18.0.1)");
  EXPECT_EQ(v4(5, 2, gateway), "Redirect Type of Service and Network(New nexthop: 198.18.0.1)");
  EXPECT_EQ(v4(5, 3, gateway), "Redirect Type of Service and Host(New nexthop: 198.18.0.1)");
  EXPECT_EQ(v4(5, 4, gateway), "Redirect, Bad Code: 4(New nexthop: 198.18.0.1)");
  // Every byte distinct, so a byte-order slip shows: 198.19.254.253.
  EXPECT_EQ(v4(5, 1, 0xc613fefd), "Redirect Host(New nexthop: 198.19.254.253)");
}

TEST(Ipv4ErrorText, RedirectGatewayCanComeAsResolvedText) {
  EXPECT_EQ(describe_icmp(Family::kIpv4, 5, 1, 0xc6120001, "gw.example (198.18.0.1)"),
            "Redirect Host(New nexthop: gw.example (198.18.0.1))");
}

TEST(Ipv4ErrorText, InformationalTypes) {
  EXPECT_EQ(v4(0, 0), "Echo Reply");
  EXPECT_EQ(v4(8, 0), "Echo Request");
  EXPECT_EQ(v4(13, 0), "Timestamp");
  EXPECT_EQ(v4(14, 0), "Timestamp Reply");
  EXPECT_EQ(v4(15, 0), "Information Request");
  EXPECT_EQ(v4(16, 0), "Information Reply");
  EXPECT_EQ(v4(17, 0), "Address Mask Request");
  EXPECT_EQ(v4(18, 0), "Address Mask Reply");
}

TEST(Ipv4ErrorText, UnknownTypeFallsBack) {
  for (const std::uint8_t type : Types{1, 2, 6, 7, 9, 10, 19, 42, 255}) {
    EXPECT_EQ(v4(type, 0), "Bad ICMP type: " + std::to_string(type));
  }
}

TEST(Ipv6ErrorText, EveryDestinationUnreachableCode) {
  const std::vector<std::string> expected = {
      "Destination unreachable: No route",
      "Destination unreachable: Administratively prohibited",
      "Destination unreachable: Beyond scope of source address",
      "Destination unreachable: Address unreachable",
      "Destination unreachable: Port unreachable",
      "Destination unreachable: Source address failed ingress/egress policy",
      "Destination unreachable: Reject route to destination",
      // RFC 6550 code 7 (error in source routing header): iputils has no text for it.
      "Destination unreachable: Unknown code 7",
  };
  for (std::size_t code = 0; code < expected.size(); ++code) {
    EXPECT_EQ(v6(1, static_cast<std::uint8_t>(code)), expected[code]) << code;
  }
  EXPECT_EQ(v6(1, 200), "Destination unreachable: Unknown code 200");
}

TEST(Ipv6ErrorText, PacketTooBigShowsTheMtuAndAnOddCode) {
  EXPECT_EQ(v6(2, 0, 1280), "Packet too big: mtu=1280");
  EXPECT_EQ(v6(2, 0, 4294967295u), "Packet too big: mtu=4294967295");
  EXPECT_EQ(v6(2, 3, 1400), "Packet too big: mtu=1400, code=3");
}

TEST(Ipv6ErrorText, TimeExceeded) {
  EXPECT_EQ(v6(3, 0), "Time exceeded: Hop limit");
  EXPECT_EQ(v6(3, 1), "Time exceeded: Defragmentation failure");
  EXPECT_EQ(v6(3, 2), "Time exceeded: code 2");
}

TEST(Ipv6ErrorText, ParameterProblemShowsWhereItIs) {
  EXPECT_EQ(v6(4, 0, 40), "Parameter problem: Wrong header field at 40");
  EXPECT_EQ(v6(4, 1, 6), "Parameter problem: Unknown header at 6");
  EXPECT_EQ(v6(4, 2, 42), "Parameter problem: Unknown option at 42");
  EXPECT_EQ(v6(4, 3, 0), "Parameter problem: code 3 at 0");
}

TEST(Ipv6ErrorText, InformationalTypes) {
  EXPECT_EQ(v6(128, 0), "Echo request");
  EXPECT_EQ(v6(129, 0), "Echo reply");
  EXPECT_EQ(v6(130, 0), "MLD Query");
  EXPECT_EQ(v6(131, 0), "MLD Report");
  EXPECT_EQ(v6(132, 0), "MLD Reduction");
}

TEST(Ipv6ErrorText, UnknownTypeFallsBack) {
  for (const std::uint8_t type : Types{0, 5, 127, 133, 143, 255}) {
    EXPECT_EQ(v6(type, 0), "unknown icmp type: " + std::to_string(type));
  }
}

TEST(IcmpErrorText, SameTypeNumberReadsDifferentlyPerFamily) {
  EXPECT_EQ(v4(3, 0), "Destination Net Unreachable");
  EXPECT_EQ(v6(3, 0), "Time exceeded: Hop limit");
}

TEST(IcmpErrorText, DescribesAParsedError) {
  IcmpError error;
  error.type = 3;
  error.code = 4;
  error.info = 1492;
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv4), "Frag needed and DF set (mtu = 1492)");
  error.type = 2;
  error.code = 0;
  error.info = 1280;
  EXPECT_EQ(describe_icmp_error(error, Family::kIpv6), "Packet too big: mtu=1280");
}

}  // namespace
}  // namespace bp
