// watchdog: better_ping's supervisor process. See watchdog/watchdog_loop.h for what it does and
// watchdog/watchdog_options.h for its command line.

#include <cstdio>
#include <string_view>
#include <variant>
#include <vector>

#include "watchdog/mono_timer.h"
#include "watchdog/watchdog_loop.h"
#include "watchdog/watchdog_options.h"
#include "watchdog/watchdog_setup.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitSystem = 3;

int report(std::string_view message, int code) {
  std::fprintf(stderr, "watchdog: %.*s\n", static_cast<int>(message.size()), message.data());
  return code;
}

int exit_code(bp::WatchdogOutcome outcome) {
  switch (outcome) {
    case bp::WatchdogOutcome::kGoodbye:
    case bp::WatchdogOutcome::kPingerStopped: return 0;
    case bp::WatchdogOutcome::kPingerVanished: return 1;
    case bp::WatchdogOutcome::kFailed: return kExitSystem;
  }
  return kExitSystem;
}

int supervise(const bp::WatchdogOptions& options, bp::MonoTime start) {
  auto signals = bp::watch_signals();
  if (!signals) return report(signals.error().message(), kExitSystem);
  if (auto error = bp::ensure_no_capabilities()) return report(*error, kExitSystem);
  auto inherited = bp::adopt_descriptors(options);
  if (!inherited) return report(inherited.error(), kExitUsage);
  bp::WatchdogSession session{std::move(inherited->channel), std::move(inherited->pinger), inherited->pinger_pid,
                              options.timeout, bp::KillConfig{}, options.target, start,
                              bp::detach_stdout()};
  session.kill.grace = options.grace;
  return exit_code(bp::run_watchdog(std::move(session), *signals));
}

}  // namespace

int main(int argc, char** argv) {
  const bp::MonoTime start = bp::read_monotonic_clock();  // the first window runs from here
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  const auto command = bp::parse_watchdog_options(args);
  if (!command) return report(command.error(), kExitUsage);
  if (std::holds_alternative<bp::ShowWatchdogHelp>(*command)) {
    const std::string_view usage = bp::watchdog_usage();
    std::fwrite(usage.data(), 1, usage.size(), stdout);
    return 0;
  }
  if (std::holds_alternative<bp::ShowWatchdogVersion>(*command)) {
    std::printf("watchdog (better_ping) %s\n", BP_VERSION);
    return 0;
  }
  return supervise(std::get<bp::WatchdogOptions>(*command), start);
}
