#include "ping/net/control_messages.h"

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>

#include <cstring>

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

}  // namespace bp
