#include "watchdog/watchdog_setup.h"

#include <signal.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shared/capabilities.h"
#include "shared/pidfd.h"

namespace bp {
namespace {

constexpr std::initializer_list<int> kWatched{SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCONT};

std::string invalid(const char* option, int fd, std::string_view why) {
  return "invalid " + std::string(option) + "=" + std::to_string(fd) + ": " + std::string(why);
}

std::optional<std::string> check_channel(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return invalid("--channel-fd", fd, "not an open descriptor");
  if (!S_ISSOCK(st.st_mode)) return invalid("--channel-fd", fd, "not a socket");
  int type = 0;
  socklen_t length = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM) {
    return invalid("--channel-fd", fd, "not a stream socket");
  }
  sockaddr_storage peer{};
  socklen_t peer_length = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) {
    return invalid("--channel-fd", fd, "not a connected socket");
  }
  return std::nullopt;
}

std::uint64_t held(const CapabilityState& s) { return s.permitted | s.effective | s.inheritable | s.ambient; }

}  // namespace

Expected<SignalFd, SysError> watch_signals() {
  if (auto error = set_disposition(SIGCONT, SIG_DFL)) return Unexpected{*error};
  if (auto error = set_disposition(SIGPIPE, SIG_IGN)) return Unexpected{*error};
  // One atomic switch to exactly the watched set: whatever arrived while better_ping's child
  // kept these blocked across exec stays pending for the signalfd, and nothing watched is ever
  // unblocked on the way (a pending SIGINT would otherwise kill us there).
  sigset_t watched;
  sigemptyset(&watched);
  for (int signal : kWatched) sigaddset(&watched, signal);
  if (::sigprocmask(SIG_SETMASK, &watched, nullptr) != 0) return Unexpected{last_error("sigprocmask")};
  return SignalFd::open(kWatched);
}

std::optional<std::string> ensure_no_capabilities() {
  if (held(read_capability_state()) == 0) return std::nullopt;
  if (auto error = drop_all_capabilities()) return "cannot drop capabilities: " + error->message();
  if (held(read_capability_state()) != 0) return "capabilities are still held after dropping them";
  return std::nullopt;
}

Expected<InheritedDescriptors, std::string> adopt_descriptors(const WatchdogOptions& options) {
  if (auto error = check_channel(options.channel_fd)) return Unexpected{*error};
  const std::optional<pid_t> pid = pidfd_target(options.pidfd);
  if (!pid) return Unexpected{invalid("--pidfd", options.pidfd, "not a pidfd")};
  return InheritedDescriptors{UniqueFd(options.channel_fd), UniqueFd(options.pidfd), *pid};
}

UniqueFd detach_stdout() {
  UniqueFd pipe;
  struct stat st {};
  if (::fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode)) {
    pipe.reset(::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
  }
  const UniqueFd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (null) ::dup2(null.get(), STDOUT_FILENO);
  return pipe;
}

void wait_for_reader(UniqueFd& pipe, std::chrono::milliseconds bound) {
  if (!pipe) return;
  constexpr timespec kStep{0, 5'000'000};
  for (auto waited = std::chrono::milliseconds(0); waited < bound; waited += std::chrono::milliseconds(5)) {
    int unread = 0;
    if (::ioctl(pipe.get(), FIONREAD, &unread) != 0 || unread == 0) break;
    ::nanosleep(&kStep, nullptr);
  }
  pipe.reset();  // end-of-file for the reader, if better_ping has let go too
  // One more step: the reader may hold the last bytes it read without having written them, and
  // may end on its own at end-of-file.
  ::nanosleep(&kStep, nullptr);
}

}  // namespace bp
