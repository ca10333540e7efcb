// The command line better_ping builds (shared/watchdog_command.h) against the watchdog's parser.
#include "shared/watchdog_command.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "watchdog/watchdog_options.h"

namespace bp {
namespace {

using namespace std::chrono_literals;

Expected<WatchdogCommand, std::string> parse_built(const WatchdogArguments& arguments) {
  const std::vector<std::string> argv = watchdog_arguments(arguments);
  const std::vector<std::string_view> views(argv.begin(), argv.end());
  return parse_watchdog_options(views);
}

TEST(WatchdogArguments, AreWhatBetterPingPassesForTheDefaults) {
  EXPECT_EQ(watchdog_arguments({3, 4, 10s, "127.0.0.1", std::nullopt}),
            (std::vector<std::string>{"--channel-fd=3", "--pidfd=4", "--timeout=10", "--target=127.0.0.1"}));
}

TEST(WatchdogArguments, ParseBackToTheSameValues) {
  const auto parsed = parse_built({7, 9, 2500ms + 1ns, "2001:db8::7", 750ms});
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  WatchdogOptions expected;
  expected.channel_fd = 7;
  expected.pidfd = 9;
  expected.timeout = 2500ms + 1ns;
  expected.grace = 750ms;
  expected.target = "2001:db8::7";
  EXPECT_EQ(std::get<WatchdogOptions>(*parsed), expected);
}

TEST(WatchdogArguments, TheLongestTimeoutIsAccepted) {
  const auto parsed = parse_built({3, 4, kMaxWatchdogTimeout, "h", std::nullopt});
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(std::get<WatchdogOptions>(*parsed).timeout, kMaxWatchdogTimeout);
  EXPECT_FALSE(parse_built({3, 4, kMaxWatchdogTimeout + 1ns, "h", std::nullopt}).has_value());
}

}  // namespace
}  // namespace bp
