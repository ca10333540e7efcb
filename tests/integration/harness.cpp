#include "tests/integration/harness.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace bp::it {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
  return joined;
}

// Setup tools live in sbin, which an ordinary PATH may lack.
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  std::string dirs = "/usr/sbin:/sbin:/usr/bin:/bin";
  if (const char* path = std::getenv("PATH")) dirs = std::string(path) + ":" + dirs;
  std::istringstream in(dirs);
  for (std::string dir; std::getline(in, dir, ':');) {
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("program not found: " + name);
}

// Debian 12's <sys/pidfd.h> lacks extern "C", so call the kernel directly.
int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
void pidfd_send_signal(const bp::UniqueFd& pidfd, int sig) {
  ::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0);
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

int remaining_ms(Clock::time_point until) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

// In the forked child: reports on stderr (now the pipe) and exits as a shell does when exec fails.
[[noreturn]] void fail(const char* what) {
  const char* reason = std::strerror(errno);
  for (const char* part : {"harness child: ", what, ": ", reason, "\n"}) {
    [[maybe_unused]] auto n = ::write(2, part, std::strlen(part));
  }
  ::_exit(127);
}

// Runs in the forked child: only plain system calls, then exec. Never returns.
[[noreturn]] void exec_child(const std::string& program, std::vector<char*>& argv, int netns_fd,
                             const std::optional<UserIds>& user,
                             std::optional<pid_t> process_group, int in_fd, int out_fd,
                             int err_fd, pid_t parent) {
  if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(126);
  // The parent makes the same call, so the group exists whichever of the two runs first.
  if (process_group && ::setpgid(0, *process_group) != 0) fail("setpgid");
  // A background shell may have left these ignored, and ignored signals survive exec.
  for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGPIPE, SIGHUP}) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (netns_fd >= 0 && ::setns(netns_fd, CLONE_NEWNET) != 0) fail("setns");
  if (user) {
    if (::setgroups(0, nullptr) != 0) fail("setgroups");
    if (::setresgid(user->gid, user->gid, user->gid) != 0) fail("setresgid");
    if (::setresuid(user->uid, user->uid, user->uid) != 0) fail("setresuid");
    // setresuid cleared permitted, effective and ambient; clear inheritable as well.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capset, &header, data) != 0) fail("capset");
  }
  // After the credential change, which would reset it: die with the test process.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(125);
  ::setenv("LC_ALL", "C", 1);
  ::execv(program.c_str(), argv.data());
  fail(program.c_str());
}

std::string describe_signal(int sig) {
  const char* name = ::sigabbrev_np(sig);
  return std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : "");
}

}  // namespace

// --- binaries --------------------------------------------------------------------------------

std::string ping_binary() {
  if (const char* env = std::getenv("BP_IT_PING"); env && *env) return env;
  return std::string(BP_BIN_DIR) + "/ping";
}

std::vector<std::string> ping_command(std::vector<std::string> args) {
  args.insert(args.begin(), ping_binary());
  return args;
}

std::string better_ping_binary() { return std::string(BP_BIN_DIR) + "/better_ping"; }
std::string watchdog_binary() { return std::string(BP_BIN_DIR) + "/watchdog"; }

std::vector<std::string> better_ping_command(std::vector<std::string> args) {
  args.insert(args.begin(), better_ping_binary());
  return args;
}

// --- RunResult -------------------------------------------------------------------------------

std::vector<std::string> RunResult::out_lines() const { return split_lines(out); }
std::vector<std::string> RunResult::err_lines() const { return split_lines(err); }

std::ostream& operator<<(std::ostream& os, const RunResult& r) {
  if (r.term_signal != 0) {
    os << "killed by signal " << describe_signal(r.term_signal);
  } else {
    os << "exit code " << r.exit_code;
  }
  if (r.timed_out) os << " (hard timeout)";
  os << " after " << r.elapsed.count() << " ms\n--- stdout ---\n"
     << r.out << "--- stderr ---\n"
     << r.err << "--------------";
  return os;
}

// --- Process ---------------------------------------------------------------------------------

