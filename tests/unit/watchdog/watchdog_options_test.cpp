#include "watchdog/watchdog_options.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace bp {
namespace {

using namespace std::chrono_literals;

// What better_ping passes for `better_ping 127.0.0.1` with the default 10 s timeout.
const std::vector<std::string_view> kTypical{"--channel-fd=3", "--pidfd=4", "--timeout=10", "--target=127.0.0.1"};

Expected<WatchdogCommand, std::string> parse(std::vector<std::string_view> args) {
  return parse_watchdog_options(args);
}

WatchdogOptions options_of(std::vector<std::string_view> args) {
  const auto result = parse(std::move(args));
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error());
  if (!result || !std::holds_alternative<WatchdogOptions>(*result)) return {};
  return std::get<WatchdogOptions>(*result);
}

std::string error_of(std::vector<std::string_view> args) {
  const auto result = parse(std::move(args));
  EXPECT_FALSE(result.has_value());
  return result ? std::string() : result.error();
}

// kTypical with one argument replaced (or added when `prefix` matches none).
std::vector<std::string_view> typical_with(std::string_view arg) {
  std::vector<std::string_view> args = kTypical;
  const std::string_view name = arg.substr(0, arg.find('=') + 1);
  for (auto& a : args) {
    if (a.starts_with(name)) {
      a = arg;
      return args;
    }
  }
  args.push_back(arg);
  return args;
}

TEST(WatchdogOptions, TypicalCommandLineGivesEveryValueAndTheDefaultGrace) {
  const WatchdogOptions o = options_of(kTypical);
  EXPECT_EQ(o.channel_fd, 3);
  EXPECT_EQ(o.pidfd, 4);
  EXPECT_EQ(o.timeout, 10s);
  EXPECT_EQ(o.target, "127.0.0.1");
  EXPECT_EQ(o.grace, 2s);
}

TEST(WatchdogOptions, OptionsMayComeInAnyOrder) {
  const WatchdogOptions o = options_of({"--target=localhost", "--grace=0.25", "--timeout=0.5", "--pidfd=9",
                                        "--channel-fd=7"});
  EXPECT_EQ(o, (WatchdogOptions{7, 9, 500ms, 250ms, "localhost"}));
}

TEST(WatchdogOptions, FractionalSecondsAreExactToTheNanosecond) {
  EXPECT_EQ(options_of(typical_with("--timeout=0.000000001")).timeout, 1ns);
  EXPECT_EQ(options_of(typical_with("--timeout=2.000000001")).timeout, 2s + 1ns);
  EXPECT_EQ(options_of(typical_with("--timeout=0.1")).timeout, 100ms);
  EXPECT_EQ(options_of(typical_with("--grace=1.5")).grace, 1500ms);
}

TEST(WatchdogOptions, TimeoutRangeIsAboveZeroUpToAnHour) {
  EXPECT_EQ(options_of(typical_with("--timeout=3600")).timeout, 3600s);
  EXPECT_EQ(options_of(typical_with("--timeout=3600.000000000")).timeout, 3600s);
  EXPECT_EQ(error_of(typical_with("--timeout=3600.000000001")),
            "invalid --timeout '3600.000000001': expected seconds, 0 < value <= 3600");
  EXPECT_EQ(error_of(typical_with("--timeout=0")), "invalid --timeout '0': expected seconds, 0 < value <= 3600");
  EXPECT_EQ(error_of(typical_with("--timeout=0.0")), "invalid --timeout '0.0': expected seconds, 0 < value <= 3600");
}

TEST(WatchdogOptions, GraceRangeIsAboveZeroUpToAMinute) {
  EXPECT_EQ(options_of(typical_with("--grace=60")).grace, 60s);
  EXPECT_EQ(options_of(typical_with("--grace=0.001")).grace, 1ms);
  EXPECT_EQ(error_of(typical_with("--grace=60.5")), "invalid --grace '60.5': expected seconds, 0 < value <= 60");
  EXPECT_EQ(error_of(typical_with("--grace=0")), "invalid --grace '0': expected seconds, 0 < value <= 60");
}

TEST(WatchdogOptions, MalformedSecondsAreRejected) {
  for (std::string_view bad : {"", "abc", "-1", "+1", " 1", "1 ", "1.", ".5", "1e3", "0x10", "1.2.3",
                               "0.0000000001", "1,5", "inf", "nan", "99999999999999999999"}) {
    const std::string arg = "--timeout=" + std::string(bad);
    EXPECT_EQ(error_of(typical_with(arg)),
              "invalid --timeout '" + std::string(bad) + "': expected seconds, 0 < value <= 3600")
        << bad;
  }
}

TEST(WatchdogOptions, DescriptorsMustBeNumbersFromThreeUp) {
  EXPECT_EQ(options_of(typical_with("--channel-fd=1023")).channel_fd, 1023);
  for (std::string_view bad : {"0", "1", "2", "-1", "", "x", "3x", "+3", " 3", "99999999999"}) {
    const std::string arg = "--channel-fd=" + std::string(bad);
    EXPECT_EQ(error_of(typical_with(arg)),
              "invalid --channel-fd '" + std::string(bad) + "': expected a descriptor number >= 3")
        << bad;
  }
  EXPECT_EQ(error_of(typical_with("--pidfd=2")), "invalid --pidfd '2': expected a descriptor number >= 3");
}

