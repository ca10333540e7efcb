#pragma once
// The test responder's system shell: raw sockets that read echo requests (one ICMP, one
// ICMPv6, each filtered to echo requests only) and raw IPPROTO_RAW sockets that send the
// complete datagrams the planner built, and the monotonic clock. Needs CAP_NET_RAW.

#include <functional>
#include <optional>

#include "shared/mono_time.h"
#include "shared/expected.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"
#include "tests/responder/reply_builder.h"

namespace bp::responder {

// clock_gettime(CLOCK_MONOTONIC).
MonoTime monotonic_now();

class ResponderSockets {
 public:
  using OnRequest = std::function<void(const EchoRequestIn&, MonoTime arrival)>;

  // Opens all four sockets (close-on-exec, non-blocking receivers with kernel receive stamps).
  static Expected<ResponderSockets, SysError> open();

  int ipv4_fd() const { return rx4_.get(); }
  int ipv6_fd() const { return rx6_.get(); }

  // Reads every datagram waiting on the socket and hands each echo request to `on_request`
  // with its arrival time: the kernel's receive stamp moved onto the monotonic clock.
  std::optional<SysError> drain_ipv4(const OnRequest& on_request);
  std::optional<SysError> drain_ipv6(const OnRequest& on_request);

  // Sends a complete datagram (its own IP header) to its destination.
  std::optional<SysError> send(const Datagram& datagram);

 private:
  ResponderSockets(UniqueFd rx4, UniqueFd rx6, UniqueFd tx4, UniqueFd tx6)
      : rx4_(std::move(rx4)), rx6_(std::move(rx6)), tx4_(std::move(tx4)), tx6_(std::move(tx6)) {}

  UniqueFd rx4_;
  UniqueFd rx6_;
  UniqueFd tx4_;
  UniqueFd tx6_;
};

}  // namespace bp::responder
