#pragma once
// The test responder's packets: reads an echo request as a raw socket delivers it, and builds
// the complete IP datagrams (header included) that a scenario sends back, plus unrelated ICMP
// ("noise") aimed at the pinger. Pure: no I/O, no clock. Written independently of ping/'s
// codec, so the two do not share mistakes.
//
// Every datagram is sent as is through an IPPROTO_RAW socket (the header is ours): that is how
// a reply can come from a second address, and how an ICMPv6 checksum can be wrong at all (on an
// ICMPv6 socket the kernel always computes it).
//
// IPv4 header, RFC 791 section 3.1 (we send IHL 5, no options, TTL 64, DF clear as the kernel's
// echo replies):
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version|  IHL  |Type of Service|          Total Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Identification        |Flags|      Fragment Offset    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Time to Live |    Protocol   |         Header Checksum       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                Source Address / Destination Address           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// IPv6 header, RFC 8200 section 3 (we send traffic class 0, flow label 0, hop limit 64):
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version| Traffic Class |           Flow Label                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Payload Length        |  Next Header  |   Hop Limit   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |        Source Address (16 bytes), Destination Address (16)    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Echo request / reply, RFC 792 page 14 and RFC 4443 sections 4.1-4.2:
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Identifier          |        Sequence Number        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Data ...
//
// Errors (RFC 792 pages 4-6; RFC 4443 sections 3.1 and 3.3): type, code, checksum, 4 unused
// bytes, then the invoking datagram: IPv4 its IP header + the first 8 bytes of its data (what
// RFC 792 asks for); IPv6 as much of it as fits in 1280 bytes (RFC 4443 section 2.4 (c)).
//
// Checksums: ICMP is RFC 1071 over the message; ICMPv6 is RFC 1071 over the RFC 8200 section
// 8.1 pseudo-header (source, destination, 32-bit length, 3 zero bytes, next header 58) and the
// message; the IPv4 header checksum covers the header. The kernel would fill the last one in
// anyway on an IPPROTO_RAW socket; we write it so the bytes are complete and testable.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ping/packet/ip_address.h"
#include "tests/responder/responder_config.h"

namespace bp::responder {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint8_t kTtl = 64;  // TTL / hop limit of everything we send

// An echo request that reached us.
struct EchoRequestIn {
  Family family = Family::kIpv4;
  IpAddress source;       // the pinger
  IpAddress destination;  // the address it pinged
  // IPv4: the header exactly as received (options included). IPv6: the fixed header rebuilt
  // from what the socket reports (a raw ICMPv6 socket hands over no IP header).
  Bytes ip_header;
  Bytes icmp;  // the whole ICMP(v6) message as received, checksum included
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
};

// What a raw ICMPv6 socket says about a message besides its bytes (IPV6_PKTINFO,
// IPV6_HOPLIMIT, IPV6_TCLASS, IPV6_FLOWINFO).
struct Ipv6Arrival {
  IpAddress source;
  IpAddress destination;
  std::uint8_t hop_limit = kTtl;
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;  // low 20 bits
};

// Data from a raw IPv4 ICMP socket (IPv4 header, then ICMP). Nothing unless it is a complete
// echo request (type 8, code 0; total length consistent with the bytes). The checksum is not
// checked: the kernel has (an ICMP socket drops nothing, but the pinger under test sends
// correct ones).
std::optional<EchoRequestIn> parse_ipv4_echo_request(std::span<const std::uint8_t> datagram);

// An ICMPv6 message from a raw ICMPv6 socket. Nothing unless it is an echo request (type 128,
// code 0) of at least 8 bytes.
std::optional<EchoRequestIn> parse_icmpv6_echo_request(std::span<const std::uint8_t> message,
                                                       const Ipv6Arrival& arrival);

// A complete IP datagram to send through an IPPROTO_RAW socket of its family.
struct Datagram {
  Family family = Family::kIpv4;
  IpAddress destination;  // also written in the header; the socket needs it for routing
  Bytes bytes;
  friend bool operator==(const Datagram&, const Datagram&) = default;
};

// What `scenario` sends back for `request`: nothing (kDrop), one datagram, or two identical
// ones (kDuplicate). kReorder builds a normal reply (holding it is the caller's part: see
// ResponsePlanner). kOtherSource without an alternate address for the family sends nothing.
// IPv6 kBadChecksum is built as asked, though the pinger's kernel will drop it.
std::vector<Datagram> build_replies(const EchoRequestIn& request, Scenario scenario,
                                    const ReplyParams& params);

// The number of kinds build_noise() cycles through.
inline constexpr std::size_t kNoiseKinds = 4;

// Unrelated ICMP for the pinger of `request`, from the address it pinged; `index` picks the
// kind (index % kNoiseKinds), all with correct checksums:
//   0  an echo reply with the identifier's bits flipped (another ping's reply)
//   1  IPv4: a timestamp reply (type 14) with the request's identifier and sequence;
//      IPv6: a private-experimentation message (type 200)
//   2  port unreachable quoting a UDP datagram from the pinger to us (port 33434)
//   3  host unreachable (IPv4) / address unreachable (IPv6) quoting an echo request from the
//      pinger to us with the identifier's bits flipped (another ping's probe)
Datagram build_noise(const EchoRequestIn& request, std::size_t index);

// Building blocks, exposed for the tests.

// `message` behind an IPv4 header from `source` to `destination` (protocol 1), identification
// `id`, header checksum filled in.
Bytes ipv4_datagram(const IpAddress& source, const IpAddress& destination, std::uint16_t id,
                    std::span<const std::uint8_t> message);
// `message` behind an IPv6 header (next header 58). The ICMPv6 checksum in `message` is left as
// given: call set_icmpv6_checksum first.
Bytes ipv6_datagram(const IpAddress& source, const IpAddress& destination,
                    std::span<const std::uint8_t> message);
// Writes the RFC 1071 checksum into bytes 2-3 of an ICMP message.
void set_icmp_checksum(std::span<std::uint8_t> message);
// Writes the ICMPv6 checksum (with the pseudo-header) into bytes 2-3.
void set_icmpv6_checksum(std::span<std::uint8_t> message, const IpAddress& source,
                         const IpAddress& destination);

}  // namespace bp::responder
