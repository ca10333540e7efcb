// libFuzzer target: everything the receive path parses from an ICMP socket.
//
// Input: one selector byte, then the bytes a socket would hand over.
//   selector % 4 == 0  raw IPv4 socket: IPv4 header + ICMP          parse_ipv4_datagram
//                   1  IPv4 datagram ("ping") socket: ICMP only      parse_icmp_message(kIpv4)
//                   2  ICMPv6 raw or datagram socket: ICMPv6 only    parse_icmp_message(kIpv6)
//                   3  error queue: family byte (bit 0: IPv6), ee_type, ee_code, ee_info (4 bytes,
//                      big-endian), then the original message        parse_sent_echo_request
// Every ICMP error's quoted datagram goes through parse_ipv4_header / parse_ipv6_header, and
// whatever parses is described with describe_icmp, as the ping loop would print it; a raw IPv4
// datagram's IP options are formatted as -R / -T print them.
//
// Invariants: spans in the result point into the input; lengths add up; the IPv4 checksum flag
// says what internet_checksum says; an echo message rebuilt from the parsed fields parses back to
// the same fields; the texts are non-empty single lines.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "ping/packet/icmp_error_text.h"
#include "ping/packet/icmp_packet.h"
#include "ping/packet/ip_header.h"
#include "ping/packet/ip_options.h"
#include "shared/byte_order.h"
#include "ping/packet/checksum.h"
#include "tests/fuzz/fuzz_check.h"

