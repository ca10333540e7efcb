#pragma once
// What the watchdog signals, to whom and in what order, once better_ping has gone silent.
// A pure state machine: it is handed events and returns the signals to send; the system code
// sends them (pidfd_send_signal for better_ping, kill(-pgid) for its group) and arms timers.
//
//   Supervising --expired--> TerminatingPinger --grace--> KillingPinger
//     TERM+CONT to better_ping   |                        KILL to better_ping
//                                | pinger exited             | pinger exited, or grace (stuck)
//                                v                           v
//                          [group allowed?] --no--> Done (no group signal ever)
//                                | yes
//                                v
//                          TerminatingGroup --grace--> Done
//                            TERM+CONT to group          KILL to group (last action)
//                                |
//                                | nobody else left in the group
//                                v
//                              Done (no SIGKILL)
//
//   Supervising --pinger exited--> Done (better_ping ended on its own: no signal at all)
//
// - better_ping first gets the first signal (SIGTERM by default) and SIGCONT, so a better_ping
//   frozen by SIGSTOP or Ctrl-Z can still run its handler, print its summary and exit 124.
// - If it has not exited within the grace period (2 s) it gets SIGKILL.
// - Only after better_ping has exited (its summary is written) does the rest of its group get
//   the first signal + SIGCONT, then SIGKILL after another grace period, unless the executor
//   sees first that nobody but the watchdog is left in it (what is left has exited). A better_ping still
//   there a grace period after SIGKILL (uninterruptible sleep) is given up on; its group is
//   still handled.
//
// The group is signalled only when ALL of these hold, otherwise never (it would be the caller's
// group: `sh -c`, a CI step, sudo without a pty, a shell pipeline led by another command):
//   - better_ping led its process group at start (getpgrp() == getpid()) and pgid == pid;
//   - the watchdog is itself a member of that group. It then pins the group ID: a process group ID
//     cannot be reused while a member lives, so kill(-pgid) cannot hit a stranger after
//     better_ping has been reaped;
//   - pgid > 1 (kill(-1) would mean every process, kill(0) our own group);
//   - the configuration allows it.
// Every group signal therefore also reaches the watchdog itself: the executor must block the first
// signal (SIGTERM) for itself and read it from a signalfd, skipping ssi_pid == its own pid. The
// group SIGKILL ends the watchdog too, which is why it is always the policy's last action, and
// why the executor reports an empty group (on_group_empty) as soon as it sees one: the policy
// then ends without it.

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <optional>
#include <string_view>
#include <vector>

namespace bp {

struct KillTargets {
  pid_t pinger_pid = 0;
  pid_t pinger_pgid = 0;
  bool pinger_led_group = false;  // getpgrp() == getpid() in better_ping at start
  pid_t watchdog_pid = 0;
  pid_t watchdog_pgid = 0;
};

struct KillConfig {
  int first_signal = SIGTERM;  // like systemd's WatchdogSignal=; SIGABRT gives a core dump
  std::chrono::nanoseconds grace = std::chrono::seconds(2);
  bool signal_group = true;  // still subject to every rule above
};

enum class SignalTarget {
  kPinger,  // better_ping itself, through its pidfd; id is its pid (for log lines)
  kGroup,   // the whole process group, watchdog included: kill(-id, signal)
};

struct SignalAction {
  SignalTarget target = SignalTarget::kPinger;
  pid_t id = 0;
  int signal = 0;
  bool operator==(const SignalAction&) const = default;
};

// What to do after an event, in order: send the signals, then (re)arm the grace timer if asked.
struct KillStep {
  std::vector<SignalAction> signals;
  std::optional<std::chrono::nanoseconds> arm_grace_timer;  // relative to now; replaces any armed one
  bool finished = false;  // the policy is done; the watchdog may exit
  bool operator==(const KillStep&) const = default;
};

class KillPolicy {
 public:
  enum class Phase { kSupervising, kTerminatingPinger, kKillingPinger, kTerminatingGroup, kDone };

  KillPolicy(const KillTargets& targets, const KillConfig& config);

  // The silence deadline passed.
  KillStep on_expired();
  // better_ping's pidfd became readable: it has terminated.
  KillStep on_pinger_exited();
  // The grace timer armed by an earlier step fired.
  KillStep on_grace_elapsed();
  // Nobody but the watchdog is left in the group (everything else in it has exited). Ends the
  // group phase without its SIGKILL; ignored in every other phase.
  KillStep on_group_empty();

  Phase phase() const { return phase_; }
  // Whether the rules above allow signalling the group at all.
  bool may_signal_group() const { return may_signal_group_; }

 private:
  SignalAction to_pinger(int signal) const;
  SignalAction to_group(int signal) const;
  KillStep finish(std::vector<SignalAction> signals = {});
  KillStep start_group_phase();

  KillTargets targets_;
  KillConfig config_;
  bool may_signal_group_;
  Phase phase_ = Phase::kSupervising;
};

std::string_view to_string(KillPolicy::Phase phase);

}  // namespace bp
