#pragma once
// The control messages of a received datagram (receive stamp, TTL / hop limit) and of an
// error-queue message, for the single receives and the batched ones alike.

#include <sys/socket.h>
#include <time.h>

#include "ping/net/icmp_socket.h"

namespace bp {

KernelTime to_kernel_time(const timespec& ts);
void read_control(msghdr& msg, ReceivedPacket& out);
// One error-queue message (`length` bytes of data, msg_name set): what it reports.
ErrorQueueEntry read_error_entry(msghdr& msg, std::size_t length);

}  // namespace bp
