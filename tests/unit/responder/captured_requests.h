#pragma once
// Echo requests captured with `tcpdump -x` on the host side of the test veth pair, sent by
// this project's ping from 198.18.0.1 to 198.18.0.2 (id 0x03a9, seq 1) and from 2001:db8::1 to
// 2001:db8::2 (id 0x03aa, seq 1), 56-byte payload 00 01 02 ... 37; and the Linux kernel's echo
// replies to them, captured in the same run.

#include <array>
#include <cstdint>

#include "ping/packet/ip_address.h"
#include "tests/responder/reply_builder.h"
#include "tests/unit/hex.h"

namespace bp::responder::test {

inline constexpr const char* kRequest4 =
    "4500 0054 83ca 4000 4001 2ab7 c612 0001"
    "c612 0002 0800 fd42 03a9 0001 0001 0203"
    "0405 0607 0809 0a0b 0c0d 0e0f 1011 1213"
    "1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233"
    "3435 3637";

inline constexpr const char* kKernelReply4 =
    "4500 0054 6171 0000 4001 8d10 c612 0002"
    "c612 0001 0000 0543 03a9 0001 0001 0203"
    "0405 0607 0809 0a0b 0c0d 0e0f 1011 1213"
    "1415 1617 1819 1a1b 1c1d 1e1f 2021 2223"
    "2425 2627 2829 2a2b 2c2d 2e2f 3031 3233"
    "3435 3637";

// The whole IPv6 datagram; a raw ICMPv6 socket hands over the part from byte 40 (8000 2952 ...).
inline constexpr const char* kRequest6 =
    "600e 6028 0040 3a40 2001 0db8 0000 0000"
    "0000 0000 0000 0001 2001 0db8 0000 0000"
    "0000 0000 0000 0002 8000 2952 03aa 0001"
    "0001 0203 0405 0607 0809 0a0b 0c0d 0e0f"
    "1011 1213 1415 1617 1819 1a1b 1c1d 1e1f"
    "2021 2223 2425 2627 2829 2a2b 2c2d 2e2f"
    "3031 3233 3435 3637";

inline constexpr const char* kKernelReply6 =
    "6005 ef76 0040 3a40 2001 0db8 0000 0000"
    "0000 0000 0000 0002 2001 0db8 0000 0000"
    "0000 0000 0000 0001 8100 2852 03aa 0001"
    "0001 0203 0405 0607 0809 0a0b 0c0d 0e0f"
    "1011 1213 1415 1617 1819 1a1b 1c1d 1e1f"
    "2021 2223 2425 2627 2829 2a2b 2c2d 2e2f"
    "3031 3233 3435 3637";

inline IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::array<std::uint8_t, 4> octets{a, b, c, d};
  return IpAddress::v4(octets);
}

// 2001:db8::last
inline IpAddress v6(std::uint8_t last) {
  std::array<std::uint8_t, 16> octets{0x20, 0x01, 0x0d, 0xb8};
  octets[15] = last;
  return IpAddress::v6(octets);
}

// What the raw ICMPv6 socket reported for kRequest6 (IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_TCLASS,
// IPV6_FLOWINFO).
inline Ipv6Arrival request6_arrival() {
  Ipv6Arrival a;
  a.source = v6(1);
  a.destination = v6(2);
  a.hop_limit = 64;
  a.traffic_class = 0;
  a.flow_label = 0xe6028;
  return a;
}

inline EchoRequestIn request4() { return *parse_ipv4_echo_request(bp::test::hex(kRequest4)); }

inline EchoRequestIn request6() {
  const auto whole = bp::test::hex(kRequest6);
  const std::vector<std::uint8_t> icmp(whole.begin() + 40, whole.end());
  return *parse_icmpv6_echo_request(icmp, request6_arrival());
}

}  // namespace bp::responder::test
