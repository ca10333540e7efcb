#pragma once
// A connected TCP pair on 127.0.0.1 that leaves nothing listening behind: listen on port 0
// (backlog 1), connect, accept, check that the accepted peer really is our own connecting
// socket (both ends' addresses must mirror each other, so another local user who raced to the
// port is turned away), then close the listener. Both ends are close-on-exec and non-blocking.
//
// The point is that nothing is left to guess: the child that inherits one end holds the only
// way in; no port stays open, no secret travels in argv or the environment.

#include "shared/expected.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"

namespace bp {

struct LoopbackPair {
  UniqueFd connecting;  // the end that called connect()
  UniqueFd accepted;    // the end accept() returned
};

Expected<LoopbackPair, SysError> make_loopback_pair();

}  // namespace bp
