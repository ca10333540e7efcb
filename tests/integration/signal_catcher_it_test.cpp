// SignalCatcher (ping/app/signal_catcher.h) against the real kernel: what it records, in which
// order, and the window it closes (a signal between "nothing pending" and the receive). No
// network and no privilege: a UDP socket on loopback that nobody writes to.

#include "ping/app/signal_catcher.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <future>
#include <thread>

#include "shared/unique_fd.h"

namespace bp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A bound UDP socket that never receives anything, with a 5 s receive timeout.
UniqueFd silent_socket() {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  const timeval five{5, 0};
  EXPECT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five), 0);
  return fd;
}

// How long a blocking receive on `fd` took, and its errno.
std::pair<Clock::duration, int> timed_receive(int fd) {
  std::array<char, 16> buffer{};
  const auto start = Clock::now();
  const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
  const int err = n < 0 ? errno : 0;
  return {Clock::now() - start, err};
}

TEST(SignalCatcher, RecordsSignalsWithTheirSenderInOrderOfLatestArrival) {
  auto catcher = SignalCatcher::install({SIGUSR1, SIGUSR2});
  ASSERT_TRUE(catcher.has_value()) << catcher.error().message();
  EXPECT_FALSE(catcher->pending());
  ASSERT_EQ(::raise(SIGUSR2), 0);
  ASSERT_EQ(::raise(SIGUSR1), 0);
  ASSERT_EQ(::raise(SIGUSR2), 0);  // again before it was taken: recorded once, as its latest

  ASSERT_TRUE(catcher->pending());
  const auto first = catcher->take();
  const auto second = catcher->take();
  ASSERT_TRUE(first && second);
  // The order of latest arrivals: what the loop acts on last is what happened last (Ctrl-Z,
  // fg, Ctrl-Z must end stopped).
  EXPECT_EQ(first->signo, SIGUSR1);
  EXPECT_EQ(second->signo, SIGUSR2);
  EXPECT_EQ(first->sender_pid, ::getpid());
  EXPECT_EQ(first->sender_uid, ::getuid());
  EXPECT_EQ(first->code, SI_TKILL);
  EXPECT_FALSE(catcher->take());
  EXPECT_FALSE(catcher->pending());
}

TEST(SignalCatcher, OnlyOneAtATime) {
  auto catcher = SignalCatcher::install({SIGUSR1});
  ASSERT_TRUE(catcher.has_value());
  const auto second = SignalCatcher::install({SIGUSR2});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().err, EBUSY);
}

// The window: the signal lands after the loop found nothing pending, before it enters the
// receive. The handler has cut the receive timeout, so the receive ends within a clock tick
// instead of after its 5 s; take_timeout_cut() then tells the loop to set its own again.
TEST(SignalCatcher, ASignalJustBeforeTheReceiveCutsItsTimeout) {
  const UniqueFd socket = silent_socket();
  auto catcher = SignalCatcher::install({SIGUSR1});
  ASSERT_TRUE(catcher.has_value());
  catcher->watch_receiver(socket.get());
  ASSERT_FALSE(catcher->pending());  // the loop's check...
  ASSERT_EQ(::raise(SIGUSR1), 0);     // ...then the signal...
  const auto [took, err] = timed_receive(socket.get());  // ...then the receive

  EXPECT_LT(took, 500ms);
  EXPECT_TRUE(err == EAGAIN || err == EWOULDBLOCK) << err;
  EXPECT_TRUE(catcher->take_timeout_cut());
  EXPECT_FALSE(catcher->take_timeout_cut());  // reported once
  EXPECT_EQ(catcher->take()->signo, SIGUSR1);
}

TEST(SignalCatcher, ASignalDuringTheReceiveInterruptsIt) {
  const UniqueFd socket = silent_socket();
  auto catcher = SignalCatcher::install({SIGUSR1});
  ASSERT_TRUE(catcher.has_value());
  // A timer delivers the signal 100 ms into the receive.
  itimerval in_100ms{};
  in_100ms.it_value.tv_usec = 100'000;
  struct sigaction previous {};
  struct sigaction alarm_to_usr1 {};
  alarm_to_usr1.sa_handler = [](int) { ::raise(SIGUSR1); };
  ASSERT_EQ(::sigaction(SIGALRM, &alarm_to_usr1, &previous), 0);
  ASSERT_EQ(::setitimer(ITIMER_REAL, &in_100ms, nullptr), 0);
  const auto [took, err] = timed_receive(socket.get());
  ::sigaction(SIGALRM, &previous, nullptr);

  EXPECT_GE(took, 90ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(err, EINTR);  // no SA_RESTART: the receive does not go on sleeping
  EXPECT_EQ(catcher->take()->signo, SIGUSR1);
}

// A process-directed signal goes to any thread that does not block it. While the main thread
// blocks SIGUSR1 for a moment, a thread started through with_signals_blocked must not take it:
// the signal stays pending, and reaches the catcher once the main thread unblocks it.
TEST(SignalCatcher, ThreadsStartedWithSignalsBlockedNeverTakeThem) {
  auto catcher = SignalCatcher::install({SIGUSR1});
  ASSERT_TRUE(catcher.has_value());
  std::promise<void> finish;
  std::jthread worker = with_signals_blocked(
      [&] { return std::jthread([done = finish.get_future()] { done.wait(); }); });
  struct Finish {
    std::promise<void>& promise;
    ~Finish() { promise.set_value(); }
  } finish_worker{finish};

  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &usr1, nullptr), 0);
  ASSERT_EQ(::kill(::getpid(), SIGUSR1), 0);
  std::this_thread::sleep_for(100ms);  // time for a thread that accepts it to take it
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGUSR1), 1) << "a thread took the signal";
  EXPECT_FALSE(catcher->take().has_value());
  ASSERT_EQ(pthread_sigmask(SIG_UNBLOCK, &usr1, nullptr), 0);  // delivered here, now
  const auto caught = catcher->take();
  ASSERT_TRUE(caught.has_value());
  EXPECT_EQ(caught->signo, SIGUSR1);
}

}  // namespace
}  // namespace bp
