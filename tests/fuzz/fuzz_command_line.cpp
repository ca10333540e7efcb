// libFuzzer target: the command lines of ping, better_ping and the watchdog.
//
// Input: a selector byte, then the arguments (argv[1..]) separated by NUL bytes, the one byte an
// argument can never contain. selector % 3: 0 ping, 1 better_ping, 2 watchdog; for ping and
// better_ping, (selector / 4) % 4 picks argv[0] among ping, ping4, ping6, better_ping.
//
// Invariants: no crash, whatever the arguments; a parsed Options value is within every range the
// options document; an early exit is exit 0 with text on stdout only, or exit 2 with text on
// stderr only, and an error is one line "<program>: <message>\n", followed by nothing or by
// the usage text (when no argument itself holds a newline), or is iputils' -N keyword list. For the watchdog: parsed options are
// in range, and the command line better_ping would build from them parses back to them.

#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ping/cli/option_values.h"
#include "ping/cli/options.h"
#include "ping/cli/usage.h"
#include "shared/watchdog_command.h"
#include "tests/fuzz/fuzz_check.h"
#include "watchdog/watchdog_options.h"

namespace bp {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr std::string_view kProgramNames[] = {"ping", "ping4", "ping6", "better_ping"};

std::vector<std::string_view> split_at_nul(std::string_view text) {
  std::vector<std::string_view> args;
  if (text.empty()) return args;
  for (;;) {
    const std::size_t nul = text.find('\0');
    args.push_back(text.substr(0, nul));
    if (nul == std::string_view::npos) return args;
    text.remove_prefix(nul + 1);
  }
}

bool any_newline(std::span<const std::string_view> args) {
  for (std::string_view arg : args) {
    if (arg.find('\n') != std::string_view::npos) return true;
  }
  return false;
}

// "<program>: <message>\n", then nothing or the usage text.
void check_error_text(std::string_view text, std::string_view program, std::string_view usage,
                      bool single_line) {
  BP_FUZZ_CHECK(text.starts_with(std::string(program) + ": "));
  BP_FUZZ_CHECK(text.ends_with('\n'));
  if (!single_line) return;
  const std::string_view rest = text.substr(text.find('\n') + 1);
  BP_FUZZ_CHECK(rest.empty() || rest == usage);
}

void check_options(const Options& o, CommandFlavor flavor, std::span<const std::string_view> args) {
  // Every destination is an argument as given; there is none only with --targets.
  auto among_args = [&](std::string_view text) {
    for (std::string_view arg : args) {
      if (arg == text) return true;
    }
    return false;
  };
  for (const std::string& d : o.destinations) BP_FUZZ_CHECK(among_args(d));
  BP_FUZZ_CHECK(o.destinations.empty() ? o.targets_file && o.destination.empty()
                                       : o.destination == o.destinations.back());
  BP_FUZZ_CHECK(!o.count || *o.count >= 1);
  BP_FUZZ_CHECK(o.preload >= 1 && o.preload <= 65536);
  // The size limit of -4/-6 or of a numeric destination is applied already.
  const std::optional<Family> literal = literal_address_family(o.destination);
  const std::optional<Family> family = literal ? literal : o.family;
  BP_FUZZ_CHECK(o.payload_size <= max_payload_size(family));
  if (const auto& source = o.interface_or_source) {
    BP_FUZZ_CHECK(source->address.empty() == (source->address_family == std::nullopt));
    BP_FUZZ_CHECK(!source->address.empty() || source->device == source->text);
    BP_FUZZ_CHECK(source->address_family == std::nullopt ||
                  literal_address_family(source->address) == source->address_family);
  }
  BP_FUZZ_CHECK(o.interval >= nanoseconds::zero() && o.interval <= milliseconds(INT_MAX));
  BP_FUZZ_CHECK(o.interval_given || o.interval == (o.flood ? nanoseconds::zero() : seconds(1)));
  BP_FUZZ_CHECK(std::chrono::duration_cast<milliseconds>(o.interval).count() < INT_MAX / o.preload);
  BP_FUZZ_CHECK(o.linger >= nanoseconds::zero() && o.linger <= milliseconds(INT_MAX));
  BP_FUZZ_CHECK(!o.deadline || (*o.deadline > nanoseconds::zero() && *o.deadline <= seconds(INT_MAX)));
  BP_FUZZ_CHECK(!o.pattern || (o.pattern->size >= 1 && o.pattern->size <= PayloadPattern::kMaxBytes));
  BP_FUZZ_CHECK(!o.flood || o.numeric);
  BP_FUZZ_CHECK(o.watchdog_timeout > nanoseconds::zero() && o.watchdog_timeout <= seconds(3600));
  BP_FUZZ_CHECK(!o.summary_every ||
                (*o.summary_every >= milliseconds(100) && *o.summary_every <= seconds(3600)));
  if (flavor == CommandFlavor::kPing) BP_FUZZ_CHECK(o.watchdog_timeout == seconds(10));
}

void fuzz_ping(CommandFlavor flavor, std::string_view program, std::span<const std::string_view> args) {
  const ParseResult result = flavor == CommandFlavor::kPing
                                 ? parse_ping_command_line(program, args)
                                 : parse_better_ping_command_line(program, args);
  const bool single_line = !any_newline(args);
  const std::string usage = usage_text(flavor, program);
  if (result) {
    check_options(*result, flavor, args);
    for (Family family : {Family::kIpv4, Family::kIpv6}) {
      if (auto error = check_payload_size(*result, family, program)) {
        check_error_text(error->stderr_text, program, "", true);
      }
    }
    if (auto error = check_unprivileged_limits(*result, program)) {
      check_error_text(error->stderr_text, program, "", true);
    }
    if (auto error = check_unprivileged_interval(*result, program)) {
      check_error_text(error->stderr_text, program, "", true);
    }
    return;
  }
  const EarlyExit& exit = result.error();
  BP_FUZZ_CHECK(exit.exit_code == 0 || exit.exit_code == 2);
  if (exit.exit_code == 0) {  // --help, -V, --version
    BP_FUZZ_CHECK(exit.stderr_text.empty() && exit.stdout_text.ends_with('\n'));
    return;
  }
  BP_FUZZ_CHECK(exit.stdout_text.empty() && !exit.stderr_text.empty());
  // -h, and iputils' answers with no message of their own: -N with a wrong keyword lists the
  // keywords; -T tsprespec with more than 4 hops prints the usage.
  if (exit.stderr_text == usage || exit.stderr_text == node_info_help_text()) return;
  check_error_text(exit.stderr_text, program, usage, single_line);
}

void fuzz_watchdog(std::span<const std::string_view> args) {
  const auto result = parse_watchdog_options(args);
  if (!result) {
    BP_FUZZ_CHECK(!result.error().empty());
    if (!any_newline(args)) BP_FUZZ_CHECK(result.error().find('\n') == std::string::npos);
    return;
  }
  const auto* options = std::get_if<WatchdogOptions>(&*result);
  if (options == nullptr) return;  // --help or --version
  BP_FUZZ_CHECK(options->channel_fd >= 3 && options->pidfd >= 3);
  BP_FUZZ_CHECK(options->channel_fd != options->pidfd);
  BP_FUZZ_CHECK(options->timeout > nanoseconds::zero() && options->timeout <= kMaxWatchdogTimeout);
  BP_FUZZ_CHECK(options->grace > nanoseconds::zero() && options->grace <= kMaxWatchdogGrace);
  BP_FUZZ_CHECK(!options->target.empty() && options->target.size() <= kMaxTargetLength);
  for (char c : options->target) {
    BP_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
  }

  // What better_ping builds from these values reads back as the same values.
  const std::vector<std::string> rebuilt = watchdog_arguments(
      {options->channel_fd, options->pidfd, options->timeout, options->target, options->grace});
  const std::vector<std::string_view> views(rebuilt.begin(), rebuilt.end());
  const auto again = parse_watchdog_options(views);
  BP_FUZZ_CHECK(again.has_value() && std::get_if<WatchdogOptions>(&*again) != nullptr);
  BP_FUZZ_CHECK(std::get<WatchdogOptions>(*again) == *options);
}

}  // namespace
}  // namespace bp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bp;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::vector<std::string_view> args = split_at_nul(text);
  const std::string_view program = kProgramNames[(data[0] / 4) % std::size(kProgramNames)];
  switch (data[0] % 3) {
    case 0: fuzz_ping(CommandFlavor::kPing, program, args); break;
    case 1: fuzz_ping(CommandFlavor::kBetterPing, program, args); break;
    default: fuzz_watchdog(args); break;
  }
  return 0;
}