TEST(WatchdogOptions, ChannelAndPidfdMustDiffer) {
  EXPECT_EQ(error_of(typical_with("--pidfd=3")), "--channel-fd and --pidfd must be different descriptors");
}

TEST(WatchdogOptions, TargetIsKeptAsGivenButMustBePrintableAndNonEmpty) {
  EXPECT_EQ(options_of(typical_with("--target=2001:db8::1")).target, "2001:db8::1");
  EXPECT_EQ(options_of(typical_with("--target=h\xC3\xA9te.example")).target, "h\xC3\xA9te.example");  // UTF-8 kept
  EXPECT_EQ(options_of(typical_with("--target=a=b")).target, "a=b");  // only the first '=' separates
  const std::string kError = "invalid --target: expected the ping target's printable name (1 to 1024 characters)";
  EXPECT_EQ(error_of(typical_with("--target=")), kError);
  EXPECT_EQ(error_of(typical_with("--target=evil\nwatchdog: fake line")), kError);
  EXPECT_EQ(error_of(typical_with("--target=esc\x1b[2J")), kError);
  EXPECT_EQ(error_of(typical_with("--target=del\x7f")), kError);
  const std::string longest = "--target=" + std::string(1024, 'a');
  EXPECT_EQ(options_of(typical_with(longest)).target.size(), 1024u);
  const std::string too_long = "--target=" + std::string(1025, 'a');
  EXPECT_EQ(error_of(typical_with(too_long)), kError);
}

TEST(WatchdogOptions, StartedByHandWithoutDescriptorsSaysItIsBetterPingsHelper) {
  const std::string kHelper =
      "this is an internal helper of better_ping, which starts it with inherited descriptors; "
      "it is not meant to be run by hand (missing --channel-fd or --pidfd)";
  EXPECT_EQ(error_of({}), kHelper);
  EXPECT_EQ(error_of({"--timeout=10", "--target=127.0.0.1"}), kHelper);
  EXPECT_EQ(error_of({"--channel-fd=3", "--timeout=10", "--target=127.0.0.1"}), kHelper);
  EXPECT_EQ(error_of({"--pidfd=4", "--timeout=10", "--target=127.0.0.1"}), kHelper);
}

TEST(WatchdogOptions, TimeoutAndTargetAreRequired) {
  EXPECT_EQ(error_of({"--channel-fd=3", "--pidfd=4", "--target=127.0.0.1"}), "missing --timeout=SECONDS");
  EXPECT_EQ(error_of({"--channel-fd=3", "--pidfd=4", "--timeout=10"}), "missing --target=TEXT");
}

TEST(WatchdogOptions, UnknownOptionsAndArgumentsAreRejected) {
  EXPECT_EQ(error_of(typical_with("--verbose")), "unknown option '--verbose' (try --help)");
  EXPECT_EQ(error_of(typical_with("--time=1")), "unknown option '--time' (try --help)");
  EXPECT_EQ(error_of(typical_with("-t")), "unexpected argument '-t' (try --help)");
  EXPECT_EQ(error_of(typical_with("127.0.0.1")), "unexpected argument '127.0.0.1' (try --help)");
}

TEST(WatchdogOptions, ValuesComeAfterAnEqualsSign) {
  EXPECT_EQ(error_of({"--channel-fd", "3", "--pidfd=4", "--timeout=10", "--target=x"}),
            "option --channel-fd needs a value: --channel-fd=...");
  EXPECT_EQ(error_of(typical_with("--grace")), "option --grace needs a value: --grace=...");
}

TEST(WatchdogOptions, EachOptionAtMostOnce) {
  std::vector<std::string_view> args = kTypical;
  args.push_back("--timeout=5");
  EXPECT_EQ(error_of(args), "option --timeout given twice");
  EXPECT_EQ(error_of({"--grace=1", "--grace=1", "--channel-fd=3", "--pidfd=4", "--timeout=10", "--target=x"}),
            "option --grace given twice");
}

TEST(WatchdogOptions, HelpAndVersionWinOverEverythingElse) {
  EXPECT_EQ(parse({"--help"}).value(), WatchdogCommand{ShowWatchdogHelp{}});
  EXPECT_EQ(parse({"--bogus", "--help"}).value(), WatchdogCommand{ShowWatchdogHelp{}});
  EXPECT_EQ(parse({"--version"}).value(), WatchdogCommand{ShowWatchdogVersion{}});
  EXPECT_EQ(parse({"--help", "--version"}).value(), WatchdogCommand{ShowWatchdogHelp{}});
}

TEST(WatchdogOptions, UsageNamesEveryOption) {
  const std::string_view usage = watchdog_usage();
  for (std::string_view option : {"--channel-fd=N", "--pidfd=M", "--timeout=SECONDS", "--target=TEXT",
                                  "--grace=SECONDS", "--help", "--version"}) {
    EXPECT_NE(usage.find(option), std::string_view::npos) << option;
  }
}

}  // namespace
}  // namespace bp