Process::Process(pid_t pid, bp::UniqueFd pidfd, bp::UniqueFd out, bp::UniqueFd err,
                 Clock::time_point started, std::chrono::milliseconds timeout)
    : pid_(pid),
      pidfd_(std::move(pidfd)),
      out_fd_(std::move(out)),
      err_fd_(std::move(err)),
      started_(started),
      deadline_(started + timeout) {}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      out_fd_(std::move(other.out_fd_)),
      err_fd_(std::move(other.err_fd_)),
      started_(other.started_),
      deadline_(other.deadline_),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)),
      reaped_(other.reaped_),
      leads_group_(other.leads_group_) {}

Process Process::start(const std::vector<std::string>& argv, const Launch& launch) {
  if (argv.empty()) throw std::runtime_error("Process::start: empty argv");
  const std::string program = resolve_program(argv.front());
  const auto name = std::filesystem::path(program).filename();
  const bool is_a_pinger = name == std::filesystem::path(ping_binary()).filename() ||
                           name == std::filesystem::path(better_ping_binary()).filename();
  if (launch.netns.empty() && is_a_pinger) {
    // The network rule: probes never leave the namespaces the tests create.
    throw std::logic_error("refusing to run " + program + " outside a test namespace");
  }
  std::vector<std::string> args = argv;
  args.front() = name.string();
  std::vector<char*> c_argv;
  for (auto& a : args) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);

  bp::UniqueFd netns;
  if (!launch.netns.empty()) {
    netns.reset(::open(("/run/netns/" + launch.netns).c_str(), O_RDONLY | O_CLOEXEC));
    if (!netns) throw std::runtime_error(errno_text("open netns " + launch.netns));
  }
  bp::UniqueFd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  int out_pipe[2];
  int err_pipe[2];
  if (!null_fd || ::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe"));
  bp::UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe"));
  bp::UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

  const pid_t parent = ::getpid();
  const auto started = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(errno_text("fork"));
  if (pid == 0) {
    const int in_fd = launch.stdin_fd >= 0 ? launch.stdin_fd : null_fd.get();
    exec_child(program, c_argv, netns.get(), launch.user, launch.process_group, in_fd,
               out_write.get(), err_write.get(), parent);
  }
  // EACCES: the child has already exec'd, so it has already made the same call itself.
  if (launch.process_group && ::setpgid(pid, *launch.process_group) != 0 && errno != EACCES) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error(errno_text("setpgid"));
  }
  // A pidfd of an unreaped child stays valid even if it has already exited.
  bp::UniqueFd pidfd(pidfd_open(pid));
  if (!pidfd) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error(errno_text("pidfd_open"));
  }
  Process process(pid, std::move(pidfd), std::move(out_read), std::move(err_read), started,
                  launch.timeout);
  process.leads_group_ = launch.process_group == 0;
  return process;
}

