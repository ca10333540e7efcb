#include "tests/integration/fake_pinger.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "shared/heartbeat_frame.h"
#include "ping/supervise/loopback_pair.h"
#include "shared/mono_time.h"
#include "shared/pidfd.h"
#include "shared/signals.h"
#include "shared/text_file.h"

namespace bp::it {
namespace {

using namespace std::chrono_literals;

constexpr Nanos kFinalWait = 5s;
constexpr Nanos kGoodbyeWait = 2s;
constexpr int kPingerSetupFailed = 100;

int poll_ms(Nanos left) {
  if (left <= 0ns) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

// Waits until fd is readable or `timeout` passes.
bool readable_within(int fd, Nanos timeout) {
  const Nanos until = mono_now() + timeout;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, poll_ms(until - mono_now()));
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

std::string watchdog_path() { return std::string(BP_BIN_DIR) + "/watchdog"; }

sigset_t watchdog_signals() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&mask, signal);
  return mask;
}

void block_watchdog_signals() {
  const sigset_t mask = watchdog_signals();
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
}

// In a forked child about to exec: every descriptor but stdio and `keep` is closed by the exec.
// The signal mask is empty, or (blocked) holds exactly the signals the watchdog reads from its
// signalfd and must never die of, so one sent during its start-up stays pending.
void prepare_exec(int err_fd, const std::vector<int>& keep, bool blocked) {
  ::dup2(err_fd, STDERR_FILENO);
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  for (int fd : keep) ::fcntl(fd, F_SETFD, 0);
  sigset_t mask = watchdog_signals();
  if (!blocked) sigemptyset(&mask);
  ::sigprocmask(SIG_SETMASK, &mask, nullptr);
}

[[noreturn]] void exec_watchdog(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

// ---- inside the fake pinger process ----

class FakePinger {
 public:
  FakePinger(const Script& script, pid_t join_group, int report_fd, int err_fd)
      : script_(script), join_group_(join_group), report_fd_(report_fd), err_fd_(err_fd) {}
  [[noreturn]] void run();

 private:
  void report(const char* name, long long value) const;
  [[noreturn]] void die(const char* what) const;
  void set_up();
  void start_watchdog(int channel_fd, int pidfd);
  void send_frame(const FrameBody& body);
  void send_bytes(const void* data, std::size_t size);
  void wait_for(Nanos duration);
  void do_step(const Step& step);
  void say_goodbye();
  long long watchdog_caps() const;
  long long watchdog_wakeups() const;

  const Script& script_;
  pid_t join_group_;
  int report_fd_;
  int err_fd_;
  std::optional<SignalFd> signals_;
  UniqueFd channel_;
  pid_t watchdog_pid_ = 0;
  UniqueFd watchdog_pidfd_;
  FrameEncoder encoder_;
};

void FakePinger::report(const char* name, long long value) const {
  const std::string line =
      std::string(name) + " " + std::to_string(value) + " " + std::to_string(mono_now().count()) + "\n";
  [[maybe_unused]] const ssize_t n = ::write(report_fd_, line.data(), line.size());
}

void FakePinger::die(const char* what) const {
  report(what, errno);
  ::_exit(kPingerSetupFailed);
}

void FakePinger::run() {
  set_up();
  for (const Step& step : script_.steps) do_step(step);
  wait_for(kFinalWait);
  report("done", 0);
  ::_exit(0);
}

void FakePinger::set_up() {
  if (script_.lead_own_group && ::setpgid(0, 0) != 0) die("error_setpgid");
  if (join_group_ > 0 && ::setpgid(0, join_group_) != 0) die("error_setpgid");
  if (script_.spawn_canary) report("canary", spawn_canary(false, script_.canary_ignores_sigterm));
  auto signals = SignalFd::open({SIGTERM});
  if (!signals) die("error_signalfd");
  signals_.emplace(std::move(*signals));
  auto pair = make_loopback_pair();
  if (!pair) die("error_loopback_pair");
  auto self = open_pidfd(::getpid());
  if (!self) die("error_pidfd_open");
  start_watchdog(pair->accepted.get(), self->get());
  channel_ = std::move(pair->connecting);
  ::close(err_fd_);
  report("pgid", ::getpgrp());
}

void FakePinger::start_watchdog(int channel_fd, int pidfd) {
  std::vector<std::string> args{watchdog_path(), "--channel-fd=" + std::to_string(channel_fd),
                                "--pidfd=" + std::to_string(pidfd)};
  args.insert(args.end(), script_.watchdog_args.begin(), script_.watchdog_args.end());
  // Blocked before the fork, as better_ping has them blocked for its signalfd: a signal sent the
  // moment the child exists must not find it unprotected.
  block_watchdog_signals();
  watchdog_pid_ = ::fork();
  if (watchdog_pid_ < 0) die("error_fork");
  if (watchdog_pid_ == 0) {
    prepare_exec(err_fd_, {channel_fd, pidfd}, !script_.exec_with_empty_mask);
    exec_watchdog(args);
  }
  report("watchdog", watchdog_pid_);
  auto pidfd_of_watchdog = open_pidfd(watchdog_pid_);  // our unreaped child: no pid reuse
  if (!pidfd_of_watchdog) die("error_pidfd_open");
  watchdog_pidfd_ = std::move(*pidfd_of_watchdog);
}

void FakePinger::send_frame(const FrameBody& body) {
  std::array<std::uint8_t, kFrameSize> frame{};
  encoder_.encode(body, frame);
  send_bytes(frame.data(), frame.size());
}

void FakePinger::send_bytes(const void* data, std::size_t size) {
  // The watchdog may have stopped reading (that is what some tests check): errors are ignored.
  [[maybe_unused]] const ssize_t n = ::send(channel_.get(), data, size, MSG_NOSIGNAL);
}

void FakePinger::wait_for(Nanos duration) {
  const Nanos until = mono_now() + duration;
  while (mono_now() < until) {
    pollfd p{signals_->fd(), POLLIN, 0};
    ::poll(&p, 1, poll_ms(until - mono_now()));
    while (const auto info = signals_->read_one()) {
      report("sigterm", static_cast<long long>(info->ssi_pid));
      if (!script_.ignore_sigterm) ::_exit(124);
    }
  }
}

void FakePinger::do_step(const Step& step) {
  using K = Step::Kind;
  switch (step.kind) {
    case K::kHello:
      report("hello", 0);
      return send_frame(HelloBody{::getpid(), ::getpgrp(), step.duration});
    case K::kHeartbeat:
      report("heartbeat", 0);
      return send_frame(HeartbeatBody{1, 1ms, MonoTime(mono_now())});
    case K::kStampedHeartbeat:
      report("stamped_heartbeat", step.duration.count());
      return send_frame(HeartbeatBody{1, 1ms, MonoTime(mono_now() + step.duration)});
    case K::kPause:
      report("pause", 0);
      return send_frame(PauseBody{MonoTime(mono_now())});
    case K::kResume:
      report("resume", 0);
      return send_frame(ResumeBody{MonoTime(mono_now())});
    case K::kGoodbye: return say_goodbye();
    case K::kGarbage:
      report("garbage", 0);
      return send_bytes(step.bytes.data(), step.bytes.size());
    case K::kWait: return wait_for(step.duration);
    case K::kStopSelf:
      report("stopping", 0);
      ::raise(SIGSTOP);
      return;
    case K::kExit:
      report("exiting", step.number);
      ::_exit(step.number);
    case K::kSignalWatchdog:
      report("signalled_watchdog", step.number);
      ::kill(watchdog_pid_, step.number);
      return;
    case K::kReportWatchdogCaps: return report("watchdog_caps", watchdog_caps());
    case K::kReportWatchdogWakeups: return report("watchdog_wakeups", watchdog_wakeups());
  }
}

void FakePinger::say_goodbye() {
  report("goodbye", 0);
  send_frame(GoodbyeBody{MonoTime(mono_now())});
  ::shutdown(channel_.get(), SHUT_WR);
  const bool ended = readable_within(watchdog_pidfd_.get(), kGoodbyeWait);
  report("watchdog_ended", ended ? 1 : 0);
  char byte = 0;
  const ssize_t n = ::recv(channel_.get(), &byte, 1, MSG_DONTWAIT);
  report("channel_end", n == 0 ? 0 : (n < 0 ? -errno : 1));
}

long long FakePinger::watchdog_caps() const {
  const auto status = read_text_file("/proc/" + std::to_string(watchdog_pid_) + "/status");
  if (!status) return -1;
  std::istringstream lines(*status);
  std::string line;
  int found = 0;
  bool held = false;
  while (std::getline(lines, line)) {
    for (const char* key : {"CapPrm:", "CapEff:", "CapAmb:"}) {
      if (line.rfind(key, 0) != 0) continue;
      ++found;
      held = held || line.find_first_not_of("0\t ", std::strlen(key)) != std::string::npos;
    }
  }
  return found == 3 ? (held ? 1 : 0) : -1;
}

long long FakePinger::watchdog_wakeups() const {
  const auto status = read_text_file("/proc/" + std::to_string(watchdog_pid_) + "/status");
  if (!status) return -1;
  constexpr std::string_view kKey = "\nvoluntary_ctxt_switches:";
  const std::size_t at = status->find(kKey);
  if (at == std::string::npos) return -1;
  return std::strtoll(status->c_str() + at + kKey.size(), nullptr, 10);
}

std::optional<Event> parse_event(const std::string& line) {
  std::istringstream in(line);
  Event e;
  long long at = 0;
  if (!(in >> e.name >> e.value >> at)) return std::nullopt;
  e.at = Nanos(at);
  return e;
}

}  // namespace

Nanos mono_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + Nanos(ts.tv_nsec);
}