namespace bp {
namespace {

using Bytes = std::span<const std::uint8_t>;

bool inside(Bytes part, Bytes whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

bool is_one_line(const std::string& text) {
  return !text.empty() && text.find('\n') == std::string::npos;
}

std::uint8_t echo_request_type(Family family) {
  return family == Family::kIpv4 ? icmp4::kEchoRequest : icmp6::kEchoRequest;
}

// Builds an echo request from parsed fields and checks that every parser reads them back, and
// that the incremental sequence update gives the same bytes as a fresh build.
void check_echo_round_trip(Family family, std::uint16_t identifier, std::uint16_t sequence,
                           Bytes payload) {
  std::array<std::uint8_t, 2048> buffer{};
  if (payload.size() + kIcmpHeaderSize > buffer.size()) payload = payload.first(0);
  const std::span<std::uint8_t> built =
      build_echo_request(family, identifier, sequence, payload, buffer);
  BP_FUZZ_CHECK(built.size() == kIcmpHeaderSize + payload.size());

  const ReceivedIcmp parsed = parse_icmp_message(family, built);
  const auto* request = std::get_if<EchoRequest>(&parsed.message);
  BP_FUZZ_CHECK(request != nullptr);
  BP_FUZZ_CHECK(request->identifier == identifier && request->sequence == sequence);
  BP_FUZZ_CHECK(parse_sent_echo_request(family, built) == *request);
  if (family == Family::kIpv4) BP_FUZZ_CHECK(internet_checksum(built) == 0);

  const auto next = static_cast<std::uint16_t>(sequence + 1u);
  set_echo_sequence(family, built, next);
  std::array<std::uint8_t, 2048> fresh{};
  const std::span<std::uint8_t> rebuilt = build_echo_request(family, identifier, next, payload, fresh);
  BP_FUZZ_CHECK(std::equal(built.begin(), built.end(), rebuilt.begin(), rebuilt.end()));
}

void check_quote(Family family, const QuotedDatagram& quoted) {
  BP_FUZZ_CHECK(quoted.source.family == family && quoted.destination.family == family);
  const std::optional<EchoRequest> request = quoted.echo_request();
  if (request) {
    BP_FUZZ_CHECK(quoted.icmp.has_value() && quoted.icmp->type == echo_request_type(family));
    BP_FUZZ_CHECK(request->identifier == quoted.icmp->identifier);
    BP_FUZZ_CHECK(request->sequence == quoted.icmp->sequence);
  }
  const std::uint8_t icmp_protocol = family == Family::kIpv4 ? icmp4::kProtocol : icmp6::kProtocol;
  if (quoted.icmp) BP_FUZZ_CHECK(quoted.protocol == icmp_protocol);
}

// `message` is the ICMP part of the input (from its type byte on) the parser looked at.
void check_message(Family family, const IcmpMessage& result, Bytes message, Bytes input) {
  if (const auto* reply = std::get_if<EchoReply>(&result)) {
    BP_FUZZ_CHECK(message.size() >= kIcmpHeaderSize);
    BP_FUZZ_CHECK(reply->icmp_length == message.size());
    BP_FUZZ_CHECK(reply->icmp_length == kIcmpHeaderSize + reply->payload.size());
    BP_FUZZ_CHECK(inside(reply->payload, input));
    BP_FUZZ_CHECK(reply->identifier == load_be16(message, 4));
    BP_FUZZ_CHECK(reply->sequence == load_be16(message, 6));
    const bool checksum_ok = family == Family::kIpv6 || internet_checksum(message) == 0;
    BP_FUZZ_CHECK(reply->checksum_ok == checksum_ok);
    check_echo_round_trip(family, reply->identifier, reply->sequence, reply->payload);
  } else if (const auto* request = std::get_if<EchoRequest>(&result)) {
    BP_FUZZ_CHECK(message.size() >= kIcmpHeaderSize && message[0] == echo_request_type(family));
    BP_FUZZ_CHECK(parse_sent_echo_request(family, message) == *request);
    check_echo_round_trip(family, request->identifier, request->sequence,
                          message.subspan(kIcmpHeaderSize));
  } else if (const auto* error = std::get_if<IcmpError>(&result)) {
    BP_FUZZ_CHECK(error->type == message[0] && error->code == message[1]);
    check_quote(family, error->quoted);
    BP_FUZZ_CHECK(is_one_line(describe_icmp_error(*error, family)));
    BP_FUZZ_CHECK(is_one_line(describe_icmp_error(*error, family, "gateway.example")));
  } else if (const auto* other = std::get_if<OtherIcmp>(&result)) {
    BP_FUZZ_CHECK(other->type == message[0] && other->code == message[1]);
    BP_FUZZ_CHECK(is_one_line(describe_icmp(family, other->type, other->code, 0)));
  } else {
    BP_FUZZ_CHECK(!describe(std::get<Malformed>(result).reason).empty());
  }
}

void fuzz_raw_ipv4(Bytes input) {
  const ReceivedIcmp received = parse_ipv4_datagram(input);
  BP_FUZZ_CHECK(inside(received.envelope.ip_options, input));
  const auto header = parse_ipv4_header(input);
  BP_FUZZ_CHECK(header.has_value() == received.envelope.source.has_value());
  if (!header) {
    BP_FUZZ_CHECK(std::holds_alternative<Malformed>(received.message));
    return;
  }
  BP_FUZZ_CHECK(header->header_length >= kIpv4MinHeaderSize && header->header_length <= 60);
  BP_FUZZ_CHECK(header->header_length <= input.size());
  BP_FUZZ_CHECK(received.envelope.ttl == header->ttl);
  BP_FUZZ_CHECK(received.envelope.ip_options.size() == header->header_length - kIpv4MinHeaderSize);
  // -R / -T: whatever options a reply carries are printed without reading outside them, and a
  // second reply goes through the "(same route)" memory the first one left.
  RecordRouteMemory route;
  (void)format_ip_options(received.envelope.ip_options, route);
  (void)format_ip_options(received.envelope.ip_options, route);
  if (std::holds_alternative<Malformed>(received.message)) return;
  // Parsed past the IP header: the ICMP message is what the total length delimits.
  BP_FUZZ_CHECK(header->protocol == icmp4::kProtocol);
  BP_FUZZ_CHECK(header->total_length <= input.size());
  BP_FUZZ_CHECK(header->total_length >= header->header_length + kIcmpHeaderSize);
  const Bytes message =
      input.subspan(header->header_length, header->total_length - header->header_length);
  check_message(Family::kIpv4, received.message, message, input);
}

void fuzz_icmp_only(Family family, Bytes input) {
  Envelope envelope;
  envelope.ttl = 64;
  const ReceivedIcmp received = parse_icmp_message(family, input, envelope);
  BP_FUZZ_CHECK(received.envelope.ttl == envelope.ttl && !received.envelope.source);
  check_message(family, received.message, input, input);
  if (family == Family::kIpv6) {
    const auto header = parse_ipv6_header(input);
    if (header) {
      BP_FUZZ_CHECK(header->upper_offset >= kIpv6HeaderSize && header->upper_offset <= input.size());
    }
  }
}

void fuzz_error_queue(Bytes input) {
  if (input.size() < 7) return;
  const Family family = (input[0] & 1u) != 0 ? Family::kIpv6 : Family::kIpv4;
  const std::uint8_t type = input[1];
  const std::uint8_t code = input[2];
  const std::uint32_t info = load_be32(input, 3);
  const Bytes original = input.subspan(7);
  BP_FUZZ_CHECK(is_one_line(describe_icmp(family, type, code, info)));
  BP_FUZZ_CHECK(is_one_line(describe_icmp(family, type, code, info, "gateway.example")));
  const std::optional<EchoRequest> request = parse_sent_echo_request(family, original);
  const bool is_request = original.size() >= kIcmpHeaderSize && original[0] == echo_request_type(family);
  BP_FUZZ_CHECK(request.has_value() == is_request);
  if (request) {
    BP_FUZZ_CHECK(request->identifier == load_be16(original, 4));
    BP_FUZZ_CHECK(request->sequence == load_be16(original, 6));
  }
}

}  // namespace
}  // namespace bp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: bp::fuzz_raw_ipv4(input); break;
    case 1: bp::fuzz_icmp_only(bp::Family::kIpv4, input); break;
    case 2: bp::fuzz_icmp_only(bp::Family::kIpv6, input); break;
    default: bp::fuzz_error_queue(input); break;
  }
  return 0;
}
