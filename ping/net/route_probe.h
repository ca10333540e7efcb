#pragma once
// Asks the kernel which source address it would use to reach the target, as iputils does, by
// connecting a UDP socket (connect() on UDP sends nothing). A target with no route fails here,
// at once, with "connect: Network is unreachable", instead of after the first probe.

#include <string>

#include "ping/packet/ip_address.h"
#include "shared/expected.h"
#include "shared/sys_error.h"

namespace bp {

// `device` (may be empty) restricts the route to that interface, as -I NAME does. Without
// `broadcast` (-b) a broadcast target fails with EACCES, as iputils' connect() does.
Expected<IpAddress, SysError> probe_source_address(const IpAddress& target, const std::string& device,
                                                   bool broadcast = false);

}  // namespace bp
