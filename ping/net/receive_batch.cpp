#include "ping/net/receive_batch.h"

#include <cerrno>

#include "ping/net/control_messages.h"
#include "ping/net/socket_address.h"

namespace bp {

ReceiveBatch::ReceiveBatch(std::size_t slots, std::size_t slot_bytes)
    : slot_bytes_(slot_bytes),
      storage_(slots * slot_bytes),
      controls_(slots),
      names_(slots),
      iovs_(slots),
      headers_(slots),
      packets_(slots),
      entries_(slots) {}

Expected<std::size_t, SysError> ReceiveBatch::receive_messages(const IcmpSocket& socket, int flags) {
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    iovs_[i] = iovec{storage_.data() + i * slot_bytes_, slot_bytes_};
    msghdr& m = headers_[i].msg_hdr;
    m = msghdr{};
    m.msg_name = &names_[i];
    m.msg_namelen = sizeof names_[i];
    m.msg_iov = &iovs_[i];
    m.msg_iovlen = 1;
    m.msg_control = controls_[i].data();
    m.msg_controllen = controls_[i].size();
  }
  const int n = ::recvmmsg(socket.fd(), headers_.data(), static_cast<unsigned>(headers_.size()),
                           MSG_DONTWAIT | flags, nullptr);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::size_t{0};
    return Unexpected{last_error((flags & MSG_ERRQUEUE) != 0 ? "recvmmsg(MSG_ERRQUEUE)" : "recvmmsg")};
  }
  return static_cast<std::size_t>(n);
}

Expected<std::size_t, SysError> ReceiveBatch::receive_errors(const IcmpSocket& socket) {
  auto n = receive_messages(socket, MSG_ERRQUEUE);
  if (!n) return n;
  for (std::size_t i = 0; i < *n; ++i) {
    entries_[i] = read_error_entry(headers_[i].msg_hdr, headers_[i].msg_len);
    packets_[i] = ReceivedPacket{};
    packets_[i].length = headers_[i].msg_len;  // bytes(i): the quoted message of an ICMP error
  }
  return n;
}

Expected<std::size_t, SysError> ReceiveBatch::receive(const IcmpSocket& socket) {
  auto n = receive_messages(socket, 0);
  if (!n) return n;
  for (std::size_t i = 0; i < *n; ++i) {
    msghdr& m = headers_[i].msg_hdr;
    ReceivedPacket& p = packets_[i];
    p = ReceivedPacket{};
    p.length = headers_[i].msg_len;
    p.truncated = (m.msg_flags & MSG_TRUNC) != 0;
    if (auto from = from_sockaddr(reinterpret_cast<const sockaddr*>(&names_[i]), m.msg_namelen)) {
      p.from = *from;
    }
    read_control(m, p);
  }
  return n;
}

}  // namespace bp
