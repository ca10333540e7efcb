// floor_ping: the least CPU a ping can spend per probe, and a supervised one: a measuring
// instrument for bench/supervision_cost.sh, never installed.
//
//   floor_ping [--heartbeat] INTERVAL ADDRESS     (IPv4, raw socket: root or CAP_NET_RAW)
//
// Each probe does only what any ping must, the way iputils does it: one echo request built
// and checksummed, one blocking receive bounded by a fixed SO_RCVTIMEO of INTERVAL (so, like
// iputils, the schedule drifts), the reply matched by identifier and sequence, one "-D" style
// line written to stdout. The socket is our ping's, set up the same way (ping/net/icmp_socket.h:
// ICMP and identifier filters in the kernel, so other pings' replies never wake it) but
// without time stamps. With --heartbeat, one 32-byte frame per reply goes on a loopback
// TCP connection set up as better_ping's channel is (ping/supervise/loopback_pair.h); its other end
// stays open in this process and is never read, like a watchdog that never wakes and costs
// nothing. No RTT statistics, no transmit time stamp, no payload check, no duplicate table:
// whatever better_ping spends above floor_ping --heartbeat is the price of those, and of the
// watchdog process.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "ping/net/icmp_socket.h"
#include "ping/packet/checksum.h"
#include "ping/supervise/loopback_pair.h"

namespace {

constexpr std::size_t kEchoSize = 64;  // ping's default: 8-byte header + 56 bytes of data
constexpr std::size_t kIpHeaderMin = 20;

timespec now(clockid_t clock) {
  timespec t{};
  ::clock_gettime(clock, &t);
  return t;
}

long micros_between(const timespec& from, const timespec& to) {
  return (to.tv_sec - from.tv_sec) * 1'000'000L + (to.tv_nsec - from.tv_nsec) / 1000;
}

std::array<std::uint8_t, kEchoSize> echo_request(std::uint16_t id, std::uint16_t seq) {
  std::array<std::uint8_t, kEchoSize> packet{};
  packet[0] = 8;  // echo request
  packet[4] = static_cast<std::uint8_t>(id >> 8);
  packet[5] = static_cast<std::uint8_t>(id);
  packet[6] = static_cast<std::uint8_t>(seq >> 8);
  packet[7] = static_cast<std::uint8_t>(seq);
  const std::uint16_t sum = bp::internet_checksum(packet);
  packet[2] = static_cast<std::uint8_t>(sum >> 8);
  packet[3] = static_cast<std::uint8_t>(sum);
  return packet;
}

bool is_reply_to(std::span<const std::uint8_t> datagram, std::uint16_t id, std::uint16_t seq) {
  if (datagram.size() < kIpHeaderMin) return false;
  const std::size_t header = (datagram[0] & 0x0f) * 4u;
  if (datagram.size() < header + 8) return false;
  const auto icmp = datagram.subspan(header);
  return icmp[0] == 0 && ((icmp[4] << 8) | icmp[5]) == id && ((icmp[6] << 8) | icmp[7]) == seq;
}

int usage() {
  std::fputs("usage: floor_ping [--heartbeat] INTERVAL ADDRESS\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int arg = 1;
  const bool heartbeat = argc > arg && std::string_view(argv[arg]) == "--heartbeat";
  if (heartbeat) ++arg;
  if (argc != arg + 2) return usage();
  const double interval = std::atof(argv[arg]);
  std::array<std::uint8_t, 4> octets{};
  if (interval <= 0 || ::inet_pton(AF_INET, argv[arg + 1], octets.data()) != 1) return usage();
  const bp::IpAddress to = bp::IpAddress::v4(octets);

  const auto id = static_cast<std::uint16_t>(::getpid());
  auto socket = bp::IcmpSocket::open(AF_INET);
  if (!socket || socket->kind() != bp::SocketKind::Raw) {
    std::fputs("floor_ping: cannot open a raw ICMP socket (run as root)\n", stderr);
    return 2;
  }
  bp::SocketSettings settings;
  settings.timestamps = false;
  const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(interval));
  if (socket->apply(settings, id) || socket->prepare_blocking_receive(wait)) {
    std::fputs("floor_ping: cannot set up the ICMP socket\n", stderr);
    return 2;
  }
  bp::LoopbackPair channel;
  if (heartbeat) {
    auto pair = bp::make_loopback_pair();
    if (!pair) {
      std::fputs("floor_ping: cannot make the loopback TCP pair\n", stderr);
      return 2;
    }
    channel = std::move(*pair);
  }

  const std::array<std::uint8_t, 32> frame{'B', 'P', 'H', 'B'};
  std::array<std::uint8_t, 256> buffer{};
  std::array<char, 160> line{};
  for (std::uint16_t seq = 1;; ++seq) {
    const auto request = echo_request(id, seq);
    const timespec sent = now(CLOCK_MONOTONIC);
    socket->send(request, to);
    for (;;) {
      const ssize_t got = ::recv(socket->fd(), buffer.data(), buffer.size(), 0);
      if (got < 0) break;  // the timeout: time for the next request
      if (!is_reply_to(std::span(buffer.data(), static_cast<std::size_t>(got)), id, seq)) continue;
      const long rtt_us = micros_between(sent, now(CLOCK_MONOTONIC));
      const timespec wall = now(CLOCK_REALTIME);
      const int length = std::snprintf(line.data(), line.size(),
                                        "[%ld.%06ld] %zu bytes from %s: icmp_seq=%u ttl=%u time=%ld.%03ld ms\n",
                                        static_cast<long>(wall.tv_sec), wall.tv_nsec / 1000, kEchoSize,
                                        argv[arg + 1], seq, buffer[8], rtt_us / 1000, rtt_us % 1000);
      ::write(STDOUT_FILENO, line.data(), static_cast<std::size_t>(length));
      if (heartbeat) ::send(channel.connecting.get(), frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
  }
}
