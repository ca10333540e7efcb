#pragma once
// Who is still in a process group, read from /proc: what lets the watchdog end its group phase
// as soon as nobody is left to stop, instead of waiting out the grace period and sending the
// group (itself included) SIGKILL.

#include <sys/types.h>

#include <vector>

namespace bp {

// The processes of group `pgid` other than `self` that have not terminated (zombies awaiting
// their parent are left out: no signal reaches them and they keep nothing running). A snapshot:
// a member may fork or exit right after it is taken.
std::vector<pid_t> live_group_members(pid_t pgid, pid_t self);

}  // namespace bp
