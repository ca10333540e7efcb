#pragma once
// ReceiveBatch: room for many datagrams read with one recvmmsg() call, for the loop of several
// targets, which reads every reply that came during a sleep at once. Each slot has its own
// buffer (sized for the replies we expect: what we send plus the largest IPv4 header, and
// more), address and control messages; nothing is allocated after construction.

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ping/net/icmp_socket.h"
#include "shared/expected.h"
#include "shared/sys_error.h"

namespace bp {

class ReceiveBatch {
 public:
  ReceiveBatch(std::size_t slots, std::size_t slot_bytes);

  // Reads what `socket` holds, up to one datagram per slot, without blocking. Returns how many
  // (0: none was queued); SysError when the receive failed (with IP_RECVERR: an error is queued).
  Expected<std::size_t, SysError> receive(const IcmpSocket& socket);
  // The same from the socket's error queue (TX stamps, ICMP errors): entry(i) says what each is.
  Expected<std::size_t, SysError> receive_errors(const IcmpSocket& socket);

  std::span<const std::uint8_t> bytes(std::size_t i) const {
    return {storage_.data() + i * slot_bytes_, packets_[i].length};
  }
  const ReceivedPacket& packet(std::size_t i) const { return packets_[i]; }
  const ErrorQueueEntry& entry(std::size_t i) const { return entries_[i]; }

 private:
  Expected<std::size_t, SysError> receive_messages(const IcmpSocket& socket, int flags);

  std::size_t slot_bytes_;
  std::vector<std::uint8_t> storage_;
  std::vector<std::array<char, 512>> controls_;  // room for an error's and a stamp's
  std::vector<sockaddr_storage> names_;
  std::vector<iovec> iovs_;
  std::vector<mmsghdr> headers_;
  std::vector<ReceivedPacket> packets_;
  std::vector<ErrorQueueEntry> entries_;
};

}  // namespace bp
