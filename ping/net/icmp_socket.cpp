#include "ping/net/icmp_socket.h"

#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/net_tstamp.h>
#include <netinet/icmp6.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/in6.h>  // the flow label manager, after netinet/in.h
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "ping/net/control_messages.h"
#include "shared/capabilities.h"

namespace bp {
namespace {

constexpr std::uint8_t kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmp6EchoReply = 129;

int open_socket(int family, int type) {
  const int protocol = family == AF_INET6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP};
  return ::socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
}

template <typename T>
std::optional<SysError> set_option(int fd, int level, int name, const T& value, const char* what) {
  if (setsockopt(fd, level, name, &value, sizeof value) != 0) return last_error(what);
  return std::nullopt;
}

// The filter program a raw socket runs in the kernel: echo replies with another identifier
// (other pings on this host) are dropped before they wake us; everything else passes.
// `header_skip` loads the IPv4 header length into X; IPv6 raw sockets see no IP header.
std::array<sock_filter, 8> identifier_filter(bool ipv4, std::uint16_t identifier) {
  const std::uint8_t reply = ipv4 ? kIcmpEchoReply : kIcmp6EchoReply;
  const sock_filter header_skip = ipv4 ? sock_filter BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0)
                                       : sock_filter BPF_STMT(BPF_LDX | BPF_IMM, 0);
  return {{
      header_skip,
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 4),                 // A = identifier (big-endian)
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, identifier, 0, 1),  // ours: accept
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),                 // A = ICMP type
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, reply, 1, 0),      // someone else's reply: drop
      BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF),
      BPF_STMT(BPF_RET | BPF_K, 0),
  }};
}

}  // namespace

Expected<IcmpSocket, OpenFailure> IcmpSocket::open(int family) {
  OpenFailure failure;
  {
    ScopedCapability net_raw(CAP_NET_RAW);
    UniqueFd raw(open_socket(family, SOCK_RAW));
    if (raw) return IcmpSocket(std::move(raw), family, SocketKind::Raw);
    failure.raw_errno = errno;
  }
  UniqueFd dgram(open_socket(family, SOCK_DGRAM));
  if (dgram) return IcmpSocket(std::move(dgram), family, SocketKind::Datagram);
  failure.dgram_errno = errno;
  return Unexpected{failure};
}

std::optional<SysError> IcmpSocket::apply(const SocketSettings& settings, std::uint16_t identifier) {
  identifier_ = identifier;
  const int fd = fd_.get();
  const bool v6 = family_ == AF_INET6;
  const int on = 1;
  if (auto e = set_option(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVERR : IP_RECVERR, on,
                          "setsockopt(RECVERR)")) {
    return e;
  }
  if (v6 || kind_ == SocketKind::Datagram) {  // raw IPv4 reads the TTL from the IP header
    if (auto e = set_option(fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVHOPLIMIT : IP_RECVTTL, on,
                            "setsockopt(RECVTTL)")) {
      return e;
    }
  }
  for (const SocketOption& option : settings.options) {
    std::optional<ScopedCapability> raised;
    if (option.needs_net_admin) raised.emplace(CAP_NET_RAW);  // SO_MARK: CAP_NET_RAW since 5.17
    if (setsockopt(fd, option.level, option.name, option.value.data(),
                   static_cast<socklen_t>(option.value.size())) == 0) {
      continue;
    }
    if (option.on_failure == SocketOption::OnFailure::kError) return last_error(option.what);
    if (option.on_failure == SocketOption::OnFailure::kWarn) {
      warnings_.push_back(option.warning + ": " + std::strerror(errno));
    }
  }
  if (settings.flow_label && settings.flow_destination && v6) {
    if (auto e = apply_flow_label(*settings.flow_label, *settings.flow_destination)) return e;
  }
  if (settings.timestamps) {
    if (auto e = apply_timestamps()) return e;
  }
  if (kind_ == SocketKind::Raw) {
    if (auto e = apply_filters(identifier)) return e;
  }
  if (auto e = bind_source(settings)) return e;
  if (settings.connect_to) {
    sockaddr_storage addr{};
    const socklen_t len = to_sockaddr(*settings.connect_to, addr);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) return last_error("connect");
  }
  return std::nullopt;
}

