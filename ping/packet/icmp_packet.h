#pragma once
// ICMP (RFC 792) and ICMPv6 (RFC 4443) echo codec: builds our echo requests into a caller's
// buffer, and sorts whatever an ICMP socket hands back into a value (echo reply, someone's
// echo request, an ICMP error quoting a datagram, another ICMP message, or malformed bytes).
// Pure: no syscalls, no allocation, never throws. Parsed values hold spans into the caller's
// receive buffer and are valid only while it is.
//
// Echo request / echo reply (RFC 792 page 14, RFC 4443 sections 4.1 and 4.2):
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Identifier          |        Sequence Number        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Data ...
// +-+-+-+-+-
//
// Error messages (RFC 792, RFC 4443 section 3) share the first word; the second word holds
// the next-hop MTU (IPv4 "fragmentation needed": low 16 bits, RFC 1191; ICMPv6 "packet too
// big": 32 bits), the parameter-problem pointer (IPv4: top 8 bits; ICMPv6: 32 bits), the
// IPv4 redirect gateway, or is unused. Then as much of the offending datagram as fits:
// its IP header (IPv4: IHL*4 bytes, options included; IPv6: 40 bytes plus any extension
// headers) and at least the first 8 bytes of its payload, i.e. our echo request's header.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <variant>

#include "ping/packet/ip_address.h"

namespace bp {

inline constexpr std::size_t kIcmpHeaderSize = 8;

namespace icmp4 {
inline constexpr std::uint8_t kProtocol = 1;  // IPv4 protocol number
inline constexpr std::uint8_t kEchoReply = 0;
inline constexpr std::uint8_t kDestinationUnreachable = 3;
inline constexpr std::uint8_t kSourceQuench = 4;
inline constexpr std::uint8_t kRedirect = 5;
inline constexpr std::uint8_t kEchoRequest = 8;
inline constexpr std::uint8_t kTimeExceeded = 11;
inline constexpr std::uint8_t kParameterProblem = 12;
inline constexpr std::uint8_t kCodeFragmentationNeeded = 4;  // of kDestinationUnreachable
}  // namespace icmp4

namespace icmp6 {
inline constexpr std::uint8_t kProtocol = 58;  // IPv6 next header
inline constexpr std::uint8_t kDestinationUnreachable = 1;
inline constexpr std::uint8_t kPacketTooBig = 2;
inline constexpr std::uint8_t kTimeExceeded = 3;
inline constexpr std::uint8_t kParameterProblem = 4;
inline constexpr std::uint8_t kEchoRequest = 128;
inline constexpr std::uint8_t kEchoReply = 129;
}  // namespace icmp6

// ---- Building ---------------------------------------------------------------------------

// Writes an echo request (type 8 for IPv4, 128 for ICMPv6, code 0) with `payload` into the
// front of `out` and returns the written message (8 + payload.size() bytes), or an empty span
// when `out` is too small. IPv4: the checksum is ours (RFC 1071). ICMPv6: the checksum field is
// left 0, because the kernel fills it on raw sockets (IPV6_CHECKSUM) and on datagram sockets.
// `payload` must not overlap `out`, except that it may already be exactly out[8, 8 + size):
// then it is left in place (fill the payload once, rebuild only the header per probe).
std::span<std::uint8_t> build_echo_request(Family family, std::uint16_t identifier,
                                           std::uint16_t sequence,
                                           std::span<const std::uint8_t> payload,
                                           std::span<std::uint8_t> out);

// Rewrites the sequence number of an echo request built above, for the next probe, without
// touching the payload: IPv4 updates the checksum incrementally (RFC 1624 equation 3), which
// gives the same value as recomputing it. Does nothing to a span shorter than 8 bytes.
void set_echo_sequence(Family family, std::span<std::uint8_t> message, std::uint16_t sequence);

// The ICMPv6 checksum (RFC 4443 section 2.3) over the RFC 8200 section 8.1 pseudo-header
// (source, destination, 32-bit upper-layer length = message.size(), 3 zero bytes, next header
// 58) followed by `message` as given. With the checksum field zeroed this is the value to put
// there; over a received or sent message with its checksum in place it is 0 when intact.
std::uint16_t icmpv6_checksum(std::span<const std::uint8_t, 16> source,
                              std::span<const std::uint8_t, 16> destination,
                              std::span<const std::uint8_t> message);

// ---- Parsing ----------------------------------------------------------------------------

// What the receive path knows besides the ICMP message itself. parse_ipv4_datagram() fills it
// from the IPv4 header; for the other socket kinds the caller passes in what recvmsg() gave
// (peer address, IP_TTL / IPV6_HOPLIMIT cmsg) and gets it back unchanged.
struct Envelope {
  std::optional<IpAddress> source;           // who sent this message (for an error: the router)
  std::optional<IpAddress> destination;      // raw IPv4 only
  std::optional<std::uint8_t> ttl;           // TTL or hop limit
  std::span<const std::uint8_t> ip_options;  // raw IPv4 only: IHL*4 - 20 bytes (e.g. -R)
};

// An echo reply. iputils prints "<icmp_length> bytes from ...".
struct EchoReply {
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  std::size_t icmp_length = 0;            // 8 + payload.size(); IP header excluded
  std::span<const std::uint8_t> payload;  // view into the received bytes
  // IPv4: the RFC 1071 checksum over the whole message verifies. ICMPv6: always true, the
  // kernel verifies and drops bad ones. A false reply is still parsed so the caller can print
  // "(BAD CHECKSUM!)" and count it as corrupted.
  bool checksum_ok = true;
};

// An echo request: on loopback a raw socket sees our own requests too; the caller ignores
// them. Also what the error queue gives back (parse_sent_echo_request).
struct EchoRequest {
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
  friend bool operator==(const EchoRequest&, const EchoRequest&) = default;
};

// The first 8 bytes of the ICMP message an error quotes.
struct QuotedIcmp {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  std::uint16_t identifier = 0;  // meaningful for echo messages only
  std::uint16_t sequence = 0;
  friend bool operator==(const QuotedIcmp&, const QuotedIcmp&) = default;
};

// The offending datagram an ICMP error quotes.
struct QuotedDatagram {
  IpAddress source;
  IpAddress destination;  // compare with the ping target
  // IPv4 protocol, or for IPv6 the first header after any extension headers (ip_header.h).
  std::uint8_t protocol = 0;
  // Present when the quote is ICMP of the error's family (protocol 1 / 58) with 8 bytes.
  std::optional<QuotedIcmp> icmp;

