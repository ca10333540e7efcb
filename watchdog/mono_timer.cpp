#include "watchdog/mono_timer.h"

#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

namespace bp {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

timespec to_timespec(std::chrono::nanoseconds d) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(d.count() / kNanosPerSecond);
  ts.tv_nsec = static_cast<long>(d.count() % kNanosPerSecond);
  return ts;
}

}  // namespace

Expected<MonoTimer, SysError> MonoTimer::create() {
  UniqueFd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!fd) return Unexpected{last_error("timerfd_create")};
  return MonoTimer(std::move(fd));
}

std::optional<SysError> MonoTimer::arm_at(MonoTime at) {
  // An all-zero it_value would disarm instead; the monotonic clock is past 1 ns anyway.
  const auto since_boot = std::max(at.time_since_epoch(), std::chrono::nanoseconds(1));
  itimerspec spec{};
  spec.it_value = to_timespec(since_boot);
  if (::timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) != 0) return last_error("timerfd_settime");
  return std::nullopt;
}

std::optional<SysError> MonoTimer::disarm() {
  const itimerspec spec{};
  if (::timerfd_settime(fd_.get(), 0, &spec, nullptr) != 0) return last_error("timerfd_settime");
  return std::nullopt;
}

bool MonoTimer::consume() {
  std::uint64_t expirations = 0;
  const ssize_t n = retry_on_eintr([&] { return ::read(fd_.get(), &expirations, sizeof expirations); });
  return n == static_cast<ssize_t>(sizeof expirations) && expirations > 0;
}

}  // namespace bp