Process::~Process() {
  if (pid_ <= 0 || reaped_) return;
  // While it is unreaped its pid is still its group's ID, so this cannot hit a stranger.
  if (leads_group_) ::kill(-pid_, SIGKILL);
  pidfd_send_signal(pidfd_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

bool Process::pump(Clock::time_point until) {
  std::vector<pollfd> fds;
  if (out_fd_) fds.push_back({out_fd_.get(), POLLIN, 0});
  if (err_fd_) fds.push_back({err_fd_.get(), POLLIN, 0});
  if (fds.empty()) return false;
  // The pidfd wakes us on exit even if something else still holds the pipes open.
  fds.push_back({pidfd_.get(), POLLIN, 0});
  const int ready = ::poll(fds.data(), fds.size(), remaining_ms(until));
  if (ready <= 0) return true;  // timeout, or EINTR: the caller's deadline bounds the retry
  for (const pollfd& p : fds) {
    if (p.fd == pidfd_.get() || p.revents == 0) continue;
    const bool is_out = out_fd_ && p.fd == out_fd_.get();
    char buffer[4096];
    const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
    if (n > 0) {
      (is_out ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      (is_out ? out_fd_ : err_fd_).reset();
    }
  }
  return out_fd_.valid() || err_fd_.valid();
}

bool Process::exited() const {
  if (reaped_) return true;
  pollfd p{pidfd_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

bool Process::wait_for_output(const std::function<bool(const std::string&)>& done,
                              std::chrono::milliseconds timeout) {
  const auto until = std::min(Clock::now() + timeout, deadline_);
  while (!done(out_)) {
    if (Clock::now() >= until || !pump(until)) return done(out_);
  }
  return true;
}

bool Process::wait_for_lines(const std::regex& line, std::size_t count,
                             std::chrono::milliseconds timeout) {
  return wait_for_output(
      [&](const std::string& out) {
        // Only complete lines count: the last one may still be arriving.
        const auto complete = out.substr(0, out.rfind('\n') + 1);
        const auto lines = split_lines(complete);
        const auto matching = std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
          return std::regex_match(l, line);
        });
        return static_cast<std::size_t>(matching) >= count;
      },
      timeout);
}

bool Process::wait_for_stderr(const std::function<bool(const std::string&)>& done,
                              std::chrono::milliseconds timeout) {
  const auto until = std::min(Clock::now() + timeout, deadline_);
  while (!done(err_)) {
    if (Clock::now() >= until || !pump(until)) return done(err_);
  }
  return true;
}

void Process::keep_reading(std::chrono::milliseconds duration) {
  const auto until = std::min(Clock::now() + duration, deadline_);
  while (Clock::now() < until && pump(until)) {
  }
}

bp::UniqueFd Process::release_stdout() { return std::move(out_fd_); }

void Process::send_signal(int sig) {
  if (!reaped_) pidfd_send_signal(pidfd_, sig);
}

void Process::signal_group(int sig) {
  if (!leads_group_ || pid_ == ::getpgrp()) {
    throw std::logic_error("signal_group: the process does not lead a group of its own");
  }
  if (!reaped_) ::kill(-pid_, sig);
}

std::optional<ProcessCaps> Process::caps() const {
  if (exited()) return std::nullopt;
  return process_caps(pid_);
}

std::optional<ProcessCaps> process_caps(pid_t pid) {
  if (process_gone(pid)) return std::nullopt;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  ProcessCaps caps;
  const std::pair<const char*, std::string*> fields[] = {
      {"CapInh:", &caps.inheritable}, {"CapPrm:", &caps.permitted}, {"CapEff:", &caps.effective},
      {"CapBnd:", &caps.bounding},    {"CapAmb:", &caps.ambient}};
  int found = 0;
  for (std::string line; std::getline(status, line);) {
    for (const auto& [key, value] : fields) {
      if (line.rfind(key, 0) == 0) {
        std::istringstream(line.substr(std::strlen(key))) >> *value;
        ++found;
      }
    }
  }
  if (found != 5) return std::nullopt;
  return caps;
}

void Process::reap(RunResult& result) {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  result.exited_at = Clock::now();
  result.exited_at_wall = std::chrono::system_clock::now();
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(result.exited_at - started_);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
}

RunResult Process::finish() {
  RunResult result;
  if (reaped_) throw std::logic_error("Process::finish called twice");
  while (!exited() && Clock::now() < deadline_) {
    if (!pump(deadline_)) {
      // Output closed: only the exit is left to wait for.
      pollfd p{pidfd_.get(), POLLIN, 0};
      ::poll(&p, 1, remaining_ms(deadline_));
    }
  }
  if (!exited()) {
    if (leads_group_) ::kill(-pid_, SIGKILL);
    pidfd_send_signal(pidfd_, SIGKILL);
    result.timed_out = true;
  }
  reap(result);
  // Collect what is still buffered in the pipes; bounded in case a grandchild holds them.
  const auto drain_until = Clock::now() + 1s;
  while (Clock::now() < drain_until && pump(drain_until)) {
  }
  result.out = out_;
  result.err = err_;
  if (result.timed_out) {
    ADD_FAILURE() << "process " << pid_ << " still running at its hard timeout; killed: "
                  << result;
  }
  return result;
}

RunResult run(const std::vector<std::string>& argv, const Launch& launch) {
  return Process::start(argv, launch).finish();
}

void run_checked(const std::vector<std::string>& argv, const std::string& netns) {
  const RunResult r = run(argv, {.netns = netns, .user = std::nullopt, .timeout = 10s,
                                   .process_group = std::nullopt, .stdin_fd = -1});
  if (r.exit_code != 0) {
    throw std::runtime_error("setup command failed" + (netns.empty() ? "" : " in " + netns) +
                             ": " + join(argv) + ": " + r.err);
  }
}

// --- /proc -----------------------------------------------------------------------------------

std::optional<char> process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return std::nullopt;
  // "PID (COMM) S ...": COMM may hold spaces and parentheses; the state follows the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return std::nullopt;
  return text[close + 2];
}

bool process_gone(pid_t pid) {
  const auto state = process_state(pid);
  return !state || *state == 'Z';
}

bool wait_until_gone(pid_t pid, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (!process_gone(pid)) {
    if (Clock::now() >= until) return false;
    ::usleep(5'000);
  }
  return true;
}

std::string process_name(pid_t pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

std::vector<pid_t> child_processes(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text;
    if (!std::getline(stat, text)) continue;  // it has just gone
    const auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(text.substr(close + 1));
    char state = 0;
    pid_t ppid = 0;
    if (fields >> state >> ppid && ppid == parent) {
      children.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return children;
}

std::optional<pid_t> wait_for_child_named(pid_t parent, const std::string& name,
                                          std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  for (;;) {
    for (pid_t child : child_processes(parent)) {
      if (process_name(child) == name) return child;
    }
    if (Clock::now() >= until) return std::nullopt;
    ::usleep(5'000);
  }
}

std::vector<unsigned long> socket_inodes(pid_t pid) {
  std::vector<unsigned long> inodes;
  static const std::regex socket_link(R"(socket:\[(\d+)\])");
  std::error_code ec;
  const std::filesystem::path fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir, ec)) {
    std::error_code link_ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), link_ec).string();
    std::smatch m;
    if (!link_ec && std::regex_match(target, m, socket_link)) inodes.push_back(std::stoul(m[1]));
  }
  return inodes;
}

// --- namespaces ------------------------------------------------------------------------------

void remove_stale_namespaces() {
  static const std::regex ours(R"(bp[chi]-(\d+)-\d+)");
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    const std::string name = entry.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, ours)) continue;
    const auto pid = static_cast<pid_t>(std::stol(m[1].str()));
    if (::kill(pid, 0) != 0 && errno == ESRCH) run({"ip", "netns", "del", name});
  }
}