  // The echo request (type 8 for IPv4, 128 for IPv6) this error is about, if it quotes one.
  std::optional<EchoRequest> echo_request() const;
  friend bool operator==(const QuotedDatagram&, const QuotedDatagram&) = default;
};

// An ICMP error (IPv4 types 3, 4, 5, 11, 12; ICMPv6 types 1, 2, 3, 4).
struct IcmpError {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  // The same value the kernel reports in sock_extended_err::ee_info, so error-queue and
  // in-band errors print alike: the next-hop MTU for IPv4 "fragmentation needed" and ICMPv6
  // "packet too big", the pointer for "parameter problem", the gateway (host order) for an
  // IPv4 redirect, 0 otherwise.
  std::uint32_t info = 0;
  bool checksum_ok = true;  // as for EchoReply
  QuotedDatagram quoted;
  friend bool operator==(const IcmpError&, const IcmpError&) = default;
};

// Any other ICMP message (router advertisements, timestamp replies, MLD, ...).
struct OtherIcmp {
  std::uint8_t type = 0;
  std::uint8_t code = 0;
  friend bool operator==(const OtherIcmp&, const OtherIcmp&) = default;
};

enum class MalformedReason {
  kTooShort,           // fewer than 8 ICMP bytes (or than an IPv4 header)
  kBadIpVersion,       // raw IPv4 data whose version nibble is not 4
  kBadIpHeaderLength,  // IHL below 5 or beyond the bytes received
  kBadIpTotalLength,   // total length above the bytes received or below IHL*4 + 8
  kNotIcmp,            // raw IPv4 data whose protocol is not 1
  kQuoteTooShort,      // an error quoting less than an IP header + 8 bytes
  kQuoteBadIpHeader,   // an error quoting something that is not an IP header of its family
};

struct Malformed {
  MalformedReason reason;
  friend bool operator==(const Malformed&, const Malformed&) = default;
};

// A short English phrase for -v output, e.g. "packet too short".
std::string_view describe(MalformedReason reason);

using IcmpMessage = std::variant<EchoReply, EchoRequest, IcmpError, OtherIcmp, Malformed>;

struct ReceivedIcmp {
  Envelope envelope;
  IcmpMessage message;
};

// Data from a raw IPv4 ICMP socket: an IPv4 header, then ICMP. Checks version 4, IHL >= 5 and
// within the data, total length <= data size and >= IHL*4 + 8 (bytes past the total length are
// ignored), protocol 1; fills the envelope (source, destination, TTL, options) from the header.
ReceivedIcmp parse_ipv4_datagram(std::span<const std::uint8_t> datagram);

// Data that starts at the ICMP header: IPv4 datagram ("ping") sockets, ICMPv6 raw and datagram
// sockets. `envelope` is returned as given.
ReceivedIcmp parse_icmp_message(Family family, std::span<const std::uint8_t> message,
                                const Envelope& envelope = {});

// The payload of a MSG_ERRQUEUE read (IP_RECVERR / IPV6_RECVERR) on a raw or datagram ICMP
// socket: the original message we sent, from its ICMP header on, possibly cut short. Returns
// its identifier and sequence if it is an echo request of `family` with at least 8 bytes.
std::optional<EchoRequest> parse_sent_echo_request(Family family,
                                                   std::span<const std::uint8_t> original);

}  // namespace bp
