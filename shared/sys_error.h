#pragma once
// A failed system call as a value: which call, and errno. Rendered as "call: strerror".

#include <cerrno>
#include <string>
#include <utility>

namespace bp {

struct SysError {
  std::string call;
  int err = 0;

  std::string message() const;  // e.g. "socket: Operation not permitted"
};

// Captures errno right after a failed call.
inline SysError last_error(std::string call) { return SysError{std::move(call), errno}; }

// The one place that retries a system call interrupted by a signal handler.
template <typename Call>
auto retry_on_eintr(Call&& call) {
  for (;;) {
    auto result = call();
    if (!(result == -1 && errno == EINTR)) return result;
  }
}

}  // namespace bp