NetNamespace::NetNamespace(std::string_view role) {
  static std::once_flag stale_cleanup;
  std::call_once(stale_cleanup, remove_stale_namespaces);
  static std::atomic<unsigned> counter{0};
  name_ = std::string(role) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  run_checked({"ip", "netns", "add", name_});
  try {
    run_checked({"ip", "-n", name_, "link", "set", "lo", "up"});
  } catch (...) {
    run({"ip", "netns", "del", name_});
    throw;
  }
}

NetNamespace::~NetNamespace() {
  // Deleting the namespace also destroys the veth end inside it.
  try {
    const RunResult r = run({"ip", "netns", "del", name_});
    if (r.exit_code != 0) ADD_FAILURE() << "could not delete namespace " << name_ << ": " << r;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "could not delete namespace " << name_ << ": " << e.what();
  }
}

void NetNamespace::set_sysctl(const std::string& key, const std::string& value) const {
  run_checked({"sysctl", "-q", "-w", key + "=" + value}, name_);
}

// --- TestNet ---------------------------------------------------------------------------------

namespace {
// Interfaces are created directly inside their namespaces, so these names never meet.
constexpr const char* kClientIf = "veth-client";
constexpr const char* kHostIf = "veth-host";
constexpr const char* kClientMac = "02:00:c6:12:00:01";
constexpr const char* kHostMac = "02:00:c6:12:00:02";
}  // namespace

