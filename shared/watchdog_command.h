#pragma once
// The watchdog's command line, the contract between the two programs: better_ping writes it
// (ping/supervise/watchdog_link.cpp) and the watchdog reads it (watchdog/watchdog_options.h, which
// documents each option and its range):
//
//   watchdog --channel-fd=N --pidfd=M --timeout=SECONDS --target=TEXT [--grace=SECONDS]
//
// Durations are written with format_seconds() (shared/seconds_text.h), which the watchdog
// reads back to the nanosecond: its Hello check compares the two.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bp {

// The longest --watchdog-timeout better_ping accepts and the watchdog's --timeout allows.
inline constexpr std::chrono::nanoseconds kMaxWatchdogTimeout = std::chrono::seconds(3600);

inline constexpr std::string_view kChannelFdOption = "--channel-fd";
inline constexpr std::string_view kPidfdOption = "--pidfd";
inline constexpr std::string_view kTimeoutOption = "--timeout";
inline constexpr std::string_view kTargetOption = "--target";
inline constexpr std::string_view kGraceOption = "--grace";

struct WatchdogArguments {
  int channel_fd = -1;
  int pidfd = -1;
  std::chrono::nanoseconds timeout{0};
  std::string target;
  std::optional<std::chrono::nanoseconds> grace;  // the watchdog's default when absent
};

// argv[1..] for the watchdog, in the order above ("--channel-fd=5", ..., "--target=TEXT").
std::vector<std::string> watchdog_arguments(const WatchdogArguments& arguments);

}  // namespace bp
