#include "ping/packet/icmp_error_text.h"

#include <array>

namespace bp {
namespace {

using std::to_string;

// Indexed by code. Code 4 (fragmentation needed) carries the MTU and is formatted apart.
constexpr std::array<std::string_view, 16> kIpv4Unreachable = {
    "Destination Net Unreachable",
    "Destination Host Unreachable",
    "Destination Protocol Unreachable",
    "Destination Port Unreachable",
    "Frag needed and DF set",
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

constexpr std::array<std::string_view, 4> kIpv4Redirect = {
    "Redirect Network",
    "Redirect Host",
    "Redirect Type of Service and Network",
    "Redirect Type of Service and Host",
};

// Types 13 to 18: informational messages iputils names when -v shows foreign ICMP.
constexpr std::array<std::string_view, 6> kIpv4Informational = {
    "Timestamp",         "Timestamp Reply",      "Information Request",
    "Information Reply", "Address Mask Request", "Address Mask Reply",
};

constexpr std::array<std::string_view, 7> kIpv6Unreachable = {
    "No route",
    "Administratively prohibited",
    "Beyond scope of source address",
    "Address unreachable",
    "Port unreachable",
    "Source address failed ingress/egress policy",
    "Reject route to destination",
};

constexpr std::array<std::string_view, 3> kIpv6ParameterProblem = {
    "Wrong header field ",
    "Unknown header ",
    "Unknown option ",
};

std::string dotted_quad(std::uint32_t host_order) {
  return to_string(host_order >> 24) + '.' + to_string((host_order >> 16) & 0xFFu) + '.' +
         to_string((host_order >> 8) & 0xFFu) + '.' + to_string(host_order & 0xFFu);
}

std::string ipv4_unreachable(std::uint8_t code, std::uint32_t info) {
  if (code == icmp4::kCodeFragmentationNeeded) {
    return "Frag needed and DF set (mtu = " + to_string(info) + ")";
  }
  if (code < kIpv4Unreachable.size()) return std::string(kIpv4Unreachable[code]);
  return "Dest Unreachable, Bad Code: " + to_string(code);
}

std::string ipv4_redirect(std::uint8_t code, std::uint32_t info, std::string_view gateway) {
  std::string text = code < kIpv4Redirect.size() ? std::string(kIpv4Redirect[code])
                                                 : "Redirect, Bad Code: " + to_string(code);
  // No space before the parenthesis: iputils prints the two parts with separate printf calls.
  text += "(New nexthop: ";
  text += gateway.empty() ? dotted_quad(info) : std::string(gateway);
  return text + ")";
}

std::string ipv4_time_exceeded(std::uint8_t code) {
  if (code == 0) return "Time to live exceeded";
  if (code == 1) return "Frag reassembly time exceeded";
  return "Time exceeded, Bad Code: " + to_string(code);
}

std::string describe_ipv4(std::uint8_t type, std::uint8_t code, std::uint32_t info,
                          std::string_view gateway) {
  switch (type) {
    case icmp4::kEchoReply: return "Echo Reply";
    case icmp4::kDestinationUnreachable: return ipv4_unreachable(code, info);
    case icmp4::kSourceQuench: return "Source Quench";
    case icmp4::kRedirect: return ipv4_redirect(code, info, gateway);
    case icmp4::kEchoRequest: return "Echo Request";
    case icmp4::kTimeExceeded: return ipv4_time_exceeded(code);
    case icmp4::kParameterProblem: return "Parameter problem: pointer = " + to_string(info);
    default: break;
  }
  if (type >= 13 && type < 13 + kIpv4Informational.size()) {
    return std::string(kIpv4Informational[type - 13u]);
  }
  return "Bad ICMP type: " + to_string(type);
}

std::string ipv6_unreachable(std::uint8_t code) {
  std::string text = "Destination unreachable: ";
  if (code < kIpv6Unreachable.size()) return text + std::string(kIpv6Unreachable[code]);
  return text + "Unknown code " + to_string(code);
}

std::string ipv6_packet_too_big(std::uint8_t code, std::uint32_t mtu) {
  std::string text = "Packet too big: mtu=" + to_string(mtu);
  if (code != 0) text += ", code=" + to_string(code);
  return text;
}

std::string ipv6_time_exceeded(std::uint8_t code) {
  if (code == 0) return "Time exceeded: Hop limit";
  if (code == 1) return "Time exceeded: Defragmentation failure";
  return "Time exceeded: code " + to_string(code);
}

std::string ipv6_parameter_problem(std::uint8_t code, std::uint32_t pointer) {
  std::string text = "Parameter problem: ";
  text += code < kIpv6ParameterProblem.size() ? std::string(kIpv6ParameterProblem[code])
                                              : "code " + to_string(code) + " ";
  return text + "at " + to_string(pointer);
}

std::string describe_ipv6(std::uint8_t type, std::uint8_t code, std::uint32_t info) {
  switch (type) {
    case icmp6::kDestinationUnreachable: return ipv6_unreachable(code);
    case icmp6::kPacketTooBig: return ipv6_packet_too_big(code, info);
    case icmp6::kTimeExceeded: return ipv6_time_exceeded(code);
    case icmp6::kParameterProblem: return ipv6_parameter_problem(code, info);
    case icmp6::kEchoRequest: return "Echo request";
    case icmp6::kEchoReply: return "Echo reply";
    case 130: return "MLD Query";  // RFC 2710 multicast listener messages
    case 131: return "MLD Report";
    case 132: return "MLD Reduction";
    default: return "unknown icmp type: " + to_string(type);
  }
}

}  // namespace

std::string describe_icmp(Family family, std::uint8_t type, std::uint8_t code, std::uint32_t info,
                          std::string_view redirect_gateway) {
  return family == Family::kIpv4 ? describe_ipv4(type, code, info, redirect_gateway)
                                 : describe_ipv6(type, code, info);
}

}  // namespace bp
