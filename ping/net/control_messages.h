#pragma once
// The control messages of a received datagram (receive stamp, TTL / hop limit), for the
// single receive and the batched one alike.

#include <sys/socket.h>
#include <time.h>

#include "ping/net/icmp_socket.h"

namespace bp {

KernelTime to_kernel_time(const timespec& ts);
void read_control(msghdr& msg, ReceivedPacket& out);

}  // namespace bp