// A flow label must be leased from the kernel before it may be sent (IPV6_FLOWLABEL_MGR), then
// IPV6_FLOWINFO_SEND puts it on every packet of this socket, as iputils does.
std::optional<SysError> IcmpSocket::apply_flow_label(std::uint32_t label, const IpAddress& destination) {
  in6_flowlabel_req request{};
  sockaddr_storage to{};
  to_sockaddr(destination, to);
  request.flr_dst = reinterpret_cast<const sockaddr_in6*>(&to)->sin6_addr;  // leased per peer
  request.flr_label = htonl(label & 0xFFFFF);
  request.flr_action = IPV6_FL_A_GET;
  request.flr_flags = IPV6_FL_F_CREATE;
  request.flr_share = IPV6_FL_S_EXCL;
  if (setsockopt(fd_.get(), SOL_IPV6, IPV6_FLOWLABEL_MGR, &request, sizeof request) != 0) {
    return last_error("can't set flowlabel");  // iputils' words
  }
  const int on = 1;
  if (auto e = set_option(fd_.get(), SOL_IPV6, IPV6_FLOWINFO_SEND, on, "setsockopt(IPV6_FLOWINFO_SEND)")) {
    return e;
  }
  flow_label_ = label & 0xFFFFF;
  return std::nullopt;
}

std::optional<SysError> IcmpSocket::apply_filters(std::uint16_t identifier) const {
  const int fd = fd_.get();
  if (family_ == AF_INET) {
    // Bits set = types blocked. ICMP errors arrive through the error queue (IP_RECVERR), already
    // matched to this socket by the kernel; in band we want replies, redirects and quenches.
    icmp_filter filter{};
    filter.data = ~((1U << ICMP_ECHOREPLY) | (1U << ICMP_REDIRECT) | (1U << ICMP_SOURCE_QUENCH));
    if (auto e = set_option(fd, SOL_RAW, ICMP_FILTER, filter, "setsockopt(ICMP_FILTER)")) return e;
  } else {
    icmp6_filter filter{};
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    if (auto e = set_option(fd, IPPROTO_ICMPV6, ICMP6_FILTER, filter, "setsockopt(ICMP6_FILTER)")) {
      return e;
    }
  }
  auto program = identifier_filter(family_ == AF_INET, identifier);
  sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
  return set_option(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, "setsockopt(SO_ATTACH_FILTER)");
}

std::optional<SysError> IcmpSocket::apply_timestamps() const {
  // Software stamps taken by the kernel as the probe enters the device layer (TX_SCHED, just
  // before the queueing discipline and the point where packet captures see it leave) and as the
  // reply arrives (RX): the RTT then excludes our own scheduling. TX_SCHED rather than the
  // driver's TX_SOFTWARE stamp: the driver stamp comes after every packet tap on the device, so
  // it runs late by the taps' own work (about 2 us on a veth with tcpdump attached), while the
  // device queue that TX_SCHED counts in is empty for an ordinary ping (bench/rtt_accuracy.sh).
  // OPT_ID numbers the TX stamps; OPT_TSONLY keeps the packet itself out of the error queue.
  const int flags = SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE |
                    SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_OPT_ID |
                    SOF_TIMESTAMPING_OPT_TSONLY;
  if (!set_option(fd_.get(), SOL_SOCKET, SO_TIMESTAMPING, flags, "setsockopt(SO_TIMESTAMPING)")) {
    return std::nullopt;
  }
  const int on = 1;  // older kernels: receive stamps only; sends are stamped in user space
  return set_option(fd_.get(), SOL_SOCKET, SO_TIMESTAMPNS, on, "setsockopt(SO_TIMESTAMPNS)");
}

