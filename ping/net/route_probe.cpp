#include "ping/net/route_probe.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "ping/net/socket_address.h"
#include "shared/unique_fd.h"

namespace bp {

Expected<IpAddress, SysError> probe_source_address(const IpAddress& target, const std::string& device,
                                                   bool broadcast) {
  UniqueFd probe(::socket(address_family(target), SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!probe) return Unexpected{last_error("socket")};
  const int on = 1;
  if (broadcast && setsockopt(probe.get(), SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0) {
    return Unexpected{last_error("SO_BROADCAST")};
  }
  if (!device.empty() &&
      setsockopt(probe.get(), SOL_SOCKET, SO_BINDTODEVICE, device.c_str(),
                 static_cast<socklen_t>(device.size() + 1)) != 0) {
    return Unexpected{last_error("SO_BINDTODEVICE " + device)};
  }
  sockaddr_storage to{};
  const socklen_t len = to_sockaddr(target, to);
  reinterpret_cast<sockaddr_in*>(&to)->sin_port = htons(1025);  // same offset for IPv6
  if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&to), len) != 0) {
    return Unexpected{last_error("connect")};
  }
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  if (getsockname(probe.get(), reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
    return Unexpected{last_error("getsockname")};
  }
  auto source = from_sockaddr(reinterpret_cast<const sockaddr*>(&local), local_len);
  if (!source) return Unexpected{SysError{"getsockname", EAFNOSUPPORT}};
  return *source;
}

}  // namespace bp
