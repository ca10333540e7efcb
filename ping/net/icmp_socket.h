#pragma once
// The ICMP socket: opening (raw with CAP_NET_RAW, else the unprivileged datagram "ping"
// socket), kernel filters, timestamping, and non-blocking send/receive that return raw bytes
// plus what the kernel said about them. Parsing the bytes is the pure codec's job.

#include <sys/socket.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "ping/packet/ip_address.h"
#include "ping/engine/kernel_stamps.h"
#include "ping/net/socket_address.h"
#include "ping/net/socket_plan.h"
#include "shared/expected.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"

namespace bp {

enum class SocketKind { Raw, Datagram };


// Why no ICMP socket could be opened: both attempts' errors, for one clear message.
struct OpenFailure {
  int raw_errno = 0;
  int dgram_errno = 0;
};

struct SocketSettings {
  bool timestamps = true;         // kernel RX and TX software timestamps (off for -f and -U)
  std::vector<SocketOption> options;  // plan_socket_options(): -t -Q -M -m -S -b -d -r -L -R -T
  std::string interface;          // -I NAME: SO_BINDTODEVICE
  std::optional<IpAddress> source;  // -I ADDRESS, or -B's first source: bind
  std::optional<std::uint32_t> flow_label;  // -F (IPv6): leased for the target, sent on every probe
  std::optional<IpAddress> flow_destination;  // the target the flow label is leased for
  std::optional<IpAddress> connect_to;      // -C: connect() to the target
  // -e on a datagram socket: bound with this "port", which the kernel uses as identifier.
  std::optional<std::uint16_t> datagram_identifier;
};

struct ReceivedPacket {
  std::size_t length = 0;          // bytes in the caller's buffer
  bool truncated = false;          // the datagram was longer than the buffer
  IpAddress from;
  std::optional<KernelTime> kernel_rx;
  std::optional<int> ttl;          // datagram sockets and IPv6: from a control message
};

// One message from the error queue.
struct TxTimestamp {
  std::uint32_t key;  // counts sends on this socket from 0 (SOF_TIMESTAMPING_OPT_ID)
  KernelTime when;
};
struct RemoteError {  // an ICMP error that the kernel matched to a packet we sent
  std::uint8_t type;
  std::uint8_t code;
  std::uint32_t info;             // MTU for "fragmentation needed" / "packet too big"
  std::optional<IpAddress> offender;
  std::size_t quoted_length;      // bytes of our original ICMP message in the caller's buffer
  std::optional<IpAddress> destination;  // where the original went (the message's address)
};
struct LocalError {   // e.g. EMSGSIZE with the path MTU in info
  int err;
  std::uint32_t info;
  std::size_t quoted_length;
  std::optional<IpAddress> destination;  // where the original was going
};
using ErrorQueueEntry = std::variant<std::monostate, TxTimestamp, RemoteError, LocalError>;

class IcmpSocket {
 public:
  // Raw socket when CAP_NET_RAW can be raised, else the ICMP datagram socket.
  static Expected<IcmpSocket, OpenFailure> open(int family);

  int fd() const { return fd_.get(); }
  int family() const { return family_; }
  SocketKind kind() const { return kind_; }
  // The identifier the kernel uses on a datagram socket (its "port"), known after apply().
  std::optional<std::uint16_t> kernel_identifier() const { return kernel_identifier_; }
  // The identifier of our probes, known after apply(): the kernel's on a datagram socket, else
  // the one apply() was given.
  std::uint16_t identifier() const { return kernel_identifier_.value_or(identifier_); }
  // Warnings from apply() for options it could not set but did without (iputils' wording,
  // without the program prefix), e.g. "WARNING: failed to set mark: 42: Operation not permitted".
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Sets options, type filters, and (raw sockets) a BPF filter that admits only echo replies
  // carrying `identifier` plus every non-reply message. Empty on success.
  std::optional<SysError> apply(const SocketSettings& settings, std::uint16_t identifier);

  // Sends one datagram. Returns 0 or errno.
  int send(std::span<const std::uint8_t> packet, const IpAddress& to) const;

  // Receives one datagram without blocking (or blocking when `wait`, until the receive timeout);
  // nothing when none is queued, the timeout passed, or a signal interrupted the wait;
  // SysError on failure.
  Expected<std::optional<ReceivedPacket>, SysError> receive(std::span<std::uint8_t> buffer,
                                                           bool wait = false) const;

  // Reads one error-queue message (ICMP errors, local errors, TX timestamps).
  Expected<ErrorQueueEntry, SysError> receive_error(std::span<std::uint8_t> buffer) const;

  // Asks for a receive buffer of `bytes` (the kernel caps it at net.core.rmem_max): room for
  // the replies of many targets between two reads.
  std::optional<SysError> set_receive_buffer(int bytes) const;

  // Lets receive(wait = true) block, for at most `timeout` (set_receive_timeout changes it).
  // Other calls stay non-blocking.
  std::optional<SysError> prepare_blocking_receive(std::chrono::nanoseconds timeout) const;
  // How long receive(wait = true) may block: nothing = without limit. SO_RCVTIMEO counts in
  // whole microseconds and in the kernel's clock ticks: rounded up, never early.
  std::optional<SysError> set_receive_timeout(std::optional<std::chrono::nanoseconds> timeout) const;

 private:
  IcmpSocket(UniqueFd fd, int family, SocketKind kind)
      : fd_(std::move(fd)), family_(family), kind_(kind) {}
  std::optional<SysError> apply_filters(std::uint16_t identifier) const;
  std::optional<SysError> apply_timestamps() const;
  std::optional<SysError> bind_source(const SocketSettings& settings);
  std::optional<SysError> apply_flow_label(std::uint32_t label, const IpAddress& destination);

  UniqueFd fd_;
  int family_;
  SocketKind kind_;
  std::optional<std::uint16_t> kernel_identifier_;
  std::uint16_t identifier_ = 0;
  std::optional<std::uint32_t> flow_label_;  // sent in each destination's sin6_flowinfo
  std::vector<std::string> warnings_;
};

}  // namespace bp
