#include "ping/net/socket_address.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace bp {

std::optional<IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    std::array<std::uint8_t, 4> b{};
    std::memcpy(b.data(), &in.sin_addr, b.size());
    return IpAddress::v4(b);
  }
  if (sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), &in6.sin6_addr, b.size());
    return IpAddress::v6(b);
  }
  return std::nullopt;
}

socklen_t to_sockaddr(const IpAddress& address, sockaddr_storage& out) {
  out = {};
  if (address.family == Family::kIpv6) {
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    std::memcpy(&in6.sin6_addr, address.bytes.data(), 16);
    std::memcpy(&out, &in6, sizeof in6);
    return sizeof in6;
  }
  sockaddr_in in{};
  in.sin_family = AF_INET;
  std::memcpy(&in.sin_addr, address.bytes.data(), 4);
  std::memcpy(&out, &in, sizeof in);
  return sizeof in;
}

std::optional<IpAddress> parse_numeric_address(const std::string& text) {
  std::array<std::uint8_t, 16> b{};
  if (inet_pton(AF_INET, text.c_str(), b.data()) == 1) {
    return IpAddress::v4(std::span<const std::uint8_t, 4>(b.data(), 4));
  }
  if (inet_pton(AF_INET6, text.c_str(), b.data()) == 1) return IpAddress::v6(b);
  return std::nullopt;
}

std::string address_text(const IpAddress& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(address_family(address), address.bytes.data(), text, sizeof text) == nullptr) {
    return "?";
  }
  return text;
}

}  // namespace bp
