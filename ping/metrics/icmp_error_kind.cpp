#include "ping/metrics/icmp_error_kind.h"

namespace bp {
namespace {

IcmpErrorKind icmpv4_kind(std::uint8_t type, std::uint8_t code) {
  switch (type) {
    case 3: return code == 4 ? IcmpErrorKind::kPacketTooBig : IcmpErrorKind::kUnreachable;
    case 4: return IcmpErrorKind::kSourceQuench;
    case 5: return IcmpErrorKind::kRedirect;
    case 11: return IcmpErrorKind::kTimeExceeded;
    case 12: return IcmpErrorKind::kParameterProblem;
    default: return IcmpErrorKind::kOther;
  }
}

IcmpErrorKind icmpv6_kind(std::uint8_t type) {
  switch (type) {
    case 1: return IcmpErrorKind::kUnreachable;
    case 2: return IcmpErrorKind::kPacketTooBig;
    case 3: return IcmpErrorKind::kTimeExceeded;
    case 4: return IcmpErrorKind::kParameterProblem;
    case 137: return IcmpErrorKind::kRedirect;
    default: return IcmpErrorKind::kOther;
  }
}

}  // namespace

IcmpErrorKind icmp_error_kind(Family family, std::uint8_t type, std::uint8_t code) {
  return family == Family::kIpv4 ? icmpv4_kind(type, code) : icmpv6_kind(type);
}

std::string_view icmp_error_kind_label(IcmpErrorKind kind) {
  switch (kind) {
    case IcmpErrorKind::kUnreachable: return "unreachable";
    case IcmpErrorKind::kTimeExceeded: return "time_exceeded";
    case IcmpErrorKind::kParameterProblem: return "parameter_problem";
    case IcmpErrorKind::kRedirect: return "redirect";
    case IcmpErrorKind::kSourceQuench: return "source_quench";
    case IcmpErrorKind::kPacketTooBig: return "packet_too_big";
    case IcmpErrorKind::kOther: return "other";
  }
  return "other";
}

}  // namespace bp
