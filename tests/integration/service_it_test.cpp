// better_ping as a systemd service would run it, without systemd as PID 1: a notification
// socket of the test's own stands in for the service manager, setpriv hands over CAP_NET_RAW
// as an ambient capability under no_new_privs (what AmbientCapabilities= does), and the output
// is a pipe, as the journal's is.

#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/harness.h"

namespace bp::it {
namespace {

const std::regex kReply(R"(64 bytes from 198\.18\.0\.2: icmp_seq=\d+ ttl=64 time=[0-9.]+ ms)");

// An AF_UNIX datagram socket standing in for $NOTIFY_SOCKET.
class NotifySocket {
 public:
  NotifySocket() : path_("/tmp/bp-notify-" + std::to_string(::getpid()) + ".sock") {
    ::unlink(path_.c_str());
    fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path_.copy(addr.sun_path, sizeof addr.sun_path - 1);
    if (!fd_ || ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("cannot bind " + path_);
    }
  }
  ~NotifySocket() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

  // Every message that arrives within `duration`, or until one equals `last`.
  std::vector<std::string> collect(std::chrono::milliseconds duration, const std::string& last) {
    std::vector<std::string> messages;
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      messages.emplace_back(buffer, static_cast<std::size_t>(n));
      if (messages.back() == last) break;
    }
    return messages;
  }

 private:
  std::string path_;
  bp::UniqueFd fd_;
};

std::string environment_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string maps_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class BetterPingService : public ::testing::Test {
 protected:
  void SetUp() override {
    BP_SKIP_UNLESS_ROOT();
    net_.emplace();
  }
  Launch in_client(std::chrono::milliseconds timeout) const {
    Launch l;
    l.netns = net_->client().name();
    l.timeout = timeout;
    return l;
  }
  std::optional<TestNet> net_;
};

TEST_F(BetterPingService, NotifiesReadyKeepAliveStatusAndStopping) {
  NotifySocket manager;
  // As systemd starts it: NOTIFY_SOCKET, and WATCHDOG_USEC/WATCHDOG_PID for WatchdogSec=1s.
  const std::string script = "NOTIFY_SOCKET=" + manager.path() +
                             " WATCHDOG_USEC=1000000 WATCHDOG_PID=$$ exec '" +
                             better_ping_binary() + "' -c 5 -i 0.5 198.18.0.2";
  Process p = Process::start({"sh", "-c", script}, in_client(10s));
  const auto messages = manager.collect(6s, "STOPPING=1");
  const RunResult r = p.finish();

  EXPECT_EQ(r.exit_code, 0) << r;
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.front(), "READY=1\nSTATUS=pinging 198.18.0.2");
  EXPECT_EQ(messages.back(), "STOPPING=1");
  std::size_t keepalives = 0;
  bool final_status = false;
  for (const auto& m : messages) {
    if (m == "WATCHDOG=1") ++keepalives;
    if (m.rfind("STATUS=198.18.0.2: 5 sent, 5 received, 0% loss, last rtt ", 0) == 0) final_status = true;
  }
  // 2 s of run at a keep-alive every 0.5 s (half of WatchdogSec), plus the first one.
  EXPECT_GE(keepalives, 4u);
  EXPECT_LE(keepalives, 7u);
  EXPECT_TRUE(final_status) << "no STATUS with the final counts";
}

TEST_F(BetterPingService, KeepAliveVariablesAreNotInheritedByTheWatchdog) {
  NotifySocket manager;
  const std::string script = "NOTIFY_SOCKET=" + manager.path() +
                             " WATCHDOG_USEC=1000000 WATCHDOG_PID=$$ exec '" +
                             better_ping_binary() + "' -i 0.2 198.18.0.2";
  Process p = Process::start({"sh", "-c", script}, in_client(10s));
  ASSERT_TRUE(p.wait_for_lines(kReply, 1, 3s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = wait_for_child_named(p.pid(), "watchdog", 1s);
  ASSERT_TRUE(watchdog);
  const std::string env = environment_of(*watchdog);
  EXPECT_EQ(env.find("WATCHDOG_USEC="), std::string::npos);
  EXPECT_EQ(env.find("WATCHDOG_PID="), std::string::npos);
  p.send_signal(SIGINT);
  EXPECT_EQ(p.finish().exit_code, 0);
}

TEST_F(BetterPingService, WithoutNotifySocketLibsystemdIsNeverLoaded) {
  Process p = Process::start(better_ping_command({"-i", "0.2", "198.18.0.2"}), in_client(10s));
  ASSERT_TRUE(p.wait_for_lines(kReply, 1, 3s)) << p.out_so_far() << p.err_so_far();
  EXPECT_EQ(maps_of(p.pid()).find("libsystemd"), std::string::npos);
  p.send_signal(SIGINT);
  EXPECT_EQ(p.finish().exit_code, 0);
}

// AmbientCapabilities=CAP_NET_RAW with NoNewPrivileges= and a non-root user: file capabilities
// are ignored, the ambient set is what grants the raw socket; every set is empty afterwards.
TEST_F(BetterPingService, AmbientCapabilityUnderNoNewPrivsWorksAndIsDropped) {
  // Copies in a directory uid 65534 can reach, whatever the permissions of the build tree's.
  BinaryCopies copies;
  const auto binary = copies.copy(better_ping_binary(), "service");
  copies.copy(watchdog_binary(), "service");
  Process p = Process::start(
      {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+net_raw",
       "--ambient-caps=+net_raw", "--bounding-set=-all,+net_raw", "--no-new-privs",
       binary.string(), "-i", "0.2", "198.18.0.2"},
      in_client(10s));
  ASSERT_TRUE(p.wait_for_lines(kReply, 2, 3s)) << p.out_so_far() << p.err_so_far();
  const auto watchdog = wait_for_child_named(p.pid(), "watchdog", 1s);
  ASSERT_TRUE(watchdog);
  for (pid_t pid : {p.pid(), *watchdog}) {
    const auto caps = process_caps(pid);
    ASSERT_TRUE(caps);
    EXPECT_EQ(caps->permitted, kNoCaps) << pid;
    EXPECT_EQ(caps->effective, kNoCaps) << pid;
    EXPECT_EQ(caps->ambient, kNoCaps) << pid;
    EXPECT_EQ(caps->inheritable, kNoCaps) << pid;
  }
  p.send_signal(SIGINT);
  EXPECT_EQ(p.finish().exit_code, 0);
}

// The journal is a pipe: flood mode's backspace animation and the status line's carriage return
// must not end up in it.
TEST_F(BetterPingService, OutputToAPipeHasNoTerminalControlCharacters) {
  Process p = Process::start(better_ping_command({"-f", "-i", "0.01", "-c", "200", "198.18.0.2"}),
                             in_client(10s));
  p.keep_reading(300ms);
  p.send_signal(SIGQUIT);
  const RunResult r = p.finish();
  EXPECT_EQ(r.exit_code, 0) << r;
  EXPECT_EQ(r.out.find_first_of("\b\r"), std::string::npos) << r;
  EXPECT_EQ(r.err.find_first_of("\b\r"), std::string::npos) << r;
  EXPECT_NE(r.err.find(" packets, "), std::string::npos) << "no SIGQUIT status line: " << r;
  EXPECT_NE(r.out.find("200 packets transmitted, 200 received"), std::string::npos) << r;
}

}  // namespace
}  // namespace bp::it
