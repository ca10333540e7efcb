#pragma once
// Which socket options the command line asks for, as a list to apply in order: pure, so that
// each option's effect on the probes is unit-tested without a socket (-M sets DF through
// IP_MTU_DISCOVER, -m the mark, -r SO_DONTROUTE...). IcmpSocket::apply() sets them one by one
// and names the failing one in its error ("setsockopt(SO_MARK): Operation not permitted").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bp {

struct SocketOption {
  int level = 0;
  int name = 0;
  std::vector<std::uint8_t> value;  // the bytes setsockopt() is given
  std::string what;                 // "setsockopt(SO_MARK)"
  bool needs_net_admin = false;     // SO_MARK: CAP_NET_ADMIN, or CAP_NET_RAW since Linux 5.17
  // What a failure means, as in iputils: most end the run; a mark that cannot be set is a
  // warning ("WARNING: failed to set mark: 42: Operation not permitted"), and SO_DEBUG (which
  // needs CAP_NET_ADMIN, never kept) is set where allowed and otherwise silently not.
  enum class OnFailure { kError, kWarn, kIgnore };
  OnFailure on_failure = OnFailure::kError;
  std::string warning;              // for kWarn: the text before ": <strerror>"
};

// The options of the command line that become socket options (see Options for each letter).
struct SocketChoices {
  std::optional<int> ttl;            // -t
  std::optional<int> tos;            // -Q
  std::optional<int> pmtu;           // -M, as IP_PMTUDISC_* (the IPv6 values are the same)
  std::optional<std::uint32_t> mark;  // -m
  std::optional<int> send_buffer;    // -S
  bool broadcast = false;            // -b
  bool debug = false;                // -d
  bool dont_route = false;           // -r
  bool no_multicast_loop = false;    // -L
  std::vector<std::uint8_t> ip_options;  // -R / -T: IPv4 header options on every probe
};

// The options for a socket of `family` (AF_INET or AF_INET6), in the order iputils sets them.
std::vector<SocketOption> plan_socket_options(const SocketChoices& choices, int family);

}  // namespace bp
