#include "watchdog/watchdog_options.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace bp {
namespace {

enum class Option : std::size_t { kChannelFd, kPidfd, kTimeout, kTarget, kGrace, kCount };

struct OptionName {
  std::string_view name;
  Option option;
};

constexpr std::array<OptionName, static_cast<std::size_t>(Option::kCount)> kOptionNames{{
    {kChannelFdOption, Option::kChannelFd},
    {kPidfdOption, Option::kPidfd},
    {kTimeoutOption, Option::kTimeout},
    {kTargetOption, Option::kTarget},
    {kGraceOption, Option::kGrace},
}};

constexpr int kMinInheritedFd = 3;  // 0, 1 and 2 are stdin, stdout and stderr

std::optional<Option> find_option(std::string_view name) {
  for (const OptionName& entry : kOptionNames) {
    if (entry.name == name) return entry.option;
  }
  return std::nullopt;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::optional<std::string> parse_fd(std::string_view name, std::string_view text, int& out) {
  int fd = -1;
  const bool digits = all_digits(text);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), fd);
  if (!digits || ec != std::errc() || end != text.data() + text.size() || fd < kMinInheritedFd) {
    return "invalid " + std::string(name) + " " + quoted(text) + ": expected a descriptor number >= 3";
  }
  out = fd;
  return std::nullopt;
}

std::optional<std::string> parse_bounded_seconds(std::string_view name, std::string_view text,
                                                 std::chrono::nanoseconds max, std::chrono::nanoseconds& out) {
  const std::optional<std::chrono::nanoseconds> value = parse_seconds(text);
  if (!value || *value <= std::chrono::nanoseconds(0) || *value > max) {
    return "invalid " + std::string(name) + " " + quoted(text) + ": expected seconds, 0 < value <= " +
           format_seconds(max);
  }
  out = *value;
  return std::nullopt;
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

// The target ends up inside a one-line log message: no control characters (newlines, escapes).
std::optional<std::string> parse_target(std::string_view text, std::string& out) {
  if (text.empty() || text.size() > kMaxTargetLength || std::any_of(text.begin(), text.end(), is_control)) {
    return "invalid --target: expected the ping target's printable name (1 to 1024 characters)";
  }
  out = std::string(text);
  return std::nullopt;
}

std::optional<std::string> apply(Option option, std::string_view name, std::string_view value,
                                 WatchdogOptions& out) {
  switch (option) {
    case Option::kChannelFd: return parse_fd(name, value, out.channel_fd);
    case Option::kPidfd: return parse_fd(name, value, out.pidfd);
    case Option::kTimeout: return parse_bounded_seconds(name, value, kMaxWatchdogTimeout, out.timeout);
    case Option::kGrace: return parse_bounded_seconds(name, value, kMaxWatchdogGrace, out.grace);
    case Option::kTarget: return parse_target(value, out.target);
    case Option::kCount: break;
  }
  return "internal error: unhandled option";
}

std::optional<std::string> parse_one(std::string_view arg, std::array<bool, kOptionNames.size()>& seen,
                                     WatchdogOptions& out) {
  if (!arg.starts_with("--")) return "unexpected argument " + quoted(arg) + " (try --help)";
  const std::size_t equals = arg.find('=');
  const std::string_view name = arg.substr(0, equals);
  const std::optional<Option> option = find_option(name);
  if (!option) return "unknown option " + quoted(name) + " (try --help)";
  if (equals == std::string_view::npos) return "option " + std::string(name) + " needs a value: " +
                                                std::string(name) + "=...";
  bool& already = seen[static_cast<std::size_t>(*option)];
  if (already) return "option " + std::string(name) + " given twice";
  already = true;
  return apply(*option, name, arg.substr(equals + 1), out);
}

std::optional<std::string> check_complete(const std::array<bool, kOptionNames.size()>& seen,
                                          const WatchdogOptions& options) {
  const auto given = [&](Option o) { return seen[static_cast<std::size_t>(o)]; };
  if (!given(Option::kChannelFd) || !given(Option::kPidfd)) {
    return "this is an internal helper of better_ping, which starts it with inherited descriptors; "
           "it is not meant to be run by hand (missing --channel-fd or --pidfd)";
  }
  if (options.channel_fd == options.pidfd) return "--channel-fd and --pidfd must be different descriptors";
  if (!given(Option::kTimeout)) return "missing --timeout=SECONDS";
  if (!given(Option::kTarget)) return "missing --target=TEXT";
  return std::nullopt;
}

}  // namespace

Expected<WatchdogCommand, std::string> parse_watchdog_options(std::span<const std::string_view> args) {
  if (std::find(args.begin(), args.end(), "--help") != args.end()) return WatchdogCommand{ShowWatchdogHelp{}};
  if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    return WatchdogCommand{ShowWatchdogVersion{}};
  }
  WatchdogOptions options;
  std::array<bool, kOptionNames.size()> seen{};
  for (std::string_view arg : args) {
    if (auto error = parse_one(arg, seen, options)) return Unexpected{std::move(*error)};
  }
  if (auto error = check_complete(seen, options)) return Unexpected{std::move(*error)};
  return WatchdogCommand{std::move(options)};
}

static_assert(kMaxWatchdogTimeout == std::chrono::seconds(3600), "the usage text says 3600");
static_assert(kMaxWatchdogGrace == std::chrono::seconds(60), "the usage text says 60");

std::string_view watchdog_usage() {
  return "Usage: watchdog --channel-fd=N --pidfd=M --timeout=SECONDS --target=TEXT [--grace=SECONDS]\n"
         "\n"
         "Internal helper of better_ping: it stops better_ping (SIGTERM, then SIGKILL after the grace\n"
         "period) when no heartbeat arrives on the inherited channel for the timeout. better_ping\n"
         "starts it; it is not meant to be run by hand.\n"
         "\n"
         "  --channel-fd=N     inherited end of better_ping's loopback TCP heartbeat connection\n"
         "  --pidfd=M          inherited pidfd of better_ping\n"
         "  --timeout=SECONDS  silence allowed between heartbeats, 0 < SECONDS <= 3600\n"
         "  --target=TEXT      the ping target, for the log line\n"
         "  --grace=SECONDS    from the first signal to SIGKILL, 0 < SECONDS <= 60 (default 2)\n"
         "  --help, --version\n"
         "\n"
         "Exit status: 0 better_ping said goodbye, or was stopped after the timeout; 1 better_ping\n"
         "ended without saying goodbye; 2 usage error; 3 system error.\n";
}

}  // namespace bp
