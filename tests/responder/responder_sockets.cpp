#include "tests/responder/responder_sockets.h"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

// After <netinet/in.h>, so that its IPv6 definitions (in6_pktinfo) win over the kernel's.
#include <linux/icmp.h>

#include <array>
#include <cstring>
#include <span>

namespace bp::responder {
namespace {

constexpr std::size_t kBufferSize = 65536;

std::chrono::nanoseconds to_duration(const timespec& ts) {
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

std::chrono::nanoseconds realtime_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return to_duration(ts);
}

// The kernel stamps arrivals on the wall clock (SO_TIMESTAMPNS); the planner runs on the
// monotonic one. The age of the packet is the same on both, so shift it over by its age.
MonoTime arrival_time(const std::optional<timespec>& stamp) {
  const MonoTime now = monotonic_now();
  if (!stamp) return now;
  const auto age = realtime_now() - to_duration(*stamp);
  if (age <= std::chrono::nanoseconds::zero() || age > std::chrono::seconds(1)) return now;
  return now - age;
}

template <typename T>
bool set_option(int fd, int level, int name, const T& value) {
  return setsockopt(fd, level, name, &value, sizeof value) == 0;
}

Expected<UniqueFd, SysError> raw_socket(int family, int protocol) {
  UniqueFd fd(::socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol));
  if (!fd)
    return Unexpected{last_error(family == AF_INET ? "socket(AF_INET)" : "socket(AF_INET6)")};
  return fd;
}

IpAddress from_in6(const in6_addr& a) {
  std::array<std::uint8_t, 16> octets{};
  std::memcpy(octets.data(), a.s6_addr, octets.size());
  return IpAddress::v6(octets);
}

struct Received {
  std::size_t length = 0;
  std::optional<timespec> stamp;
  sockaddr_in6 from{};
  Ipv6Arrival v6;  // filled from the IPv6 control messages
};

// One recvmsg; nothing when the queue is empty.
Expected<std::optional<Received>, SysError> receive(int fd, std::span<std::uint8_t> buffer) {
  Received r;
  iovec iov{buffer.data(), buffer.size()};
  alignas(cmsghdr) std::array<char, 512> control{};
  msghdr msg{};
  msg.msg_name = &r.from;
  msg.msg_namelen = sizeof r.from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  const ssize_t n = retry_on_eintr([&] { return ::recvmsg(fd, &msg, 0); });
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<Received>{};
    return Unexpected{last_error("recvmsg")};
  }
  r.length = static_cast<std::size_t>(n);
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      r.stamp = ts;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      r.v6.destination = from_in6(info.ipi6_addr);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
      int hops = 0;
      std::memcpy(&hops, CMSG_DATA(c), sizeof hops);
      r.v6.hop_limit = static_cast<std::uint8_t>(hops);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS) {
      int tclass = 0;
      std::memcpy(&tclass, CMSG_DATA(c), sizeof tclass);
      r.v6.traffic_class = static_cast<std::uint8_t>(tclass);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_FLOWINFO) {
      std::uint32_t flowinfo = 0;  // network order: traffic class and flow label
      std::memcpy(&flowinfo, CMSG_DATA(c), sizeof flowinfo);
      r.v6.flow_label = ntohl(flowinfo) & 0xFFFFFu;
    }
  }
  r.v6.source = from_in6(r.from.sin6_addr);
  return std::optional<Received>{r};
}

}  // namespace

MonoTime monotonic_now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return MonoTime(to_duration(ts));
}

Expected<ResponderSockets, SysError> ResponderSockets::open() {
  auto rx4 = raw_socket(AF_INET, IPPROTO_ICMP);
  if (!rx4) return Unexpected{rx4.error()};
  auto rx6 = raw_socket(AF_INET6, IPPROTO_ICMPV6);
  if (!rx6) return Unexpected{rx6.error()};
  auto tx4 = raw_socket(AF_INET, IPPROTO_RAW);  // IP_HDRINCL is implied
  if (!tx4) return Unexpected{tx4.error()};
  auto tx6 = raw_socket(AF_INET6, IPPROTO_RAW);  // IPV6_HDRINCL is implied (Linux 4.5+)
  if (!tx6) return Unexpected{tx6.error()};

  // Only echo requests: the raw sockets would otherwise get every ICMP message the host sees.
  icmp_filter filter4{};
  filter4.data = ~(1u << ICMP_ECHO);
  icmp6_filter filter6{};
  ICMP6_FILTER_SETBLOCKALL(&filter6);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &filter6);
  const int on = 1;
  const int rx4_fd = rx4->get();
  const int rx6_fd = rx6->get();
  if (!set_option(rx4_fd, SOL_RAW, ICMP_FILTER, filter4))
    return Unexpected{last_error("ICMP_FILTER")};
  if (!set_option(rx6_fd, IPPROTO_ICMPV6, ICMP6_FILTER, filter6)) {
    return Unexpected{last_error("ICMP6_FILTER")};
  }
  for (int fd : {rx4_fd, rx6_fd}) {
    if (!set_option(fd, SOL_SOCKET, SO_TIMESTAMPNS, on))
      return Unexpected{last_error("SO_TIMESTAMPNS")};
  }
  for (int option : {IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS, IPV6_FLOWINFO}) {
    if (!set_option(rx6_fd, IPPROTO_IPV6, option, on))
      return Unexpected{last_error("IPV6 receive option")};
  }
  return ResponderSockets(std::move(*rx4), std::move(*rx6), std::move(*tx4), std::move(*tx6));
}

std::optional<SysError> ResponderSockets::drain_ipv4(const OnRequest& on_request) {
  std::array<std::uint8_t, kBufferSize> buffer{};
  for (;;) {
    auto r = receive(rx4_.get(), buffer);
    if (!r) return r.error();
    if (!*r) return std::nullopt;
    const auto request =
        parse_ipv4_echo_request(std::span<const std::uint8_t>(buffer.data(), (*r)->length));
    if (request) on_request(*request, arrival_time((*r)->stamp));
  }
}

std::optional<SysError> ResponderSockets::drain_ipv6(const OnRequest& on_request) {
  std::array<std::uint8_t, kBufferSize> buffer{};
  for (;;) {
    auto r = receive(rx6_.get(), buffer);
    if (!r) return r.error();
    if (!*r) return std::nullopt;
    const auto request = parse_icmpv6_echo_request(
        std::span<const std::uint8_t>(buffer.data(), (*r)->length), (*r)->v6);
    if (request) on_request(*request, arrival_time((*r)->stamp));
  }
}

std::optional<SysError> ResponderSockets::send(const Datagram& datagram) {
  sockaddr_storage to{};
  socklen_t to_length = 0;
  int fd = tx4_.get();
  if (datagram.family == Family::kIpv4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&to);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, datagram.destination.bytes.data(), 4);
    to_length = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&to);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, datagram.destination.bytes.data(), 16);
    to_length = sizeof(sockaddr_in6);
    fd = tx6_.get();
  }
  const ssize_t n = retry_on_eintr([&] {
    return ::sendto(fd, datagram.bytes.data(), datagram.bytes.size(), 0,
                    reinterpret_cast<const sockaddr*>(&to), to_length);
  });
  if (n < 0) return last_error("sendto");
  return std::nullopt;
}

}  // namespace bp::responder
