#pragma once
// The watchdog's command line. The watchdog is an internal helper: better_ping execs it as
//
//   watchdog --channel-fd=N --pidfd=M --timeout=SECONDS --target=TEXT [--grace=SECONDS]
//
//   --channel-fd  the watchdog's end of the connected loopback TCP pair (inherited, >= 3)
//   --pidfd       a pidfd of better_ping (inherited, >= 3, not the channel)
//   --timeout     silence allowed between heartbeats: 0 < SECONDS <= 3600
//   --target      the ping target as better_ping prints it, for the log line; printable, non-empty
//   --grace       time between the first signal and SIGKILL: 0 < SECONDS <= 60, default 2
//   --help, --version
//
// SECONDS is a plain decimal number with at most 9 decimals ("10", "0.5", "2.000000001"): no
// sign, exponent or blanks, so it converts to nanoseconds exactly (the Hello frame's timeout
// must equal it to the nanosecond; format_seconds() writes it that way, parse_seconds() reads
// it: shared/seconds_text.h).
// Options take their value after '='; each may be given once. better_ping builds this command
// line (shared/watchdog_command.h, where the names and the timeout's bound live). Pure code:
// nothing here looks at the descriptors; the system shell checks what they are.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "shared/expected.h"
#include "shared/seconds_text.h"
#include "shared/watchdog_command.h"

namespace bp {

inline constexpr std::chrono::nanoseconds kMaxWatchdogGrace = std::chrono::seconds(60);
inline constexpr std::chrono::nanoseconds kDefaultWatchdogGrace = std::chrono::seconds(2);
inline constexpr std::size_t kMaxTargetLength = 1024;

struct WatchdogOptions {
  int channel_fd = -1;
  int pidfd = -1;
  std::chrono::nanoseconds timeout{0};
  std::chrono::nanoseconds grace = kDefaultWatchdogGrace;
  std::string target;
  bool operator==(const WatchdogOptions&) const = default;
};

struct ShowWatchdogHelp {
  bool operator==(const ShowWatchdogHelp&) const = default;
};
struct ShowWatchdogVersion {
  bool operator==(const ShowWatchdogVersion&) const = default;
};

using WatchdogCommand = std::variant<WatchdogOptions, ShowWatchdogHelp, ShowWatchdogVersion>;

// args: argv without argv[0]. The error is one line without the "watchdog: " prefix, e.g.
//   "invalid --timeout '0': expected seconds, 0 < value <= 3600"
// Without --channel-fd or --pidfd it explains that the program is better_ping's internal helper.
Expected<WatchdogCommand, std::string> parse_watchdog_options(std::span<const std::string_view> args);

// The text of --help.
std::string_view watchdog_usage();

}  // namespace bp
