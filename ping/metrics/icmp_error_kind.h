#pragma once
// The kind of an ICMP error that quotes one of our probes, as the `kind` label of
// better_ping_icmp_errors_total: a small fixed set with stable label values, so that dashboards
// and alerts can name them and the number of series per target stays bounded.
//
//   kind                IPv4 (RFC 792, RFC 1191)             IPv6 (RFC 4443, RFC 4861)
//   unreachable         type 3, every code but 4             type 1 (every code)
//   packet_too_big      type 3 code 4 (fragmentation needed)  type 2
//   time_exceeded       type 11 (every code)                 type 3 (every code)
//   parameter_problem   type 12 (every code)                 type 4 (every code)
//   redirect            type 5 (every code)                  type 137
//   source_quench       type 4 (RFC 6633 deprecates it)      (none in ICMPv6)
//   other               any other type                       any other type
//
// IPv4's "fragmentation needed" is kept apart from the other unreachables because it is the
// same event as ICMPv6's Packet Too Big (path MTU), which says nothing about reachability.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ping/packet/ip_address.h"

namespace bp {

enum class IcmpErrorKind : std::uint8_t {
  kUnreachable,
  kTimeExceeded,
  kParameterProblem,
  kRedirect,
  kSourceQuench,
  kPacketTooBig,
  kOther,
};
inline constexpr std::size_t kIcmpErrorKinds = 7;

// Every kind, in the order of the enum (and of the exposition).
inline constexpr std::array<IcmpErrorKind, kIcmpErrorKinds> kAllIcmpErrorKinds = {
    IcmpErrorKind::kUnreachable,  IcmpErrorKind::kTimeExceeded, IcmpErrorKind::kParameterProblem,
    IcmpErrorKind::kRedirect,     IcmpErrorKind::kSourceQuench, IcmpErrorKind::kPacketTooBig,
    IcmpErrorKind::kOther,
};

// The kind of an ICMP (family kIpv4) or ICMPv6 (kIpv6) error of `type` and `code`.
IcmpErrorKind icmp_error_kind(Family family, std::uint8_t type, std::uint8_t code);

// The label value: "unreachable", "time_exceeded", ... (see the table above).
std::string_view icmp_error_kind_label(IcmpErrorKind kind);

}  // namespace bp
