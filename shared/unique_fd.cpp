#include "shared/unique_fd.h"

#include <unistd.h>

namespace bp {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) {
    // Linux always releases the descriptor, even when close() reports EINTR: never retry.
    ::close(fd_);
  }
  fd_ = fd;
}

}  // namespace bp
