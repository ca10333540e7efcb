#include "ping/net/control_messages.h"

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>

#include <cstring>

#include "ping/net/socket_address.h"

namespace bp {

KernelTime to_kernel_time(const timespec& ts) {
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

void read_control(msghdr& msg, ReceivedPacket& out) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPING) {
      scm_timestamping ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      if (ts.ts[0].tv_sec != 0 || ts.ts[0].tv_nsec != 0) out.kernel_rx = to_kernel_time(ts.ts[0]);
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      out.kernel_rx = to_kernel_time(ts);
    } else if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL) ||
               (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
      int ttl = 0;
      std::memcpy(&ttl, CMSG_DATA(c), sizeof ttl);
      out.ttl = ttl;
    }
  }
}

ErrorQueueEntry read_error_entry(msghdr& msg, std::size_t length) {
  std::optional<sock_extended_err> ee;
  std::optional<IpAddress> offender;
  std::optional<KernelTime> stamp;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
        (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
      sock_extended_err err{};
      std::memcpy(&err, CMSG_DATA(c), sizeof err);
      ee = err;
      // The offender's address follows the structure (SO_EE_OFFENDER).
      const auto* sa = reinterpret_cast<const sockaddr*>(CMSG_DATA(c) + sizeof err);
      const auto room = static_cast<socklen_t>(c->cmsg_len - CMSG_LEN(sizeof err));
      if (room >= sizeof(sa_family_t)) offender = from_sockaddr(sa, room);
    } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPING) {
      scm_timestamping ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      stamp = to_kernel_time(ts.ts[0]);
    }
  }
  if (!ee) return ErrorQueueEntry{};
  const std::size_t quoted = length;
  const auto destination = from_sockaddr(static_cast<const sockaddr*>(msg.msg_name), msg.msg_namelen);
  switch (ee->ee_origin) {
    case SO_EE_ORIGIN_TIMESTAMPING:
      if (!stamp) return ErrorQueueEntry{};
      return ErrorQueueEntry{TxTimestamp{ee->ee_data, *stamp}};
    case SO_EE_ORIGIN_ICMP:
    case SO_EE_ORIGIN_ICMP6:
      return ErrorQueueEntry{RemoteError{ee->ee_type, ee->ee_code, ee->ee_info, offender, quoted, destination}};
    case SO_EE_ORIGIN_LOCAL:
      return ErrorQueueEntry{LocalError{static_cast<int>(ee->ee_errno), ee->ee_info, quoted, destination}};
    default:
      return ErrorQueueEntry{};
  }
}

}  // namespace bp
