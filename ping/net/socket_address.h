#pragma once
// Conversions between the codec's IpAddress (raw bytes) and the socket API's addresses and
// numeric text. No name lookup here (resolver.h does that).

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>

#include "ping/packet/ip_address.h"

namespace bp {

inline int address_family(const IpAddress& a) {
  return a.family == Family::kIpv6 ? AF_INET6 : AF_INET;
}

std::optional<IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len);
// A socket address with port 0 (ICMP has no ports); returns its length.
socklen_t to_sockaddr(const IpAddress& address, sockaddr_storage& out);
// Numeric IPv4 or IPv6 text only; nothing for anything else.
std::optional<IpAddress> parse_numeric_address(const std::string& text);
std::string address_text(const IpAddress& address);

}  // namespace bp