std::optional<SysError> IcmpSocket::bind_source(const SocketSettings& settings) {
  const int fd = fd_.get();
  if (!settings.interface.empty()) {
    ScopedCapability net_raw(CAP_NET_RAW);  // older kernels require it for SO_BINDTODEVICE
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, settings.interface.c_str(),
                   static_cast<socklen_t>(settings.interface.size() + 1)) != 0) {
      return last_error("setsockopt(SO_BINDTODEVICE) " + settings.interface);
    }
  }
  if (!settings.source && kind_ == SocketKind::Raw) return std::nullopt;
  // A datagram socket is bound (to the wildcard unless -I gave an address) so that the kernel
  // picks its identifier now and we can learn it. Its port is the identifier: -e chooses it
  // (iputils does the same).
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (settings.source) {
    len = to_sockaddr(*settings.source, addr);
  } else {
    addr.ss_family = static_cast<sa_family_t>(family_);
    len = family_ == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  }
  const bool chosen_identifier = settings.datagram_identifier && kind_ == SocketKind::Datagram;
  if (chosen_identifier) {
    reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(*settings.datagram_identifier);  // same offset for IPv6
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) return last_error("bind");
  if (kind_ == SocketKind::Datagram) {
    sockaddr_storage bound{};
    socklen_t bound_len = sizeof bound;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len) != 0) {
      return last_error("getsockname");
    }
    in_port_t port = 0;
    if (bound.ss_family == AF_INET6) {
      port = reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port;
    } else {
      port = reinterpret_cast<const sockaddr_in*>(&bound)->sin_port;
    }
    kernel_identifier_ = ntohs(port);
  }
  return std::nullopt;
}

int IcmpSocket::send(std::span<const std::uint8_t> packet, const IpAddress& to) const {
  sockaddr_storage addr{};
  const socklen_t len = to_sockaddr(to, addr);
  // With IPV6_FLOWINFO_SEND the kernel takes the flow label from the destination address.
  if (flow_label_ && addr.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&addr)->sin6_flowinfo = htonl(*flow_label_);
  }
  const ssize_t n = retry_on_eintr([&] {
    return ::sendto(fd_.get(), packet.data(), packet.size(), MSG_DONTWAIT,
                    reinterpret_cast<const sockaddr*>(&addr), len);
  });
  return n < 0 ? errno : 0;
}

namespace {

// Control messages of interest on a received packet.
}  // namespace

Expected<std::optional<ReceivedPacket>, SysError> IcmpSocket::receive(std::span<std::uint8_t> buffer,
                                                                     bool wait) const {
  alignas(cmsghdr) std::array<char, 256> control{};
  sockaddr_storage from{};
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  // No retry on EINTR: a signal that interrupts the wait is the caller's to handle now.
  const ssize_t n = ::recvmsg(fd_.get(), &msg, wait ? 0 : MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::optional<ReceivedPacket>{};
    return Unexpected{last_error("recvmsg")};
  }
  ReceivedPacket packet;
  packet.length = static_cast<std::size_t>(n);
  packet.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  if (auto addr = from_sockaddr(reinterpret_cast<sockaddr*>(&from), msg.msg_namelen)) {
    packet.from = *addr;
  }
  read_control(msg, packet);
  return std::optional<ReceivedPacket>{packet};
}

Expected<ErrorQueueEntry, SysError> IcmpSocket::receive_error(std::span<std::uint8_t> buffer) const {
  alignas(cmsghdr) std::array<char, 512> control{};
  sockaddr_storage name{};
  iovec iov{buffer.data(), buffer.size()};
  msghdr msg{};
  msg.msg_name = &name;
  msg.msg_namelen = sizeof name;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  const ssize_t n = retry_on_eintr([&] { return ::recvmsg(fd_.get(), &msg, MSG_ERRQUEUE | MSG_DONTWAIT); });
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ErrorQueueEntry{};
    return Unexpected{last_error("recvmsg(MSG_ERRQUEUE)")};
  }
  return read_error_entry(msg, static_cast<std::size_t>(n));
}

std::optional<SysError> IcmpSocket::set_receive_buffer(int bytes) const {
  if (setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) {
    return last_error("setsockopt(SO_RCVBUF)");
  }
  return std::nullopt;
}

std::optional<SysError> IcmpSocket::prepare_blocking_receive(std::chrono::nanoseconds timeout) const {
  const int flags = fcntl(fd_.get(), F_GETFL);
  if (flags < 0 || fcntl(fd_.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) return last_error("fcntl");
  return set_receive_timeout(timeout);
}

std::optional<SysError> IcmpSocket::set_receive_timeout(std::optional<std::chrono::nanoseconds> timeout) const {
  timeval tv{};  // zero: no limit
  if (timeout) {
    // Up to the next microsecond, and at least one: zero would mean "no limit".
    const auto us = std::max<std::int64_t>(1, (timeout->count() + 999) / 1000);
    tv.tv_sec = static_cast<time_t>(us / 1000000);
    tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
  }
  return set_option(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, tv, "setsockopt(SO_RCVTIMEO)");
}

}  // namespace bp
