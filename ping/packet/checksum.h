#pragma once
// RFC 1071 Internet checksum: the 16-bit one's complement of the one's complement sum of the
// data taken as big-endian 16-bit words (an odd final byte is padded with a zero byte).
//
// Verifying a received packet: the checksum over the whole packet, checksum field included,
// is 0 when the packet is intact.

#include <cstddef>
#include <cstdint>
#include <span>

namespace bp {

// Accumulates the one's complement sum over several pieces, e.g. the ICMPv6 pseudo-header
// (RFC 8200 section 8.1) followed by the ICMPv6 message. Every piece but the last must have
// an even length, as it does for every header this project sums.
class ChecksumAccumulator {
 public:
  void add(std::span<const std::uint8_t> bytes);
  void add_u16(std::uint16_t word) { sum_ += word; }
  void add_u32(std::uint32_t word) { sum_ += (word >> 16) + (word & 0xFFFFu); }
  // The final checksum: the folded sum, complemented.
  std::uint16_t finish() const;

 private:
  std::uint64_t sum_ = 0;  // 64 bits: no carry is lost for any packet up to 2^48 bytes
};

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes);

}  // namespace bp
