#pragma once
// Capability handling with libcap, in the order iputils established:
//   1. at start, limit_permitted(): keep only what the program needs later, effective empty;
//   2. ScopedCapability raises one capability to effective around the calls that need it;
//   3. once the sockets exist, switch_to_invoking_user() (under sudo) and drop_all_capabilities()
//      before the main loop and before any fork, so nothing later runs with privilege.
// Works the same whether the privilege comes from root, sudo, or `setcap cap_net_raw+p`.

#include <sys/capability.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "shared/sys_error.h"

namespace bp {

// Keeps in the permitted set only those of `keep` that are there already; clears the
// effective and inheritable sets. Empty on success.
std::optional<SysError> limit_permitted(std::initializer_list<cap_value_t> keep);

bool has_permitted(cap_value_t cap);

// Raises one permitted capability to effective for its lifetime. raised() is false when the
// capability is not permitted (the guarded call then fails with EPERM, which the caller reports).
class ScopedCapability {
 public:
  explicit ScopedCapability(cap_value_t cap);
  ~ScopedCapability();
  ScopedCapability(const ScopedCapability&) = delete;
  ScopedCapability& operator=(const ScopedCapability&) = delete;
  bool raised() const { return raised_; }

 private:
  cap_value_t cap_;
  bool raised_ = false;
};

// Under sudo (real and effective uid 0, SUDO_UID set to a non-root user) takes the invoking
// user's uid and primary gid, so the rest of the run does not own root's files. Needs
// CAP_SETUID/CAP_SETGID permitted. Does nothing otherwise. Empty on success.
std::optional<SysError> switch_to_invoking_user();

// Clears permitted, effective, inheritable and ambient sets, and sets no_new_privs so no later
// exec can gain any. Empty on success.
std::optional<SysError> drop_all_capabilities();

// The capability sets as /proc/self/status reports them, for messages and checks.
struct CapabilityState {
  std::uint64_t permitted = 0;
  std::uint64_t effective = 0;
  std::uint64_t inheritable = 0;
  std::uint64_t ambient = 0;
  bool no_new_privs = false;
};
CapabilityState read_capability_state();

}  // namespace bp
