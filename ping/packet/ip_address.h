#pragma once
// An IPv4 or IPv6 address as raw bytes in network order: what the packet codec reads out of
// headers. Pure: no text form and no sockaddr here (ping/net/socket_address.h converts).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace bp {

enum class Family { kIpv4, kIpv6 };

struct IpAddress {
  Family family = Family::kIpv4;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses bytes[0..4); the rest stay zero

  static IpAddress v4(std::span<const std::uint8_t, 4> octets) {
    IpAddress a{Family::kIpv4, {}};
    for (std::size_t i = 0; i < 4; ++i) a.bytes[i] = octets[i];
    return a;
  }
  static IpAddress v6(std::span<const std::uint8_t, 16> octets) {
    IpAddress a{Family::kIpv6, {}};
    for (std::size_t i = 0; i < 16; ++i) a.bytes[i] = octets[i];
    return a;
  }

  // The 4 or 16 address bytes.
  std::span<const std::uint8_t> octets() const {
    return {bytes.data(), family == Family::kIpv4 ? std::size_t{4} : std::size_t{16}};
  }

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

}  // namespace bp
