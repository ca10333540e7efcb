// responder: a misbehaving echo host for the integration tests. Run it (as root) inside the
// target network namespace with the kernel's echo replies off there
// (net.ipv4.icmp_echo_ignore_all=1, net.ipv6.icmp.echo_ignore_all=1); it answers echo
// requests as its scenario says (see responder_config.h), prints "responder: ready" once its
// sockets are open, and one line of counts when it ends: after --max-packets requests have
// been answered, after --duration, or on SIGTERM / SIGINT.
//
// It runs at a real-time priority (SCHED_FIFO 10) when it may, so delays stay exact on a busy
// machine.
//
// Exit status: 0 after a run, 1 if a socket call failed, 2 for a usage error.

#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "shared/signals.h"
#include "tests/responder/responder_sockets.h"
#include "tests/responder/response_planner.h"

namespace bp::responder {
namespace {

void print(std::FILE* stream, const std::string& text) {
  std::fputs(text.c_str(), stream);
  std::fflush(stream);
}

std::optional<SysError> arm_timer(int fd, MonoTime at) {
  const auto ns = at.time_since_epoch().count();
  itimerspec spec{};
  // A zero it_value would disarm the timer: a time in the past fires at once instead.
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  spec.it_value.tv_nsec = std::max(1L, static_cast<long>(ns % 1'000'000'000));
  if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    return last_error("timerfd_settime");
  }
  return std::nullopt;
}

class Responder {
 public:
  Responder(const ResponderConfig& config, ResponderSockets sockets, SignalFd signals,
            UniqueFd timer)
      : config_(config),
        planner_(config),
        sockets_(std::move(sockets)),
        signals_(std::move(signals)),
        timer_(std::move(timer)) {}

  // The event loop: sockets, the send timer and signals; returns the exit status.
  int run() {
    const MonoTime end = monotonic_now() + config_.duration;
    print(stdout,
          "responder: ready (scenario " + std::string(scenario_name(config_.scenario)) + ")\n");
    const auto on_request = [this](const EchoRequestIn& request, MonoTime arrival) {
      planner_.on_request(request, arrival);
    };
    for (;;) {
      const MonoTime now = monotonic_now();
      for (const Datagram& d : planner_.take_due(now)) {
        if (auto e = sockets_.send(d)) fail(*e);
      }
      if (planner_.finished() || now >= end || failed_) break;
      const MonoTime wake = std::min(planner_.next_due().value_or(end), end);
      if (auto e = arm_timer(timer_.get(), wake)) {
        fail(*e);
        break;
      }
      std::array<pollfd, 4> fds{{{sockets_.ipv4_fd(), POLLIN, 0},
                                 {sockets_.ipv6_fd(), POLLIN, 0},
                                 {timer_.get(), POLLIN, 0},
                                 {signals_.fd(), POLLIN, 0}}};
      if (retry_on_eintr([&] { return ppoll(fds.data(), fds.size(), nullptr, nullptr); }) < 0) {
        fail(last_error("ppoll"));
        break;
      }
      if (fds[3].revents != 0 && signals_.read_one()) break;
      if (fds[2].revents != 0) {
        std::uint64_t expirations = 0;
        [[maybe_unused]] const ssize_t n = ::read(timer_.get(), &expirations, sizeof expirations);
      }
      if (fds[0].revents != 0) {
        if (auto e = sockets_.drain_ipv4(on_request)) fail(*e);
      }
      if (fds[1].revents != 0) {
        if (auto e = sockets_.drain_ipv6(on_request)) fail(*e);
      }
    }
    const ResponderCounts& c = planner_.counts();
    print(stdout, "responder: " + std::to_string(c.requests) + " requests, " +
                      std::to_string(c.replies) + " replies, " + std::to_string(c.noise) +
                      " noise, " + std::to_string(c.ignored) + " ignored\n");
    return failed_ ? 1 : 0;
  }

 private:
  void fail(const SysError& e) {
    print(stderr, "responder: " + e.message() + "\n");
    failed_ = true;
  }

  const ResponderConfig& config_;
  ResponsePlanner planner_;
  ResponderSockets sockets_;
  SignalFd signals_;
  UniqueFd timer_;
  bool failed_ = false;
};

int run_responder(int argc, char** argv) {
  std::vector<std::string_view> args(argv + std::min(argc, 1), argv + argc);
  const auto config = parse_responder_args(args);
  if (!config) {
    print(stderr, "responder: " + config.error() + "\n" + responder_usage());
    return 2;
  }
  // Replies are due at exact times, as a link's delay would be whatever else the machine does:
  // no timer slack (the default 50 us would show in the RTTs), and a real-time priority so a
  // busy CPU (parallel builds, the pinger itself) cannot make a reply late by milliseconds.
  // The process sleeps between sends and its run is bounded by --duration.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  sched_param priority{};
  priority.sched_priority = 10;
  if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &priority) != 0) {
    print(stderr, "responder: no real-time priority (" +
                      last_error("sched_setscheduler").message() +
                      "): delays may run late on a busy machine\n");
  }
  auto signals = SignalFd::open({SIGTERM, SIGINT});
  if (!signals) {
    print(stderr, "responder: " + signals.error().message() + "\n");
    return 1;
  }
  auto sockets = ResponderSockets::open();
  if (!sockets) {
    print(stderr, "responder: " + sockets.error().message() + "\n");
    return 1;
  }
  UniqueFd timer(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!timer) {
    print(stderr, "responder: " + last_error("timerfd_create").message() + "\n");
    return 1;
  }
  Responder responder(*config, std::move(*sockets), std::move(*signals), std::move(timer));
  return responder.run();
}

}  // namespace
}  // namespace bp::responder

int main(int argc, char** argv) { return bp::responder::run_responder(argc, argv); }