Step hello(Nanos timeout) { return {Step::Kind::kHello, timeout, 0, {}}; }
Step heartbeat() { return {Step::Kind::kHeartbeat, {}, 0, {}}; }
Step stamped_heartbeat(Nanos offset) { return {Step::Kind::kStampedHeartbeat, offset, 0, {}}; }
Step pause_frame() { return {Step::Kind::kPause, {}, 0, {}}; }
Step resume_frame() { return {Step::Kind::kResume, {}, 0, {}}; }
Step goodbye() { return {Step::Kind::kGoodbye, {}, 0, {}}; }
Step garbage(std::string bytes) { return {Step::Kind::kGarbage, {}, 0, std::move(bytes)}; }
Step wait(Nanos duration) { return {Step::Kind::kWait, duration, 0, {}}; }
Step stop_self() { return {Step::Kind::kStopSelf, {}, 0, {}}; }
Step exit_with(int code) { return {Step::Kind::kExit, {}, code, {}}; }
Step signal_watchdog(int signal) { return {Step::Kind::kSignalWatchdog, {}, signal, {}}; }
Step report_watchdog_caps() { return {Step::Kind::kReportWatchdogCaps, {}, 0, {}}; }
Step report_watchdog_wakeups() { return {Step::Kind::kReportWatchdogWakeups, {}, 0, {}}; }

