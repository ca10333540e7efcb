#include "ping/packet/checksum.h"

namespace bp {

void ChecksumAccumulator::add(std::span<const std::uint8_t> bytes) {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    sum_ += (std::uint32_t{bytes[i]} << 8) | bytes[i + 1];
  }
  if (i < bytes.size()) {
    sum_ += std::uint32_t{bytes[i]} << 8;  // RFC 1071: pad the odd byte on the right
  }
}

std::uint16_t ChecksumAccumulator::finish() const {
  std::uint64_t folded = sum_;
  while (folded >> 16) {
    folded = (folded & 0xFFFFu) + (folded >> 16);
  }
  return static_cast<std::uint16_t>(~folded);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes) {
  ChecksumAccumulator acc;
  acc.add(bytes);
  return acc.finish();
}

}  // namespace bp
