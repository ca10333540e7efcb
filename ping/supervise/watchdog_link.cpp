#include "ping/supervise/watchdog_link.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "ping/supervise/loopback_pair.h"
#include "shared/mono_clock.h"
#include "ping/app/own_executable.h"
#include "shared/pidfd.h"
#include "shared/sys_error.h"
#include "shared/watchdog_command.h"

#ifndef BP_LIBEXEC_WATCHDOG
#define BP_LIBEXEC_WATCHDOG "/usr/local/libexec/better_ping/watchdog"
#endif
#ifndef BP_INSTALLED_BETTER_PING
#define BP_INSTALLED_BETTER_PING "/usr/local/bin/better_ping"
#endif

namespace bp {
namespace {

constexpr std::size_t kMaxPendingBytes = 64 * kFrameSize;
constexpr std::chrono::milliseconds kReapWait{1000};

// The installed better_ping uses only the installed watchdog (whatever else sits in its bin
// directory); a copy elsewhere, such as the build tree, uses the one beside it first. Never
// the current directory or $PATH.
Expected<std::string, std::string> find_watchdog() {
  const std::string self = own_executable_path().value_or("");
  const std::string beside = self.substr(0, self.rfind('/') + 1) + "watchdog";
  if (self != BP_INSTALLED_BETTER_PING && access(beside.c_str(), X_OK) == 0) return beside;
  if (access(BP_LIBEXEC_WATCHDOG, X_OK) == 0) return std::string(BP_LIBEXEC_WATCHDOG);
  return Unexpected{"cannot find the watchdog program: neither " + beside + " nor " +
                    BP_LIBEXEC_WATCHDOG + " is executable"};
}

// Descriptors handed to the watchdog must not be 0-2 (a better_ping started with stdio closed
// would otherwise pass a number the watchdog refuses).
std::optional<SysError> keep_above_stdio(UniqueFd& fd) {
  if (fd.get() > STDERR_FILENO) return std::nullopt;
  UniqueFd moved(fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
  if (!moved) return last_error("fcntl(F_DUPFD_CLOEXEC)");
  fd = std::move(moved);
  return std::nullopt;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "stopped";
}

// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_watchdog(const std::vector<char*>& argv, int channel, int pidfd, int report) {
  // Masks survive exec. The watchdog reads these four from a signalfd and ignores them; blocked
  // from here on, one that arrives while it starts up stays pending instead of killing it.
  sigset_t startup;
  sigemptyset(&startup);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&startup, sig);
  sigprocmask(SIG_SETMASK, &startup, nullptr);
  fcntl(channel, F_SETFD, 0);
  fcntl(pidfd, F_SETFD, 0);
  execv(argv[0], argv.data());
  const int err = errno;
  (void)!write(report, &err, sizeof err);
  _exit(127);
}

}  // namespace

Expected<WatchdogLink, std::string> WatchdogLink::start(const WatchdogLaunch& launch) {
  auto path = find_watchdog();
  if (!path) return Unexpected{path.error()};
  auto pair = make_loopback_pair();
  if (!pair) return Unexpected{"cannot create the watchdog channel: " + pair.error().message()};
  auto self_pidfd = open_pidfd(getpid());
  if (!self_pidfd) return Unexpected{self_pidfd.error().message()};
  for (UniqueFd* fd : {&pair->accepted, &*self_pidfd}) {
    if (auto e = keep_above_stdio(*fd)) return Unexpected{e->message()};
  }
  int report_pipe[2];
  if (pipe2(report_pipe, O_CLOEXEC) != 0) return Unexpected{last_error("pipe2").message()};
  UniqueFd report_read(report_pipe[0]);
  UniqueFd report_write(report_pipe[1]);

  std::vector<std::string> args = watchdog_arguments(
      {pair->accepted.get(), self_pidfd->get(), launch.timeout, launch.target, std::nullopt});
  args.insert(args.begin(), *path);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) return Unexpected{last_error("fork").message()};
  if (pid == 0) exec_watchdog(argv, pair->accepted.get(), self_pidfd->get(), report_write.get());

  report_write.reset();
  pair->accepted.reset();  // only the watchdog holds that end now
  int exec_errno = 0;
  if (retry_on_eintr([&] { return ::read(report_read.get(), &exec_errno, sizeof exec_errno); }) > 0) {
    waitpid(pid, nullptr, 0);
    return Unexpected{"cannot start the watchdog " + *path + ": " + std::strerror(exec_errno)};
  }
  auto child_pidfd = open_pidfd(pid);  // its exit can then be awaited with a bound
  WatchdogLink link(launch.program, pid, std::move(pair->connecting),
                    child_pidfd ? std::move(*child_pidfd) : UniqueFd());
  link.send_frame(HelloBody{getpid(), getpgrp(), launch.timeout});
  if (auto error = link.signal_on_channel_events()) {
    return Unexpected{"cannot watch the watchdog channel: " + error->message()};
  }
  return link;
}