std::vector<Step> heartbeats(int count, Nanos interval) {
  std::vector<Step> steps;
  for (int i = 0; i < count; ++i) {
    if (i > 0) steps.push_back(wait(interval));
    steps.push_back(heartbeat());
  }
  return steps;
}

// ---- Child ----

Child::~Child() {
  if (pid_ <= 0 || reaped_) return;
  if (!pidfd_ || pidfd_send(pidfd_.get(), SIGKILL)) ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

void Child::adopt(pid_t pid) {
  pid_ = pid;
  auto fd = open_pidfd(pid);
  if (!fd) throw std::runtime_error("pidfd_open(" + std::to_string(pid) + "): " + fd.error().message());
  pidfd_ = std::move(*fd);
}

bool Child::wait_end(Nanos timeout) {
  if (ended_at_) return true;
  if (!pidfd_ || !readable_within(pidfd_.get(), timeout)) return false;
  ended_at_ = mono_now();
  return true;
}

bool Child::ended() { return wait_end(0ns); }

void Child::reap() {
  if (reaped_ || pid_ <= 0) return;
  if (::waitpid(pid_, &status_, 0) == pid_) reaped_ = true;
}

int Child::exit_code() const { return reaped_ && WIFEXITED(status_) ? WEXITSTATUS(status_) : -1; }
int Child::term_signal() const { return reaped_ && WIFSIGNALED(status_) ? WTERMSIG(status_) : 0; }

std::string Child::describe() const {
  if (!reaped_) return "not reaped";
  if (WIFEXITED(status_)) return "exited " + std::to_string(WEXITSTATUS(status_));
  const char* name = ::sigabbrev_np(WTERMSIG(status_));
  return std::string("killed by SIG") + (name != nullptr ? name : "?");
}

// ---- FakePingerRun ----

FakePingerRun::FakePingerRun(const Script& script) {
  pid_t join_group = 0;
  if (!script.lead_own_group) {
    group_holder_.adopt(spawn_canary(true));
    join_group = group_holder_.pid();
  }
  start_pinger(script, join_group);
  if (script.spawn_canary) {
    const auto canary = await_event("canary", 3s);
    if (!canary) throw std::runtime_error("no canary reported:\n" + transcript());
    canary_.adopt(static_cast<pid_t>(*canary));
  }
  const auto watchdog = await_event("watchdog", 3s);
  if (!watchdog) throw std::runtime_error("no watchdog reported:\n" + transcript());
  // Safe from pid reuse: P never reaps it, and only we could once P is gone.
  watchdog_.adopt(static_cast<pid_t>(*watchdog));
  if (!await_event("pgid", 3s)) throw std::runtime_error("set-up not finished:\n" + transcript());
}

void FakePingerRun::start_pinger(const Script& script, pid_t join_group) {
  int report[2];
  int err[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  report_.reset(report[0]);
  UniqueFd report_write(report[1]);
  if (::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  watchdog_err_.reset(err[0]);
  UniqueFd err_write(err[1]);

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) FakePinger(script, join_group, report_write.get(), err_write.get()).run();
  // Both sides set the group, so it is in place whichever runs first (what shells do).
  if (join_group > 0) ::setpgid(pid, join_group);
  pinger_.adopt(pid);
  ::fcntl(report_.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(watchdog_err_.get(), F_SETFL, O_NONBLOCK);
}

bool FakePingerRun::read_events(Nanos timeout) {
  if (!readable_within(report_.get(), timeout)) return false;
  char chunk[4096];
  ssize_t n = 0;
  while ((n = ::read(report_.get(), chunk, sizeof chunk)) > 0) pending_.append(chunk, static_cast<std::size_t>(n));
  for (std::size_t eol; (eol = pending_.find('\n')) != std::string::npos; pending_.erase(0, eol + 1)) {
    if (auto e = parse_event(pending_.substr(0, eol))) events_.push_back(std::move(*e));
  }
  return n == 0 ? false : true;
}

std::optional<long long> FakePingerRun::await_event(const std::string& name, Nanos timeout) {
  const Nanos until = mono_now() + timeout;
  for (bool last_look = false;; ) {
    for (const Event& e : events_) {
      if (e.name == name) return e.value;
    }
    if (last_look) return std::nullopt;
    last_look = mono_now() >= until || !read_events(until - mono_now());
  }
}

const std::vector<Event>& FakePingerRun::events() {
  read_events(0ns);
  return events_;
}

std::vector<Event> FakePingerRun::events_named(const std::string& name) {
  std::vector<Event> named;
  for (const Event& e : events()) {
    if (e.name == name) named.push_back(e);
  }
  return named;
}

std::string FakePingerRun::watchdog_stderr() {
  char chunk[4096];
  ssize_t n = 0;
  while ((n = ::read(watchdog_err_.get(), chunk, sizeof chunk)) > 0) err_text_.append(chunk, static_cast<std::size_t>(n));
  return err_text_;
}

std::string FakePingerRun::transcript() {
  std::string text = "fake pinger events (ms since the first):\n";
  const std::vector<Event>& all = events();
  for (const Event& e : all) {
    const auto ms = std::chrono::duration<double, std::milli>(e.at - all.front().at).count();
    text += "  " + std::to_string(ms) + " " + e.name + " " + std::to_string(e.value) + "\n";
  }
  return text + "pinger: " + pinger_.describe() + ", watchdog: " + watchdog_.describe() +
         "\nwatchdog stderr:\n" + watchdog_stderr();
}

// ---- helpers ----

pid_t spawn_canary(bool own_group, bool ignore_sigterm) {
  const pid_t pid = ::fork();
  if (pid != 0) {
    if (pid > 0 && own_group) ::setpgid(pid, pid);
    return pid;
  }
  if (own_group) ::setpgid(0, 0);
  ::close_range(3, ~0U, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGTERM, ignore_sigterm ? SIG_IGN : SIG_DFL);
  ::alarm(30);  // bounded even if every cleanup fails
  for (;;) ::pause();
}

DirectRun run_watchdog_directly(const std::vector<std::string>& args, const std::vector<int>& pass) {
  int err[2];
  if (::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  UniqueFd err_read(err[0]);
  UniqueFd err_write(err[1]);
  std::vector<std::string> argv{watchdog_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    prepare_exec(err_write.get(), pass, false);
    exec_watchdog(argv);
  }
  err_write.reset();
  Child child;
  child.adopt(pid);
  DirectRun result;
  if (!child.wait_end(5s)) return result;  // the destructor kills it
  child.reap();
  result.exit_code = child.exit_code();
  char chunk[4096];
  ssize_t n = 0;
  while (readable_within(err_read.get(), 1s) && (n = ::read(err_read.get(), chunk, sizeof chunk)) > 0) {
    result.err.append(chunk, static_cast<std::size_t>(n));
  }
  return result;
}

}  // namespace bp::it
