#include "shared/signals.h"

#include <unistd.h>

namespace bp {

std::optional<SysError> set_disposition(int signal, SignalHandler handler, SignalHandler* previous) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  struct sigaction replaced {};
  if (::sigaction(signal, &action, &replaced) != 0) return last_error("sigaction");
  if (previous != nullptr) *previous = replaced.sa_handler;
  return std::nullopt;
}

Expected<SignalFd, SysError> SignalFd::open(std::initializer_list<int> signals) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : signals) sigaddset(&mask, sig);
  if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) return Unexpected{last_error("sigprocmask")};
  UniqueFd fd(signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) return Unexpected{last_error("signalfd")};
  return SignalFd(std::move(fd), mask);
}

std::optional<signalfd_siginfo> SignalFd::read_one() const {
  signalfd_siginfo info{};
  const ssize_t n = retry_on_eintr([&] { return ::read(fd_.get(), &info, sizeof info); });
  if (n != static_cast<ssize_t>(sizeof info)) return std::nullopt;
  return info;
}

}  // namespace bp
