#pragma once
// The text iputils ping prints for an ICMP message, word for word: pr_icmph() in ping/ping.c
// for IPv4 ("Destination Host Unreachable", "Frag needed and DF set (mtu = 1400)") and
// print_icmp() in ping/ping6_common.c for ICMPv6 ("Destination unreachable: Address
// unreachable", "Packet too big: mtu=1280"). Scripts parse these lines, so the strings, their
// capitals and their fallbacks ("Dest Unreachable, Bad Code: 16", "Bad ICMP type: 42",
// "unknown icmp type: 200") are kept exactly. No trailing newline.

#include <cstdint>
#include <string>
#include <string_view>

#include "ping/packet/icmp_packet.h"
#include "ping/packet/ip_address.h"

namespace bp {

// `info` is what the kernel reports in sock_extended_err::ee_info for an error-queue entry, or
// IcmpError::info for an error parsed in-band: the MTU, the parameter-problem pointer, or the
// IPv4 redirect gateway in host order. For a redirect iputils prints the gateway through its
// name lookup; pass that text as `redirect_gateway`, or leave it empty for the dotted quad.
std::string describe_icmp(Family family, std::uint8_t type, std::uint8_t code, std::uint32_t info,
                          std::string_view redirect_gateway = {});

inline std::string describe_icmp_error(const IcmpError& error, Family family,
                                       std::string_view redirect_gateway = {}) {
  return describe_icmp(family, error.type, error.code, error.info, redirect_gateway);
}

}  // namespace bp
