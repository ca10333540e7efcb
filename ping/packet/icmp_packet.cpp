#include "ping/packet/icmp_packet.h"

#include <algorithm>

#include "ping/packet/ip_header.h"
#include "shared/byte_order.h"
#include "ping/packet/checksum.h"
#include "shared/expected.h"

namespace bp {
namespace {

constexpr std::size_t kChecksumOffset = 2;
constexpr std::size_t kIdentifierOffset = 4;
constexpr std::size_t kSequenceOffset = 6;

std::uint8_t echo_request_type(Family family) {
  return family == Family::kIpv4 ? icmp4::kEchoRequest : icmp6::kEchoRequest;
}

std::uint8_t echo_reply_type(Family family) {
  return family == Family::kIpv4 ? icmp4::kEchoReply : icmp6::kEchoReply;
}

bool is_error_type(Family family, std::uint8_t type) {
  if (family == Family::kIpv6) {
    return type >= icmp6::kDestinationUnreachable && type <= icmp6::kParameterProblem;
  }
  switch (type) {
    case icmp4::kDestinationUnreachable:
    case icmp4::kSourceQuench:
    case icmp4::kRedirect:
    case icmp4::kTimeExceeded:
    case icmp4::kParameterProblem: return true;
    default: return false;
  }
}

// The second header word, reduced to what the kernel would report as ee_info.
std::uint32_t error_info(Family family, std::uint8_t type, std::uint8_t code, std::uint32_t word) {
  if (family == Family::kIpv4) {
    if (type == icmp4::kDestinationUnreachable && code == icmp4::kCodeFragmentationNeeded) {
      return word & 0xFFFFu;  // RFC 1191: 16 unused bits, then the next-hop MTU
    }
    if (type == icmp4::kParameterProblem) return word >> 24;
    if (type == icmp4::kRedirect) return word;
    return 0;
  }
  if (type == icmp6::kPacketTooBig || type == icmp6::kParameterProblem) return word;
  return 0;
}

std::optional<QuotedIcmp> quoted_icmp(std::span<const std::uint8_t> transport) {
  if (transport.size() < kIcmpHeaderSize) return std::nullopt;
  return QuotedIcmp{transport[0], transport[1], load_be16(transport, kIdentifierOffset),
                    load_be16(transport, kSequenceOffset)};
}

MalformedReason quote_error(IpHeaderError error) {
  return error == IpHeaderError::kTruncated ? MalformedReason::kQuoteTooShort
                                            : MalformedReason::kQuoteBadIpHeader;
}

Expected<QuotedDatagram, MalformedReason> parse_quote(Family family,
                                                      std::span<const std::uint8_t> quote) {
  QuotedDatagram q;
  std::size_t header_length = 0;     // the IP header proper
  std::size_t transport_offset = 0;  // past any IPv6 extension headers
  std::uint8_t icmp_protocol = icmp4::kProtocol;
  if (family == Family::kIpv4) {
    const auto ip = parse_ipv4_header(quote);
    if (!ip) return Unexpected{quote_error(ip.error())};
    q = {ip->source, ip->destination, ip->protocol, std::nullopt};
    header_length = transport_offset = ip->header_length;
  } else {
    const auto ip = parse_ipv6_header(quote);
    if (!ip) return Unexpected{quote_error(ip.error())};
    q = {ip->source, ip->destination, ip->upper_protocol, std::nullopt};
    header_length = kIpv6HeaderSize;
    transport_offset = ip->upper_offset;
    icmp_protocol = icmp6::kProtocol;
  }
  // RFC 792 and RFC 4443 both promise at least 8 bytes past the IP header; IPv6 extension
  // headers count towards them.
  if (quote.size() < header_length + kIcmpHeaderSize) {
    return Unexpected{MalformedReason::kQuoteTooShort};
  }
  if (q.protocol == icmp_protocol) q.icmp = quoted_icmp(quote.subspan(transport_offset));
  return q;
}

MalformedReason outer_header_error(IpHeaderError error, std::size_t size) {
  switch (error) {
    case IpHeaderError::kBadVersion: return MalformedReason::kBadIpVersion;
    case IpHeaderError::kBadHeaderLength: return MalformedReason::kBadIpHeaderLength;
    case IpHeaderError::kTruncated: break;
  }
  // Short of even the fixed header, or of what IHL announces.
  return size < kIpv4MinHeaderSize ? MalformedReason::kTooShort
                                   : MalformedReason::kBadIpHeaderLength;
}

IcmpMessage parse_error(Family family, std::span<const std::uint8_t> message, bool checksum_ok) {
  auto quoted = parse_quote(family, message.subspan(kIcmpHeaderSize));
  if (!quoted) return Malformed{quoted.error()};
  IcmpError e;
  e.type = message[0];
  e.code = message[1];
  e.info = error_info(family, e.type, e.code, load_be32(message, 4));
  e.checksum_ok = checksum_ok;
  e.quoted = *quoted;
  return e;
}

IcmpMessage classify(Family family, std::span<const std::uint8_t> message) {
  if (message.size() < kIcmpHeaderSize) return Malformed{MalformedReason::kTooShort};
  const std::uint8_t type = message[0];
  const bool checksum_ok = family == Family::kIpv6 || internet_checksum(message) == 0;
  const std::uint16_t identifier = load_be16(message, kIdentifierOffset);
  const std::uint16_t sequence = load_be16(message, kSequenceOffset);

  if (type == echo_reply_type(family)) {
    return EchoReply{identifier, sequence, message.size(), message.subspan(kIcmpHeaderSize),
                     checksum_ok};
  }
  if (type == echo_request_type(family)) return EchoRequest{identifier, sequence};
  if (is_error_type(family, type)) return parse_error(family, message, checksum_ok);
  return OtherIcmp{type, message[1]};
}

}  // namespace

std::span<std::uint8_t> build_echo_request(Family family, std::uint16_t identifier,
                                           std::uint16_t sequence,
                                           std::span<const std::uint8_t> payload,
                                           std::span<std::uint8_t> out) {
  const std::size_t length = kIcmpHeaderSize + payload.size();
  if (out.size() < length) return {};
  const auto message = out.first(length);
  if (payload.data() != message.data() + kIcmpHeaderSize) {
    std::copy(payload.begin(), payload.end(), message.begin() + kIcmpHeaderSize);
  }
  message[0] = echo_request_type(family);
  message[1] = 0;
  store_be16(message, kChecksumOffset, 0);
  store_be16(message, kIdentifierOffset, identifier);
  store_be16(message, kSequenceOffset, sequence);
  if (family == Family::kIpv4) store_be16(message, kChecksumOffset, internet_checksum(message));
  return message;
}

void set_echo_sequence(Family family, std::span<std::uint8_t> message, std::uint16_t sequence) {
  if (message.size() < kIcmpHeaderSize) return;
  const std::uint16_t old_sequence = load_be16(message, kSequenceOffset);
  store_be16(message, kSequenceOffset, sequence);
  if (family == Family::kIpv6) return;  // the kernel computes the ICMPv6 checksum
  // RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in one's complement arithmetic.
  const std::uint16_t old_checksum = load_be16(message, kChecksumOffset);
  std::uint32_t sum = std::uint32_t{static_cast<std::uint16_t>(~old_checksum)} +
                      std::uint32_t{static_cast<std::uint16_t>(~old_sequence)} + sequence;
  while (sum >> 16) sum = (sum & 0xFFFFu) + (sum >> 16);
  store_be16(message, kChecksumOffset, static_cast<std::uint16_t>(~sum));
}

std::uint16_t icmpv6_checksum(std::span<const std::uint8_t, 16> source,
                              std::span<const std::uint8_t, 16> destination,
                              std::span<const std::uint8_t> message) {
  ChecksumAccumulator acc;
  acc.add(source);
  acc.add(destination);
  acc.add_u32(static_cast<std::uint32_t>(message.size()));
  acc.add_u32(icmp6::kProtocol);  // 3 zero bytes, then the next header value
  acc.add(message);
  return acc.finish();
}

std::optional<EchoRequest> QuotedDatagram::echo_request() const {
  if (!icmp || icmp->type != echo_request_type(destination.family)) return std::nullopt;
  return EchoRequest{icmp->identifier, icmp->sequence};
}

std::string_view describe(MalformedReason reason) {
  switch (reason) {
    case MalformedReason::kTooShort: return "packet too short";
    case MalformedReason::kBadIpVersion: return "not an IPv4 packet";
    case MalformedReason::kBadIpHeaderLength: return "bad IP header length";
    case MalformedReason::kBadIpTotalLength: return "bad IP total length";
    case MalformedReason::kNotIcmp: return "not an ICMP packet";
    case MalformedReason::kQuoteTooShort: return "ICMP error quotes too little of the datagram";
    case MalformedReason::kQuoteBadIpHeader: return "ICMP error quotes a bad IP header";
  }
  return "malformed packet";
}

ReceivedIcmp parse_ipv4_datagram(std::span<const std::uint8_t> datagram) {
  const auto ip = parse_ipv4_header(datagram);
  if (!ip) return {{}, Malformed{outer_header_error(ip.error(), datagram.size())}};
  const Envelope envelope{ip->source, ip->destination, ip->ttl, ip->options};
  if (ip->protocol != icmp4::kProtocol) return {envelope, Malformed{MalformedReason::kNotIcmp}};
  if (ip->total_length > datagram.size() ||
      ip->total_length < ip->header_length + kIcmpHeaderSize) {
    return {envelope, Malformed{MalformedReason::kBadIpTotalLength}};
  }
  const auto message = datagram.subspan(ip->header_length, ip->total_length - ip->header_length);
  return {envelope, classify(Family::kIpv4, message)};
}

ReceivedIcmp parse_icmp_message(Family family, std::span<const std::uint8_t> message,
                                const Envelope& envelope) {
  return {envelope, classify(family, message)};
}

std::optional<EchoRequest> parse_sent_echo_request(Family family,
                                                   std::span<const std::uint8_t> original) {
  if (original.size() < kIcmpHeaderSize || original[0] != echo_request_type(family)) {
    return std::nullopt;
  }
  return EchoRequest{load_be16(original, kIdentifierOffset), load_be16(original, kSequenceOffset)};
}

}  // namespace bp
