#pragma once
// Reading IPv4 and IPv6 headers: the outer header a raw IPv4 socket delivers, and the original
// datagram that an ICMP error quotes. Pure: bounds-checked reads from a span, no casts.

#include <cstddef>
#include <cstdint>
#include <span>

#include "ping/packet/ip_address.h"
#include "shared/expected.h"

namespace bp {

enum class IpHeaderError {
  kTruncated,        // fewer bytes than the fixed header (20 or 40) or than IHL says
  kBadVersion,       // the version nibble is not 4 (resp. 6)
  kBadHeaderLength,  // IPv4 IHL below 5
};

// IPv4 header, RFC 791 section 3.1:
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
// |                       Source Address                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Destination Address                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Options (IHL*4 - 20 bytes)                 |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
inline constexpr std::size_t kIpv4MinHeaderSize = 20;

struct Ipv4Header {
  std::size_t header_length = 0;   // IHL * 4, 20..60, options included
  std::uint16_t total_length = 0;  // as on the wire; checked by the caller, whose rules differ
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  IpAddress source;
  IpAddress destination;
  std::span<const std::uint8_t> options;  // view into the parsed bytes; empty when IHL is 5
};

// Checks the version and IHL and that the whole header (options included) is present. It does
// not check the total length or the header checksum.
Expected<Ipv4Header, IpHeaderError> parse_ipv4_header(std::span<const std::uint8_t> bytes);

// IPv6 fixed header, RFC 8200 section 3:
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version| Traffic Class |           Flow Label                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Payload Length        |  Next Header  |   Hop Limit   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                Source Address (16 bytes)                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |             Destination Address (16 bytes)                    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// followed by zero or more extension headers (RFC 8200 section 4), each starting with
// Next Header and, except the 8-byte Fragment header, a length byte.
inline constexpr std::size_t kIpv6HeaderSize = 40;

struct Ipv6Header {
  std::uint16_t payload_length = 0;
  std::uint8_t next_header = 0;  // of the fixed header
  std::uint8_t hop_limit = 0;
  IpAddress source;
  IpAddress destination;
  // The first header that is not a skippable extension header, and where it starts (from the
  // start of the IPv6 header). Hop-by-hop (0), Routing (43), Fragment (44, first fragment only),
  // Destination Options (60) and AH (51) are skipped while they fit in the bytes given;
  // otherwise the walk stops there and reports that extension header as the protocol.
  std::uint8_t upper_protocol = 0;
  std::size_t upper_offset = kIpv6HeaderSize;
};

Expected<Ipv6Header, IpHeaderError> parse_ipv6_header(std::span<const std::uint8_t> bytes);

}  // namespace bp