TestNet::TestNet() : client_("bpc"), host_("bph") {
  const std::string& c = client_.name();
  const std::string& h = host_.name();
  run_checked({"ip", "link", "add", kClientIf, "address", kClientMac, "netns", c, "type", "veth",
               "peer", "name", kHostIf, "address", kHostMac, "netns", h});
  struct Side {
    const std::string& ns;
    const char* dev;
    const char* v4;
    const char* v6;
    const char* peer_v4;
    const char* peer_v6;
    const char* peer_mac;
  };
  const Side sides[] = {
      {c, kClientIf, "198.18.0.1/24", "2001:db8::1/64", kHostV4, kHostV6, kHostMac},
      {h, kHostIf, "198.18.0.2/24", "2001:db8::2/64", kClientV4, kClientV6, kClientMac}};
  for (const Side& s : sides) {
    run_checked({"ip", "-n", s.ns, "addr", "add", s.v4, "dev", s.dev});
    run_checked({"ip", "-n", s.ns, "addr", "add", s.v6, "dev", s.dev, "nodad"});
    run_checked({"ip", "-n", s.ns, "link", "set", s.dev, "up"});
    for (const char* peer : {s.peer_v4, s.peer_v6}) {
      run_checked({"ip", "-n", s.ns, "neigh", "replace", peer, "lladdr", s.peer_mac, "dev", s.dev,
                   "nud", "permanent"});
    }
  }
}

void TestNet::host_iptables(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"iptables", "-w"};
  argv.insert(argv.end(), args.begin(), args.end());
  run_checked(argv, host_.name());
}

void TestNet::host_ip6tables(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"ip6tables", "-w"};
  argv.insert(argv.end(), args.begin(), args.end());
  run_checked(argv, host_.name());
}

void TestNet::host_drops_echo_requests() const {
  host_iptables({"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "DROP"});
  host_ip6tables(
      {"-A", "INPUT", "-p", "ipv6-icmp", "--icmpv6-type", "echo-request", "-j", "DROP"});
}

void TestNet::host_drops_echo_requests_randomly(double probability) const {
  std::ostringstream p;
  p << probability;
  host_iptables({"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-m", "statistic",
                 "--mode", "random", "--probability", p.str(), "-j", "DROP"});
}

void TestNet::host_answers_only_first_echo_request() const {
  // A token bucket holding one token that refills once an hour: the first request passes.
  host_iptables({"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-m", "limit",
                 "--limit", "1/hour", "--limit-burst", "1", "-j", "ACCEPT"});
  host_iptables({"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "DROP"});
}

void TestNet::host_rejects_with_host_unreachable() const {
  host_iptables({"-A", "INPUT", "-p", "icmp", "--icmp-type", "echo-request", "-j", "REJECT",
                 "--reject-with", "icmp-host-unreachable"});
}

void TestNet::host_rejects_with_addr_unreachable() const {
  host_ip6tables({"-A", "INPUT", "-p", "ipv6-icmp", "--icmpv6-type", "echo-request", "-j",
                  "REJECT", "--reject-with", "icmp6-addr-unreachable"});
}

// --- BinaryCopies ----------------------------------------------------------------------------

BinaryCopies::BinaryCopies() {
  // Not $TMPDIR: that may be private, and uid 65534 must reach the copies.
  std::string pattern = "/tmp/bp-it-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error(errno_text("mkdtemp"));
  dir_ = pattern;
  std::filesystem::permissions(dir_, std::filesystem::perms(0755));
}

BinaryCopies::~BinaryCopies() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::filesystem::path BinaryCopies::copy(const std::string& program, const std::string& label,
                                         const std::string& caps) {
  namespace fs = std::filesystem;
  const fs::path sub = dir_ / label;
  fs::create_directory(sub);
  fs::permissions(sub, fs::perms(0755));
  const fs::path target = sub / fs::path(program).filename();
  fs::copy_file(program, target, fs::copy_options::overwrite_existing);
  fs::permissions(target, fs::perms(0755));
  if (!caps.empty()) run_checked({"setcap", caps, target.string()});
  return target;
}

}  // namespace bp::it
