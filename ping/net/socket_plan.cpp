#include "ping/net/socket_plan.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace bp {
namespace {

SocketOption int_option(int level, int name, int value, std::string what) {
  SocketOption o;
  o.level = level;
  o.name = name;
  o.value.resize(sizeof value);
  std::memcpy(o.value.data(), &value, sizeof value);
  o.what = "setsockopt(" + what + ")";
  return o;
}

}  // namespace

std::vector<SocketOption> plan_socket_options(const SocketChoices& c, int family) {
  const bool v6 = family == AF_INET6;
  std::vector<SocketOption> plan;
  if (c.ttl) {
    // Multicast targets use their own hop limit; iputils sets both.
    plan.push_back(int_option(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, *c.ttl, "TTL"));
    plan.push_back(int_option(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL,
                              *c.ttl, "MULTICAST_TTL"));
  }
  if (c.tos) plan.push_back(int_option(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_TCLASS : IP_TOS, *c.tos, "TOS"));
  if (c.pmtu) {
    plan.push_back(int_option(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER,
                              *c.pmtu, "MTU_DISCOVER"));
  }
  if (c.mark) {
    SocketOption o = int_option(SOL_SOCKET, SO_MARK, static_cast<int>(*c.mark), "SO_MARK");
    o.needs_net_admin = true;
    o.on_failure = SocketOption::OnFailure::kWarn;
    o.warning = "WARNING: failed to set mark: " + std::to_string(*c.mark);
    plan.push_back(std::move(o));
  }
  if (c.send_buffer) plan.push_back(int_option(SOL_SOCKET, SO_SNDBUF, *c.send_buffer, "SO_SNDBUF"));
  if (c.broadcast) plan.push_back(int_option(SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST"));
  if (c.debug) {
    SocketOption o = int_option(SOL_SOCKET, SO_DEBUG, 1, "SO_DEBUG");
    o.on_failure = SocketOption::OnFailure::kIgnore;
    plan.push_back(std::move(o));
  }
  if (c.dont_route) plan.push_back(int_option(SOL_SOCKET, SO_DONTROUTE, 1, "SO_DONTROUTE"));
  if (c.no_multicast_loop) {
    plan.push_back(int_option(v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP,
                              0, "MULTICAST_LOOP"));
  }
  if (!c.ip_options.empty() && !v6) {
    SocketOption o;
    o.level = SOL_IP;
    o.name = IP_OPTIONS;
    o.value = c.ip_options;
    o.what = "setsockopt(IP_OPTIONS)";
    plan.push_back(std::move(o));
  }
  return plan;
}

}  // namespace bp
