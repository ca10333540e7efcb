#pragma once
// Integration-test harness: real programs against the real kernel, inside network namespaces
// that the tests create and always delete again.
//
// Every wait here is bounded: each process has a hard timeout after which it is killed with
// SIGKILL and the test fails. Setup failures (a namespace or a firewall rule that cannot be
// created) throw std::runtime_error, which GoogleTest reports as a failed test.
//
// Network rule: traffic goes only to the namespaces made here, on 198.18.0.0/24 and
// 2001:db8::/64. Nothing is routed out of them: the client namespace has no default route.

#include <gtest/gtest.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "shared/unique_fd.h"

// Skips the current test unless it runs as root. Use it as the first statement of a test body
// or of SetUp(): GTEST_SKIP() returns from the enclosing function only.
#define BP_SKIP_UNLESS_ROOT()                                              \
  do {                                                                     \
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: creates network namespaces"; \
  } while (false)

namespace bp::it {

using namespace std::chrono_literals;

// The ping under test: $BP_IT_PING if set (e.g. /usr/bin/ping to check the suite against
// iputils), else BP_BIN_DIR/ping from this build.
std::string ping_binary();

// An argv vector: the ping under test followed by `args`.
std::vector<std::string> ping_command(std::vector<std::string> args);

// better_ping and its watchdog from this build: BP_BIN_DIR/better_ping, BP_BIN_DIR/watchdog.
std::string better_ping_binary();
std::string watchdog_binary();
// An argv vector: better_ping followed by `args`.
std::vector<std::string> better_ping_command(std::vector<std::string> args);

// --- Processes -------------------------------------------------------------------------------

// An identity without privileges: no supplementary groups, no capabilities in any set.
struct UserIds {
  uid_t uid = 65534;  // nobody
  gid_t gid = 65534;  // nogroup
};
inline constexpr UserIds kNobody{};

// How to start a process.
struct Launch {
  std::string netns;                          // namespace name (ip netns); empty: the caller's
  std::optional<UserIds> user;                // if set, drop to this identity before exec
  std::chrono::milliseconds timeout = 10s;    // hard limit from start to exit
  // Process group: nullopt stays in the caller's group; 0 makes the process the leader of a new
  // group (setpgid(0, 0), as a shell does for a job); a process group ID joins that group.
  std::optional<pid_t> process_group;
  int stdin_fd = -1;  // stdin: a descriptor of the caller's (it keeps its copy), -1: /dev/null
};

// What a finished process left behind.
struct RunResult {
  int exit_code = -1;    // exit status, or -1 if the process did not exit normally
  int term_signal = 0;   // the signal that ended it, 0 if it exited
  bool timed_out = false;  // hit Launch::timeout and was killed with SIGKILL
  std::string out;       // everything it wrote to stdout
  std::string err;       // everything it wrote to stderr
  std::chrono::milliseconds elapsed{};  // from start to exit
  // When the exit was seen (within a millisecond while finish() waits): on the steady clock,
  // and on the wall clock to compare with the [seconds.micros] stamps of ping -D.
  std::chrono::steady_clock::time_point exited_at{};
  std::chrono::system_clock::time_point exited_at_wall{};

  std::vector<std::string> out_lines() const;
  std::vector<std::string> err_lines() const;
};
// Exit status, stdout and stderr, for assertion messages: EXPECT_EQ(r.exit_code, 0) << r;
std::ostream& operator<<(std::ostream& os, const RunResult& r);

// The capability sets of a running process, as the 16 hex digits of /proc/PID/status.
struct ProcessCaps {
  std::string inheritable;  // CapInh
  std::string permitted;    // CapPrm
  std::string effective;    // CapEff
  std::string bounding;     // CapBnd
  std::string ambient;      // CapAmb
};
inline constexpr std::string_view kNoCaps = "0000000000000000";

// A started process with stdout and stderr captured through pipes, stdin from /dev/null,
// LC_ALL=C. argv[0] is a path or a name looked up in PATH; the program sees the basename as
// its argv[0] (so messages read "ping: ..." whatever the path). The process is killed with
// SIGKILL when it is destroyed while still running, and when the test process dies; if it was
// started as the leader of a new process group, the whole group is killed with it.
// A program named like the ping under test or better_ping is refused outside a namespace
// (std::logic_error).
class Process {
 public:
  // Throws std::runtime_error if the process cannot be started (the exec failing is reported
  // as exit code 127 with a message on stderr instead).
  static Process start(const std::vector<std::string>& argv, const Launch& launch);

  Process(Process&& other) noexcept;
  Process& operator=(Process&&) = delete;
  ~Process();

  pid_t pid() const { return pid_; }

  // Reads output until `done(stdout so far)` holds, the process closes its output, or
  // `timeout` (capped by the hard timeout) passes. Returns whether `done` held.
  bool wait_for_output(const std::function<bool(const std::string&)>& done,
                       std::chrono::milliseconds timeout);
  // Waits until at least `count` complete stdout lines match `line`.
  bool wait_for_lines(const std::regex& line, std::size_t count, std::chrono::milliseconds timeout);
  // As wait_for_output, on stderr.
  bool wait_for_stderr(const std::function<bool(const std::string&)>& done,
                       std::chrono::milliseconds timeout);
  // Keeps collecting output for `duration` (less if the output closes): a bounded pause.
  void keep_reading(std::chrono::milliseconds duration);
  // Output collected so far.
  const std::string& out_so_far() const { return out_; }
  const std::string& err_so_far() const { return err_; }
  // Hands the read end of the stdout pipe to the caller (e.g. as another process's stdin in a
  // pipeline); stdout is no longer collected. Call it before any wait.
  bp::UniqueFd release_stdout();

  // Whether it has terminated (it may not be reaped yet).
  bool has_exited() const { return exited(); }

  // Sends `sig` (no-op once the process has been reaped).
  void send_signal(int sig);
  // Sends `sig` to the process group it leads: only for Launch::process_group = 0, so the
  // caller's own group is never hit (std::logic_error otherwise). No-op once reaped.
  void signal_group(int sig);
  // Capability sets while it runs; nullopt once it has exited.
  std::optional<ProcessCaps> caps() const;

  // Waits for exit and for the end of its output, within the hard timeout. On expiry kills it
  // with SIGKILL, marks the result timed_out and adds a test failure.
  RunResult finish();

 private:
  Process(pid_t pid, bp::UniqueFd pidfd, bp::UniqueFd out, bp::UniqueFd err,
          std::chrono::steady_clock::time_point started, std::chrono::milliseconds timeout);
  // Reads whatever output arrives until `until`; returns false once both pipes are closed.
  bool pump(std::chrono::steady_clock::time_point until);
  bool exited() const;
  void reap(RunResult& result);

  pid_t pid_;
  bp::UniqueFd pidfd_;
  bp::UniqueFd out_fd_;
  bp::UniqueFd err_fd_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point deadline_;
  std::string out_;
  std::string err_;
  bool reaped_ = false;
  bool leads_group_ = false;
};

// Starts `argv` and waits for it to finish (see Process).
RunResult run(const std::vector<std::string>& argv, const Launch& launch = {});

// Runs a setup command (ip, iptables, sysctl, setcap...) in `netns` (empty: the caller's) and
// throws std::runtime_error with its stderr if it does not exit 0.
void run_checked(const std::vector<std::string>& argv, const std::string& netns = {});

// --- Looking at other processes through /proc ----------------------------------------------

// The state letter of /proc/PID/stat (R, S, D, T, t, Z...), nullopt if there is no such process.
std::optional<char> process_state(pid_t pid);
// Gone: no such process, or a zombie (PID 1 of a container may never reap orphans).
bool process_gone(pid_t pid);
// Polls until process_gone(pid) or `timeout`; returns whether it is gone.
bool wait_until_gone(pid_t pid, std::chrono::milliseconds timeout);
// The command name (/proc/PID/comm), empty if there is no such process.
std::string process_name(pid_t pid);
// The processes whose parent is `parent` (scanning /proc), in no particular order.
std::vector<pid_t> child_processes(pid_t parent);
// Polls until `parent` has a child named `name` (after its exec) or `timeout`; its pid.
std::optional<pid_t> wait_for_child_named(pid_t parent, const std::string& name,
                                          std::chrono::milliseconds timeout);
// The capability sets of any process; nullopt if it is gone.
std::optional<ProcessCaps> process_caps(pid_t pid);
// Inode numbers of the sockets among its open descriptors ("socket:[N]" in /proc/PID/fd).
std::vector<unsigned long> socket_inodes(pid_t pid);

// --- Network namespaces ----------------------------------------------------------------------

// A network namespace named "<role>-<pid>-<n>" (role: bpc client, bph host, bpi isolated) with
// only lo, up. Deleted on destruction, whatever the test's outcome. The first namespace made by
// a test process also deletes leftovers of earlier test processes that no longer exist.
class NetNamespace {
 public:
  explicit NetNamespace(std::string_view role);
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;
  ~NetNamespace();

  const std::string& name() const { return name_; }
  // Sets a per-namespace sysctl, e.g. ("net.ipv4.ping_group_range", "0 2147483647").
  void set_sysctl(const std::string& key, const std::string& value) const;

 private:
  std::string name_;
};

// Deletes namespaces named like ours whose creating process is gone.
void remove_stale_namespaces();

// A client and a target host, each in its own namespace, joined by a veth pair:
//
//   client ns  198.18.0.1/24  2001:db8::1/64  ===veth===  198.18.0.2/24  2001:db8::2/64  host ns
//
// IPv6 addresses skip duplicate address detection, and both sides have permanent neighbour
// entries (fixed MAC addresses), so the link answers at once and no ARP/ND round trip distorts
// the first RTT. The host answers echo requests through its kernel until a firewall rule below
// says otherwise. There is no default route anywhere.
class TestNet {
 public:
  static constexpr const char* kClientV4 = "198.18.0.1";
  static constexpr const char* kHostV4 = "198.18.0.2";
  static constexpr const char* kClientV6 = "2001:db8::1";
  static constexpr const char* kHostV6 = "2001:db8::2";

  TestNet();

  const NetNamespace& client() const { return client_; }
  const NetNamespace& host() const { return host_; }

  // Firewall rules in the host namespace, on incoming echo requests.
  void host_drops_echo_requests() const;                          // IPv4 and IPv6: silence
  void host_drops_echo_requests_randomly(double probability) const;  // IPv4
  void host_answers_only_first_echo_request() const;              // IPv4: then silence
  void host_rejects_with_host_unreachable() const;                // IPv4 ICMP dest unreachable
  void host_rejects_with_addr_unreachable() const;                // IPv6 ICMPv6 addr unreachable

  // Any iptables / ip6tables arguments, run in the host namespace.
  void host_iptables(const std::vector<std::string>& args) const;
  void host_ip6tables(const std::vector<std::string>& args) const;

 private:
  NetNamespace client_;
  NetNamespace host_;
};

// --- Binaries with and without file capabilities ---------------------------------------------

// A temporary directory under /tmp, readable by everyone (uid 65534 must be able to exec from
// it), holding copies of a program; removed with its contents on destruction.
class BinaryCopies {
 public:
  BinaryCopies();
  BinaryCopies(const BinaryCopies&) = delete;
  BinaryCopies& operator=(const BinaryCopies&) = delete;
  ~BinaryCopies();

  // Copies `program` to <dir>/<label>/<basename>, mode 0755, and applies `caps` with setcap
  // (e.g. "cap_net_raw+p") unless empty. Returns the path of the copy.
  std::filesystem::path copy(const std::string& program, const std::string& label,
                             const std::string& caps = {});

 private:
  std::filesystem::path dir_;
};

}  // namespace bp::it
