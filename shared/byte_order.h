#pragma once
// Big-endian (network order) loads and stores on byte spans. Wire formats in this project are
// read with these shifts, never by casting a struct onto a buffer, so nothing depends on the
// host's byte order or alignment.

#include <cstddef>
#include <cstdint>
#include <span>

namespace bp {

inline std::uint16_t load_be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

inline std::uint32_t load_be32(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

inline std::uint64_t load_be64(std::span<const std::uint8_t> b, std::size_t at) {
  return (std::uint64_t{load_be32(b, at)} << 32) | load_be32(b, at + 4);
}

inline void store_be16(std::span<std::uint8_t> b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

inline void store_be32(std::span<std::uint8_t> b, std::size_t at, std::uint32_t v) {
  store_be16(b, at, static_cast<std::uint16_t>(v >> 16));
  store_be16(b, at + 2, static_cast<std::uint16_t>(v));
}

inline void store_be64(std::span<std::uint8_t> b, std::size_t at, std::uint64_t v) {
  store_be32(b, at, static_cast<std::uint32_t>(v >> 32));
  store_be32(b, at + 4, static_cast<std::uint32_t>(v));
}

}  // namespace bp
