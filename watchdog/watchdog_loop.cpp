#include "watchdog/watchdog_loop.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "shared/heartbeat_frame.h"
#include "shared/overloaded.h"
#include "shared/pidfd.h"
#include "watchdog/mono_timer.h"
#include "watchdog/process_group.h"
#include "watchdog/watchdog_messages.h"
#include "watchdog/watchdog_setup.h"

namespace bp {
namespace {

// Bounds one turn's reading, so a flooding peer cannot starve signals and timers; what is left
// is read next turn, at once, and silence is not judged before it is.
constexpr int kMaxReadsPerTurn = 64;
// SO_RCVLOWAT while reading lazily: 512 frames. Below it the kernel does not wake us for the
// channel. It is far below the default receive buffer (tcp_rmem, 128 KiB), so better_ping's
// sends never wait for us; were the buffer under pressure first, TCP would report the socket
// readable anyway.
constexpr int kLazyLowWater = 16 * 1024;
constexpr int kEagerLowWater = 1;  // the kernel's default: every byte wakes the reader
// Bounds the final read before close.
constexpr int kMaxReadsBeforeClose = 256;
constexpr std::chrono::milliseconds kReaderDrainBound{500};  // at most, before the group is signalled
// Group members watched through pidfds in the group phase; any beyond are left to the grace
// period's SIGKILL. A pipeline has a handful.
constexpr std::size_t kMaxWatchedMembers = 64;

void log_line(std::string line) {
  line += '\n';
  // One write per line, so lines of concurrent writers do not interleave; nothing to do if
  // stderr is gone.
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

WatchdogOutcome fail(const SysError& error) {
  log_line("watchdog: " + error.message());
  return WatchdogOutcome::kFailed;
}

class Loop {
 public:
  Loop(WatchdogSession session, const SignalFd& signals, MonoTimer deadline, MonoTimer grace);
  WatchdogOutcome run();

 private:
  enum Slot : std::size_t { kSignals, kPinger, kChannel, kDeadline, kGrace, kSlots };
  using Result = std::optional<WatchdogOutcome>;

  Result turn();
  void read_signals(MonoTime now);
  MonoTime read_channel(MonoTime now);
  void feed(std::span<const std::uint8_t> bytes, MonoTime read_at);
  void on_frame(const Frame& frame);
  void on_hello(const HelloBody& hello);
  void on_end_of_stream();
  void protocol_violation(std::string_view what);
  Result decide(MonoTime now);
  Result ended() const;
  Result expire(MonoTime now);
  Result drive_policy(MonoTime now);
  Result apply(const KillStep& step, MonoTime now);
  Result watch_group(MonoTime now);
  void send(const SignalAction& action);
  Result arm_deadline();
  Result set_read_mode();
  void drain_before_close() const;
  KillTargets targets() const;

  WatchdogSession session_;
  const SignalFd& signals_;
  MonoTimer deadline_;
  MonoTimer grace_;
  std::vector<pollfd> fds_;  // the kSlots above, then the group members being watched
  std::vector<UniqueFd> members_;  // pidfds of fds_[kSlots...]
  bool member_exited_ = false;
  DeadlineTracker tracker_;
  FrameDecoder decoder_;
  std::optional<HelloBody> hello_;
  std::optional<KillPolicy> policy_;
  pid_t own_pid_;
  pid_t own_pgid_;
  bool pinger_exited_ = false;
  bool pinger_exit_handled_ = false;
  bool channel_closed_ = false;
  bool channel_drained_ = true;
  bool lazy_ = false;  // SO_RCVLOWAT is kLazyLowWater (else kEagerLowWater)
  std::optional<std::optional<MonoTime>> armed_;  // what the deadline timer is set to, if known
};

Loop::Loop(WatchdogSession session, const SignalFd& signals, MonoTimer deadline, MonoTimer grace)
    : session_(std::move(session)),
      signals_(signals),
      deadline_(std::move(deadline)),
      grace_(std::move(grace)),
      tracker_(session_.timeout, session_.start),
      own_pid_(::getpid()),
      own_pgid_(::getpgrp()) {
  fds_.resize(kSlots);
  fds_[kSignals] = {signals_.fd(), POLLIN, 0};
  fds_[kPinger] = {session_.pinger.get(), POLLIN, 0};
  fds_[kChannel] = {session_.channel.get(), POLLIN, 0};
  fds_[kDeadline] = {deadline_.fd(), POLLIN, 0};
  fds_[kGrace] = {grace_.fd(), POLLIN, 0};
}

WatchdogOutcome Loop::run() {
  Result outcome = arm_deadline();
  while (!outcome) {
    outcome = turn();
    if (!outcome) outcome = set_read_mode();
  }
  drain_before_close();
  return *outcome;
}

Loop::Result Loop::turn() {
  // Bytes left unread by a bounded turn may be below the low-water mark: go on without sleeping.
  const timespec no_wait{};
  if (retry_on_eintr([&] {
        return ::ppoll(fds_.data(), fds_.size(), channel_drained_ ? nullptr : &no_wait, nullptr);
      }) < 0) {
    return fail(last_error("ppoll"));
  }
  MonoTime now = read_monotonic_clock();
  if (fds_[kSignals].revents != 0) read_signals(now);
  if (fds_[kPinger].revents != 0) {
    pinger_exited_ = true;
    fds_[kPinger].fd = -1;  // stays readable for good
  }
  if (fds_[kDeadline].revents != 0) deadline_.consume();  // it only woke us; the tracker decides
  for (std::size_t i = kSlots; i < fds_.size(); ++i) member_exited_ = member_exited_ || fds_[i].revents != 0;
  // Whatever woke us, the channel is drained first: frames below the low-water mark are not
  // reported by poll, and the decision must see every heartbeat sent so far.
  now = read_channel(now);
  return decide(now);
}

void Loop::read_signals(MonoTime now) {
  // Only SIGCONT matters; the others are read to be discarded, including the group signals the
  // kill policy makes the watchdog send to itself.
  while (const auto info = signals_.read_one()) {
    if (info->ssi_signo == SIGCONT && !policy_) tracker_.resume(now);
  }
}

// Reads until the socket says EAGAIN (MSG_DONTWAIT returns what is queued even below the
// low-water mark). Returns the clock reading taken after the last read, or `now`.
MonoTime Loop::read_channel(MonoTime now) {
  channel_drained_ = true;
  std::array<std::uint8_t, 4096> buffer;
  for (int i = 0; i < kMaxReadsPerTurn; ++i) {
    if (fds_[kChannel].fd < 0) return now;
    const ssize_t n =
        retry_on_eintr([&] { return ::recv(fds_[kChannel].fd, buffer.data(), buffer.size(), MSG_DONTWAIT); });
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return now;
    if (n <= 0) {
      on_end_of_stream();  // EOF, or the connection broke (reset)
      return now;
    }
    now = read_monotonic_clock();  // no honest frame of this read can be later than this
    if (!policy_) feed(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)), now);
  }
  channel_drained_ = false;
  return now;
}

void Loop::feed(std::span<const std::uint8_t> bytes, MonoTime read_at) {
  while (fds_[kChannel].fd >= 0) {
    DecodeResult result = decoder_.next(bytes);
    if (std::holds_alternative<NeedMoreBytes>(result)) return;
    if (const auto* violation = std::get_if<FrameViolation>(&result)) return protocol_violation(to_string(*violation));
    const Frame& frame = std::get<Frame>(result);
    if (const auto future = check_frame_time(frame.body, read_at)) return protocol_violation(to_string(*future));
    on_frame(frame);
  }
}

// Frames are judged by their own Time: when better_ping produced them, not when we read them.
void Loop::on_frame(const Frame& frame) {
  std::visit(Overloaded{
                 [&](const HelloBody& hello) { on_hello(hello); },
                 [&](const HeartbeatBody& beat) { tracker_.on_heartbeat(beat.time); },
                 [&](const PauseBody& pause) { tracker_.pause(pause.time); },
                 [&](const ResumeBody& resume) { tracker_.resume(resume.time); },
                 [](const GoodbyeBody&) {},  // the decoder remembers the goodbye
             },
             frame.body);
}

void Loop::on_hello(const HelloBody& hello) {
  if (hello.timeout != session_.timeout) {
    return protocol_violation(hello_timeout_mismatch(hello.timeout, session_.timeout));
  }
  if (session_.pinger_pid > 0 && hello.pid != session_.pinger_pid) {
    return protocol_violation(hello_pid_mismatch(hello.pid, session_.pinger_pid));
  }
  hello_ = hello;
}

void Loop::on_end_of_stream() {
  fds_[kChannel].fd = -1;
  channel_closed_ = true;
  decoder_.end_of_stream();
}

void Loop::protocol_violation(std::string_view what) {
  log_line(violation_message(what));
  fds_[kChannel].fd = -1;  // silence from now on; the deadline keeps running
}

Loop::Result Loop::decide(MonoTime now) {
  if (policy_) return drive_policy(now);
  if (pinger_exited_ || channel_closed_) return ended();
  if (channel_drained_ && tracker_.expired(now)) return expire(now);
  return arm_deadline();
}

Loop::Result Loop::ended() const {
  if (decoder_.goodbye_received()) return WatchdogOutcome::kGoodbye;
  log_line(vanished_message(hello_ ? hello_->pid : session_.pinger_pid));
  return WatchdogOutcome::kPingerVanished;
}

Loop::Result Loop::expire(MonoTime now) {
  log_line(expiry_message(session_.target, tracker_.silence(now)));
  policy_.emplace(targets(), session_.kill);
  if (auto error = deadline_.disarm()) return fail(*error);
  armed_.reset();
  return apply(policy_->on_expired(), now);
}

Loop::Result Loop::drive_policy(MonoTime now) {
  if (pinger_exited_ && !pinger_exit_handled_) {
    pinger_exit_handled_ = true;
    if (Result outcome = apply(policy_->on_pinger_exited(), now)) return outcome;
  }
  // Before the grace timer: a group found empty needs no SIGKILL, even if its grace is over.
  if (member_exited_) {
    member_exited_ = false;
    if (Result outcome = watch_group(now)) return outcome;
  }
  // Read only now: if the step above re-armed the grace timer, an expiry of the old arming is gone.
  if (grace_.consume()) return apply(policy_->on_grace_elapsed(), now);
  return std::nullopt;
}

Loop::Result Loop::apply(const KillStep& step, MonoTime now) {
  for (const SignalAction& action : step.signals) send(action);
  if (step.arm_grace_timer) {
    if (auto error = grace_.arm_at(now + *step.arm_grace_timer)) return fail(*error);
  }
  if (step.finished) return WatchdogOutcome::kPingerStopped;
  if (policy_->phase() == KillPolicy::Phase::kTerminatingGroup) return watch_group(now);
  return std::nullopt;
}

// The group phase ends as soon as nobody but us is left in the group: the rest has exited, and
// the group SIGKILL would only end the watchdog itself. Who is left is read from /proc, and
// watched through pidfds until the next look (each exit wakes the loop). The group phase only
// runs when the watchdog is a member of better_ping's group (KillPolicy), so it is our own.
Loop::Result Loop::watch_group(MonoTime now) {
  members_.clear();
  fds_.resize(kSlots);
  const std::vector<pid_t> left = live_group_members(own_pgid_, own_pid_);
  for (const pid_t pid : left) {
    if (members_.size() == kMaxWatchedMembers) break;
    auto pidfd = open_pidfd(pid);
    if (!pidfd) continue;  // exited since the look (ESRCH), or cannot be watched: the grace decides
    fds_.push_back({pidfd->get(), POLLIN, 0});
    members_.push_back(std::move(*pidfd));
  }
  // Members found but none watchable have mostly exited since the look: one more look says.
  if (left.empty() || (members_.empty() && live_group_members(own_pgid_, own_pid_).empty())) {
    return apply(policy_->on_group_empty(), now);
  }
  return std::nullopt;
}

void Loop::send(const SignalAction& action) {
  if (action.target == SignalTarget::kPinger) {
    const auto error = pidfd_send(session_.pinger.get(), action.signal);
    // ESRCH: it has just terminated; the pidfd reports that on the next turn.
    if (error && error->err != ESRCH) log_line("watchdog: cannot signal better_ping: " + error->message());
    return;
  }
  if (action.id <= 1) return;  // the policy never asks for this; kill(-1) would hit everyone
  // The group's pipe reader (`| tee log`) first gets the chance to take the summary.
  if (action.signal != SIGKILL) wait_for_reader(session_.output_pipe, kReaderDrainBound);
  if (::kill(-action.id, action.signal) != 0 && errno != ESRCH) {
    log_line("watchdog: cannot signal process group " + std::to_string(action.id) + ": " +
             last_error("kill").message());
  }
}

Loop::Result Loop::arm_deadline() {
  const std::optional<MonoTime> deadline = tracker_.deadline();
  if (armed_ && deadline == *armed_) return std::nullopt;  // unchanged: no system call
  const auto error = deadline ? deadline_.arm_at(*deadline) : deadline_.disarm();
  if (error) return fail(*error);
  armed_ = deadline;
  return std::nullopt;
}

// Lazy while replies are expected: heartbeats then pile up in the socket without waking us, and
// the deadline timer (or 512 frames, or the end of the stream) wakes us to read them all.
// Eager before the Hello (its checks are immediate), while paused (a Resume must be seen at
// once: no deadline is armed then) and while the kill policy runs.
Loop::Result Loop::set_read_mode() {
  if (fds_[kChannel].fd < 0) return std::nullopt;  // not read any more
  const bool lazy = hello_ && !tracker_.paused() && !policy_;
  if (lazy == lazy_) return std::nullopt;
  const int low_water = lazy ? kLazyLowWater : kEagerLowWater;
  if (::setsockopt(fds_[kChannel].fd, SOL_SOCKET, SO_RCVLOWAT, &low_water, sizeof low_water) != 0) {
    return fail(last_error("setsockopt(SO_RCVLOWAT)"));
  }
  lazy_ = lazy;
  return std::nullopt;
}

void Loop::drain_before_close() const {
  if (channel_closed_) return;
  std::array<std::uint8_t, 4096> buffer;
  for (int i = 0; i < kMaxReadsBeforeClose; ++i) {
    if (::recv(session_.channel.get(), buffer.data(), buffer.size(), MSG_DONTWAIT) <= 0) return;
  }
}

KillTargets Loop::targets() const {
  KillTargets t;
  t.pinger_pid = hello_ ? hello_->pid : session_.pinger_pid;
  t.pinger_pgid = hello_ ? hello_->pgid : 0;
  t.pinger_led_group = hello_ && hello_->leads_group();
  t.watchdog_pid = own_pid_;
  t.watchdog_pgid = own_pgid_;
  return t;
}

}  // namespace

WatchdogOutcome run_watchdog(WatchdogSession session, const SignalFd& signals) {
  auto deadline = MonoTimer::create();
  if (!deadline) return fail(deadline.error());
  auto grace = MonoTimer::create();
  if (!grace) return fail(grace.error());
  Loop loop(std::move(session), signals, std::move(*deadline), std::move(*grace));
  return loop.run();
}

}  // namespace bp