WatchdogLink::~WatchdogLink() {
  if (channel_ && !reaped_) finish();
}

void WatchdogLink::on_valid_reply(std::uint16_t sequence, Duration rtt, MonoTime at) {
  send_frame(HeartbeatBody{sequence, rtt, at});
}

// SIGIO is in better_ping's signal set (caught: SignalCatcher), so never fatal.
std::optional<SysError> WatchdogLink::signal_on_channel_events() const {
  if (fcntl(channel_.get(), F_SETOWN, getpid()) != 0) return last_error("fcntl(F_SETOWN)");
  const int flags = fcntl(channel_.get(), F_GETFL);
  if (flags < 0 || fcntl(channel_.get(), F_SETFL, flags | O_ASYNC) != 0) return last_error("fcntl(O_ASYNC)");
  return std::nullopt;
}

void WatchdogLink::send_frame(const FrameBody& body) {
  if (!flush_pending() && pending_.size() + kFrameSize > kMaxPendingBytes) {
    return;  // the watchdog is not reading; drop this frame whole, keep the stream well-formed
  }
  std::array<std::uint8_t, kFrameSize> frame{};
  encoder_.encode(body, frame);
  pending_.append(reinterpret_cast<const char*>(frame.data()), frame.size());
  flush_pending();
}

bool WatchdogLink::flush_pending() {
  while (!pending_.empty()) {
    const ssize_t n = retry_on_eintr([&] {
      return ::send(channel_.get(), pending_.data(), pending_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    });
    if (n <= 0) return false;  // full, or broken: the loop hears about a broken channel
    pending_.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

std::optional<int> WatchdogLink::on_channel_signal() {
  std::array<char, 256> buffer{};
  const ssize_t n = retry_on_eintr([&] { return ::recv(channel_.get(), buffer.data(), buffer.size(), MSG_DONTWAIT); });
  // End of stream, or a reset (it died with a heartbeat unread): either way it is gone.
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return watchdog_gone();
  flush_pending();  // the watchdog never writes; a wake-up is a chance to send what waits
  return std::nullopt;
}

std::optional<int> WatchdogLink::on_other_signal(const CaughtSignal& signal) {
  switch (signal.signo) {
    case SIGIO:
      return channel_ ? on_channel_signal() : std::nullopt;
    case SIGCHLD:
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        reaped_ = true;
        return watchdog_gone();
      }
      return std::nullopt;
    case SIGTSTP:
      stop_for_job_control();
      return std::nullopt;
    case SIGCONT:
      send_frame(ResumeBody{read_monotonic_clock()});
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

// Ctrl-Z: tell the watchdog first, so a long stop is not taken for silence, then stop as the
// default action would have (SIGTSTP is caught here, so the kernel does not stop us itself).
void WatchdogLink::stop_for_job_control() {
  send_frame(PauseBody{read_monotonic_clock()});
  kill(getpid(), SIGSTOP);
}

std::optional<int> WatchdogLink::watchdog_gone() {
  if (!reaped_) reap(std::chrono::milliseconds(200));
  std::fprintf(stderr, "%s: the watchdog (pid %d) %s; stopping\n", program_.c_str(),
               static_cast<int>(pid_), describe_status(status_).c_str());
  channel_.reset();
  return kExitWatchdogFailed;
}

int WatchdogLink::reap(std::chrono::milliseconds wait) {
  pollfd p{child_pidfd_.get(), POLLIN, 0};
  if (!child_pidfd_ || retry_on_eintr([&] { return ::poll(&p, 1, static_cast<int>(wait.count())); }) != 1) {
    kill(pid_, SIGKILL);  // it did not leave in time: no orphan either way
  }
  retry_on_eintr([&] { return waitpid(pid_, &status_, 0); });
  reaped_ = true;
  return status_;
}

void WatchdogLink::finish() {
  if (!channel_ || reaped_) return;
  send_frame(GoodbyeBody{read_monotonic_clock()});
  shutdown(channel_.get(), SHUT_WR);
  if (!reaped_) reap(kReapWait);
  channel_.reset();
}

void WatchdogLink::abandon() { channel_.reset(); }

}  // namespace bp
