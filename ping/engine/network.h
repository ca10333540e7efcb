#pragma once
// How the many-targets engine reaches the network: it sends through this, and reads the clock
// through it just before each send (a probe's send time). The loop's implementation wraps the
// ICMP sockets (one per address family) and CLOCK_MONOTONIC; the unit tests' fake records the
// probes and runs a clock of their own, so dispatch, matching and scheduling are tested
// without root and without a network (as trippy's Network trait, ninja's DiskInterface).
// Packets come the other way: the loop reads them and hands them to the engine.

#include <cstdint>
#include <span>

#include "ping/packet/ip_address.h"
#include "shared/mono_time.h"

namespace bp {

class Network {
 public:
  virtual ~Network() = default;
  // Sends one ICMP echo request (ICMP header and payload) to `to`. Returns 0 or errno.
  virtual int send(std::span<const std::uint8_t> icmp, const IpAddress& to) = 0;
  // The monotonic clock, read just before a send.
  virtual MonoTime now() = 0;
};

}  // namespace bp
