#include "ping/supervise/loopback_pair.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace bp {
namespace {

constexpr int kMaxStrangers = 8;  // connections from others turned away before giving up

bool same(const sockaddr_in& a, const sockaddr_in& b) {
  return a.sin_family == b.sin_family && a.sin_port == b.sin_port &&
         a.sin_addr.s_addr == b.sin_addr.s_addr;
}

Expected<sockaddr_in, SysError> local_address(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return Unexpected{last_error("getsockname")};
  }
  return a;
}

Expected<sockaddr_in, SysError> peer_address(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return Unexpected{last_error("getpeername")};
  }
  return a;
}

// The accepted socket is ours only if it is connected to our connecting socket, both ways.
bool is_own_peer(int connecting, int accepted) {
  const auto c_local = local_address(connecting);
  const auto c_peer = peer_address(connecting);
  const auto a_local = local_address(accepted);
  const auto a_peer = peer_address(accepted);
  return c_local && c_peer && a_local && a_peer && same(*a_peer, *c_local) &&
         same(*a_local, *c_peer);
}

Expected<UniqueFd, SysError> listen_on_loopback() {
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!listener) return Unexpected{last_error("socket")};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Unexpected{last_error("bind")};
  }
  if (::listen(listener.get(), 1) != 0) return Unexpected{last_error("listen")};
  return listener;
}

Expected<UniqueFd, SysError> connect_to(const sockaddr_in& to) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return Unexpected{last_error("socket")};
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 &&
      errno != EINPROGRESS) {
    return Unexpected{last_error("connect")};
  }
  pollfd p{fd.get(), POLLOUT, 0};
  if (retry_on_eintr([&] { return ::poll(&p, 1, 1000); }) != 1) {
    return Unexpected{SysError{"connect", ETIMEDOUT}};
  }
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return Unexpected{SysError{"connect", err}};
  return fd;
}

}  // namespace

Expected<LoopbackPair, SysError> make_loopback_pair() {
  auto listener = listen_on_loopback();
  if (!listener) return Unexpected{listener.error()};
  const auto address = local_address(listener->get());
  if (!address) return Unexpected{address.error()};
  auto connecting = connect_to(*address);
  if (!connecting) return Unexpected{connecting.error()};
  for (int attempt = 0; attempt < kMaxStrangers; ++attempt) {
    UniqueFd accepted(::accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!accepted) return Unexpected{last_error("accept")};
    if (is_own_peer(connecting->get(), accepted.get())) {
      const int on = 1;
      setsockopt(connecting->get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      return LoopbackPair{std::move(*connecting), std::move(accepted)};
    }
    // Someone else connected first: turn them away and accept again.
  }
  return Unexpected{SysError{"accept: too many foreign connections", ECONNREFUSED}};
}

}  // namespace bp
