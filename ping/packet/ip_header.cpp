#include "ping/packet/ip_header.h"

#include "shared/byte_order.h"

namespace bp {
namespace {

// IPv6 extension header numbers (RFC 8200 section 4, RFC 4302 for AH).
constexpr std::uint8_t kHopByHop = 0;
constexpr std::uint8_t kRouting = 43;
constexpr std::uint8_t kFragment = 44;
constexpr std::uint8_t kAuthentication = 51;
constexpr std::uint8_t kDestinationOptions = 60;

// Length of the extension header at `at`, or 0 when it is not one we can skip (an upper-layer
// protocol, ESP, a non-first fragment) or it is cut off.
std::size_t extension_length(std::uint8_t type, std::span<const std::uint8_t> b, std::size_t at) {
  if (at + 8 > b.size()) return 0;  // every extension header is at least 8 bytes
  std::size_t length = 0;
  switch (type) {
    case kHopByHop:
    case kRouting:
    case kDestinationOptions: length = (std::size_t{b[at + 1]} + 1) * 8; break;
    case kAuthentication: length = (std::size_t{b[at + 1]} + 2) * 4; break;
    case kFragment:
      // Only the first fragment carries the upper-layer header.
      if ((load_be16(b, at + 2) & 0xFFF8u) != 0) return 0;
      length = 8;
      break;
    default: return 0;
  }
  return at + length <= b.size() ? length : 0;
}

}  // namespace

Expected<Ipv4Header, IpHeaderError> parse_ipv4_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kIpv4MinHeaderSize) return Unexpected{IpHeaderError::kTruncated};
  if ((bytes[0] >> 4) != 4) return Unexpected{IpHeaderError::kBadVersion};
  const std::size_t header_length = std::size_t{bytes[0] & 0x0Fu} * 4;
  if (header_length < kIpv4MinHeaderSize) return Unexpected{IpHeaderError::kBadHeaderLength};
  if (header_length > bytes.size()) return Unexpected{IpHeaderError::kTruncated};

  Ipv4Header h;
  h.header_length = header_length;
  h.total_length = load_be16(bytes, 2);
  h.ttl = bytes[8];
  h.protocol = bytes[9];
  h.source = IpAddress::v4(bytes.subspan(12).first<4>());
  h.destination = IpAddress::v4(bytes.subspan(16).first<4>());
  h.options = bytes.subspan(kIpv4MinHeaderSize, header_length - kIpv4MinHeaderSize);
  return h;
}

Expected<Ipv6Header, IpHeaderError> parse_ipv6_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kIpv6HeaderSize) return Unexpected{IpHeaderError::kTruncated};
  if ((bytes[0] >> 4) != 6) return Unexpected{IpHeaderError::kBadVersion};

  Ipv6Header h;
  h.payload_length = load_be16(bytes, 4);
  h.next_header = bytes[6];
  h.hop_limit = bytes[7];
  h.source = IpAddress::v6(bytes.subspan(8).first<16>());
  h.destination = IpAddress::v6(bytes.subspan(24).first<16>());

  h.upper_protocol = h.next_header;
  h.upper_offset = kIpv6HeaderSize;
  // Each step advances by at least 8 bytes within `bytes`, so the walk ends.
  while (const std::size_t length = extension_length(h.upper_protocol, bytes, h.upper_offset)) {
    h.upper_protocol = bytes[h.upper_offset];
    h.upper_offset += length;
  }
  return h;
}

}  // namespace bp
