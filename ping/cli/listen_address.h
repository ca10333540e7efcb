#pragma once
// --metrics-listen ADDR:PORT (issue 14): where the exporter's HTTP server listens. Pure.
//
// ADDR is a numeric address only, never a name (resolving it would be a lookup before the
// first probe, and a name can stand for several addresses): "127.0.0.1:9374", "[::1]:9374".
// PORT is 0..65535; 0 lets the kernel pick a free port (the exporter prints the one it got).
// An address that is not loopback is refused unless --metrics-allow-remote is given: the
// metrics name every target, and an exporter open to the network should be a decision.

#include <cstdint>
#include <string>
#include <string_view>

#include "ping/packet/ip_address.h"
#include "shared/expected.h"

namespace bp {

struct ListenAddress {
  IpAddress address;
  std::uint16_t port = 0;
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

// Errors are one line without the program prefix, e.g.
//   --metrics-listen: "localhost:9374" is not ADDRESS:PORT with a numeric address (127.0.0.1:9374, [::1]:9374)
//   --metrics-listen: port "70000" is not a number from 0 to 65535
Expected<ListenAddress, std::string> parse_listen_address(std::string_view text);

// 127.0.0.0/8, ::1, and IPv4-mapped 127.0.0.0/8.
bool is_loopback(const IpAddress& address);

// "127.0.0.1:9374" or "[::1]:9374".
std::string listen_address_text(const ListenAddress& listen);

}  // namespace bp
