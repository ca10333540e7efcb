#pragma once
// A fake better_ping for the watchdog's integration tests: no ICMP, no network, no root.
//
// The test process forks the fake pinger P, which does what better_ping does before its loop
// (optionally changes process group, creates the connected loopback TCP pair, opens a pidfd on
// itself, forks and execs BP_BIN_DIR/watchdog with its end of the pair and that pidfd), then
// follows a Script of steps: frames, garbage, pauses, stopping itself, exiting, signalling the
// watchdog. It never returns into GoogleTest: it _exits.
//
//   test process (PR_SET_CHILD_SUBREAPER: orphans come back to it, and it reaps everything)
//    ├─ group holder H (unless P leads its own group): leads the group P joins
//    └─ fake pinger P ── reports Events through a pipe: "name value CLOCK_MONOTONIC-ns"
//         ├─ watchdog W ── its stderr goes to a pipe the test reads
//         └─ canary C (optional: a sleeping member of P's group)
//
// On SIGTERM (read through a signalfd, so its sender is known) P reports "sigterm <sender>"
// and exits 124 as better_ping does, unless the script ignores SIGTERM. After its last step P
// waits up to 5 s for a signal, then exits 0.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "shared/unique_fd.h"

namespace bp::it {

using Nanos = std::chrono::nanoseconds;

// CLOCK_MONOTONIC now: comparable across the test's processes.
Nanos mono_now();

struct Step {
  enum class Kind {
    kHello,             // Hello {getpid(), getpgrp(), duration}; event "hello"
    kHeartbeat,         // event "heartbeat"; every frame but the Hello is stamped with the time
                        // of its event (CLOCK_MONOTONIC), as better_ping stamps them
    kStampedHeartbeat,  // a heartbeat stamped `duration` after now; event "stamped_heartbeat"
                        // <duration in ns> (the encoder keeps later frames from going back)
    kPause,             // event "pause"
    kResume,            // event "resume"
    kGoodbye,           // Goodbye, shutdown(SHUT_WR), wait <= 2 s for the watchdog to end; events
                        // "goodbye", "watchdog_ended" (1/0), "channel_end" (0: FIN, else -errno)
    kGarbage,           // raw `bytes`; event "garbage"
    kWait,              // `duration`, handling signals
    kStopSelf,          // event "stopping", then raise(SIGSTOP)
    kExit,              // event "exiting", _exit(number)
    kSignalWatchdog,    // event "signalled_watchdog" <number>, then kill(W, number)
    kReportWatchdogCaps,  // event "watchdog_caps": 0 none held, 1 some held, -1 unreadable
    kReportWatchdogWakeups,  // event "watchdog_wakeups": its voluntary context switches so far
                             // (/proc/W/status), -1 unreadable
  };
  Kind kind;
  Nanos duration{};
  int number = 0;
  std::string bytes;
};

Step hello(Nanos timeout);
Step heartbeat();
Step stamped_heartbeat(Nanos offset);
Step pause_frame();
Step resume_frame();
Step goodbye();
Step garbage(std::string bytes);
Step wait(Nanos duration);
Step stop_self();
Step exit_with(int code);
Step signal_watchdog(int signal);
Step report_watchdog_caps();
Step report_watchdog_wakeups();
// heartbeat, wait(interval), heartbeat, ... : `count` heartbeats; ends with a heartbeat.
std::vector<Step> heartbeats(int count, Nanos interval);

struct Script {
  std::vector<Step> steps;
  std::vector<std::string> watchdog_args;  // besides --channel-fd and --pidfd
  bool ignore_sigterm = false;
  // P leads a group of its own (setpgid(0, 0)). Otherwise P joins a fresh group led by the
  // run's group holder, a sleeping process that stands in for the caller (a shell script,
  // sudo): never this test process's group, so a faulty watchdog cannot kill the test.
  bool lead_own_group = false;
  bool spawn_canary = false;    // P forks a canary into its group (after the group change)
  bool canary_ignores_sigterm = false;  // only SIGKILL ends it
  // Exec the watchdog with an empty signal mask instead of SIGINT, SIGTERM, SIGHUP and SIGQUIT
  // blocked.
  bool exec_with_empty_mask = false;
};

struct Event {
  std::string name;
  long long value = 0;
  Nanos at{};
};

// A process started or adopted by the test. The destructor kills it with SIGKILL (through its
// pidfd) and reaps it if that has not happened yet.
class Child {
 public:
  Child() = default;
  Child(Child&&) = default;
  Child& operator=(Child&&) = default;
  ~Child();

  // Takes pid, opens its pidfd. Only for processes nobody else will reap.
  void adopt(pid_t pid);
  pid_t pid() const { return pid_; }
  // Waits (bounded) until it has terminated; notes when. True once it has.
  bool wait_end(Nanos timeout);
  // Whether it has terminated, without waiting.
  bool ended();
  // Collects its status; call once ended, and for a grandchild only after its parent is reaped
  // (only then is it our child).
  void reap();
  std::optional<Nanos> ended_at() const { return ended_at_; }
  int exit_code() const;    // -1 unless it exited
  int term_signal() const;  // 0 unless a signal ended it
  std::string describe() const;  // "exited 124", "killed by SIGKILL", "running"

 private:
  pid_t pid_ = 0;
  UniqueFd pidfd_;
  bool reaped_ = false;
  int status_ = 0;
  std::optional<Nanos> ended_at_;
};

// One fake pinger with its watchdog (and canary). The constructor returns once P has reported
// its set-up ("watchdog", "pgid"); it throws std::runtime_error when that fails. Destruction
// kills and reaps whatever is left, pinger first.
class FakePingerRun {
 public:
  explicit FakePingerRun(const Script& script);

  Child& pinger() { return pinger_; }
  Child& watchdog() { return watchdog_; }
  Child& canary() { return canary_; }
  Child& group_holder() { return group_holder_; }
  // Everything reported so far.
  const std::vector<Event>& events();
  std::vector<Event> events_named(const std::string& name);
  // What the watchdog wrote to stderr so far.
  std::string watchdog_stderr();
  // Events and stderr, for failure messages.
  std::string transcript();

 private:
  void start_pinger(const Script& script, pid_t join_group);
  bool read_events(Nanos timeout);
  std::optional<long long> await_event(const std::string& name, Nanos timeout);

  // Declared in reverse order of destruction: the pinger is reaped first, so that its orphaned
  // children are ours to reap afterwards.
  Child group_holder_;
  Child canary_;
  Child watchdog_;
  Child pinger_;
  UniqueFd report_;
  UniqueFd watchdog_err_;
  std::string pending_;
  std::vector<Event> events_;
  std::string err_text_;
};

// A process that sleeps (bounded by alarm(30)) in its own new group (own_group) or in the
// caller's; signals reach it with their default action.
pid_t spawn_canary(bool own_group, bool ignore_sigterm = false);

// The watchdog started directly with `args`, the descriptors in `pass` inherited; for usage
// errors. Waits at most 5 s.
struct DirectRun {
  int exit_code = -1;
  std::string err;
};
DirectRun run_watchdog_directly(const std::vector<std::string>& args, const std::vector<int>& pass);

}  // namespace bp::it
