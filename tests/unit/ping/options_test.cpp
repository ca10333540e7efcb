#include "ping/cli/options.h"

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <initializer_list>
#include <string>
#include <vector>

#include "ping/cli/option_values.h"
#include "ping/cli/usage.h"
#include "tests/unit/ping/command_line_helpers.h"

// Error texts: the expected lines were printed by Debian's iputils-ping 20221126 for the same
// arguments (destination 127.0.0.1), or come from iputils HEAD's source where noted. The exit
// code is always 2 here; iputils exits 1 for strtol_or_err() failures such as "-c 0".

namespace bp {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

using test::error_of;
using test::parse;
using test::parsed;

// ---- defaults and shapes of the command line ----

TEST(PingOptions, DefaultsMatchIputils) {
  const Options o = parsed({"127.0.0.1"});
  EXPECT_EQ(o.destination, "127.0.0.1");
  EXPECT_EQ(o.family, std::nullopt);
  EXPECT_FALSE(o.count.has_value());
  EXPECT_EQ(o.interval, seconds{1});
  EXPECT_FALSE(o.interval_given);
  EXPECT_EQ(o.linger, seconds{10});
  EXPECT_FALSE(o.deadline.has_value());
  EXPECT_EQ(o.payload_size, 56u);
  EXPECT_EQ(o.preload, 1);
  EXPECT_FALSE(o.pattern.has_value());
  EXPECT_FALSE(o.quiet || o.numeric || o.print_timestamps || o.report_outstanding || o.flood ||
               o.verbose || o.rtt_three_decimals);
  EXPECT_EQ(o.watchdog_timeout, seconds{10});
}

TEST(PingOptions, CountWithSeparateAttachedAndCombinedForms) {
  EXPECT_EQ(parsed({"-c", "3", "127.0.0.1"}).count, 3);
  EXPECT_EQ(parsed({"-c3", "127.0.0.1"}).count, 3);
  const Options combined = parsed({"-qc3", "127.0.0.1"});
  EXPECT_TRUE(combined.quiet);
  EXPECT_EQ(combined.count, 3);
  EXPECT_EQ(parsed({"-c", std::to_string(LLONG_MAX), "127.0.0.1"}).count, LLONG_MAX);
}

TEST(PingOptions, FlagsCombine) {
  const Options o = parsed({"-nDOv3q", "::1"});
  EXPECT_TRUE(o.numeric && o.print_timestamps && o.report_outstanding && o.verbose &&
              o.rtt_three_decimals && o.quiet);
}

TEST(PingOptions, OptionsMayFollowTheDestination) {
  const Options o = parsed({"127.0.0.1", "-c", "2", "-q"});
  EXPECT_EQ(o.destination, "127.0.0.1");
  EXPECT_EQ(o.count, 2);
  EXPECT_TRUE(o.quiet);
}

TEST(PingOptions, DoubleDashEndsOptions) {
  const Options o = parsed({"-c1", "--", "-q"});
  EXPECT_EQ(o.destination, "-q");
  EXPECT_FALSE(o.quiet);
}

TEST(PingOptions, FamilyFromFlagOrProgramName) {
  EXPECT_EQ(parsed({"-4", "127.0.0.1"}).family, Family::kIpv4);
  EXPECT_EQ(parsed({"-6", "::1"}).family, Family::kIpv6);
  EXPECT_EQ(parse({"::1"}, CommandFlavor::kPing, "ping6")->family, Family::kIpv6);
  EXPECT_EQ(parse({"-4", "-4", "127.0.0.1"})->family, Family::kIpv4);
}

TEST(PingOptions, SecondsAreParsedWithoutLocaleAndExactly) {
  const Options o = parsed({"-i", "0.2", "-W", "0.5", "-w", "2.5", "127.0.0.1"});
  EXPECT_EQ(o.interval, milliseconds{200});
  EXPECT_TRUE(o.interval_given);
  EXPECT_EQ(o.linger, milliseconds{500});
  EXPECT_EQ(o.deadline, milliseconds{2500});
  EXPECT_EQ(parsed({"-i", "1e-3", "127.0.0.1"}).interval, milliseconds{1});
  EXPECT_EQ(error_of({"-i", "0,5", "127.0.0.1"}), "ping: bad timing interval: 0,5\n");
}

TEST(PingOptions, ZeroDeadlineMeansNone) {
  EXPECT_FALSE(parsed({"-w", "0", "127.0.0.1"}).deadline.has_value());
  EXPECT_EQ(parsed({"-W", "0", "127.0.0.1"}).linger, nanoseconds{0});
}

TEST(PingOptions, FloodImpliesNumericAndZeroInterval) {
  const Options flood = parsed({"-f", "127.0.0.1"});
  EXPECT_TRUE(flood.flood && flood.numeric);
  EXPECT_EQ(flood.interval, nanoseconds{0});
  const Options paced = parsed({"-f", "-i", "0.5", "127.0.0.1"});
  EXPECT_EQ(paced.interval, milliseconds{500});
}

TEST(PingOptions, ValuesOfTtlTosPreloadSizePattern) {
  const Options o = parsed({"-t", "255", "-Q", "0x10", "-l", "3", "-s", "1000", "-p", "ab12",
                            "127.0.0.1"});
  EXPECT_EQ(o.ttl, 255);
  EXPECT_EQ(o.tos, 0x10);
  EXPECT_EQ(o.preload, 3);
  EXPECT_EQ(o.payload_size, 1000u);
  ASSERT_TRUE(o.pattern.has_value());
  EXPECT_EQ(o.pattern->size, 2u);
  EXPECT_EQ(o.pattern->bytes[0], 0xab);
  EXPECT_EQ(o.pattern->bytes[1], 0x12);
  EXPECT_EQ(parsed({"-Q", "184", "127.0.0.1"}).tos, 184);
}

TEST(PingOptions, InterfaceOrSourceIsClassifiedLikeIputils) {
  const InterfaceOrSource device = *parsed({"-I", "lo", "127.0.0.1"}).interface_or_source;
  EXPECT_EQ(device.device, "lo");
  EXPECT_EQ(device.address, "");
  const InterfaceOrSource v4 = *parsed({"-I", "127.0.0.1", "127.0.0.1"}).interface_or_source;
  EXPECT_EQ(v4.address, "127.0.0.1");
  EXPECT_EQ(v4.address_family, Family::kIpv4);
  EXPECT_EQ(v4.device, "");
  const InterfaceOrSource v6 = *parsed({"-I", "fe80::1%veth0", "::1"}).interface_or_source;
  EXPECT_EQ(v6.address, "fe80::1");
  EXPECT_EQ(v6.address_family, Family::kIpv6);
  EXPECT_EQ(v6.device, "veth0");
  EXPECT_EQ(error_of({"-I", "fe80::zz", "::1"}), "ping: invalid source address: fe80::zz\n");
}

// ---- iputils' error lines ----

TEST(PingOptionErrors, CountOutOfRangeOrMalformed) {
  EXPECT_EQ(error_of({"-c", "0", "127.0.0.1"}),
            "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n");
  EXPECT_EQ(error_of({"-c", "-1", "127.0.0.1"}),
            "ping: invalid argument: '-1': out of range: 1 <= value <= 9223372036854775807\n");
  EXPECT_EQ(error_of({"-c", "abc", "127.0.0.1"}), "ping: invalid argument: 'abc'\n");
  EXPECT_EQ(error_of({"-c", "3x", "127.0.0.1"}), "ping: invalid argument: '3x'\n");
  EXPECT_EQ(error_of({"-c", "99999999999999999999", "127.0.0.1"}),
            "ping: invalid argument: '99999999999999999999': Numerical result out of range\n");
}

TEST(PingOptionErrors, IntegerRangesOfTtlPreloadAndSize) {
  EXPECT_EQ(error_of({"-t", "256", "127.0.0.1"}),
            "ping: invalid argument: '256': out of range: 0 <= value <= 255\n");
  EXPECT_EQ(error_of({"-l", "0", "127.0.0.1"}),
            "ping: invalid argument: '0': out of range: 1 <= value <= 65536\n");
  EXPECT_EQ(error_of({"-l", "70000", "127.0.0.1"}),
            "ping: invalid argument: '70000': out of range: 1 <= value <= 65536\n");
  EXPECT_EQ(error_of({"-s", "-1", "127.0.0.1"}),
            "ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647\n");
}

TEST(PingOptionErrors, PayloadSizeLimitDependsOnFamily) {
  // iputils HEAD main(): "invalid -s value: '%d': out of range: 0 <= value <= %d".
  EXPECT_EQ(error_of({"-s", "65508", "127.0.0.1"}),
            "ping: invalid -s value: '65508': out of range: 0 <= value <= 65507\n");
  EXPECT_EQ(error_of({"-4", "-s", "65508", "localhost"}),
            "ping: invalid -s value: '65508': out of range: 0 <= value <= 65507\n");
  EXPECT_EQ(parsed({"-s", "65527", "::1"}).payload_size, 65527u);
  EXPECT_EQ(error_of({"-s", "70000", "localhost"}),
            "ping: invalid -s value: '70000': out of range: 0 <= value <= 65527\n");
  // A name that resolved to IPv4 is checked again by the caller.
  const Options name = parsed({"-s", "65520", "localhost"});
  const std::optional<EarlyExit> after = check_payload_size(name, Family::kIpv4, "ping");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->stderr_text, "ping: invalid -s value: '65520': out of range: 0 <= value <= 65507\n");
  EXPECT_FALSE(check_payload_size(name, Family::kIpv6, "ping").has_value());
}

TEST(PingOptionErrors, TimesOutOfRangeOrMalformed) {
  EXPECT_EQ(error_of({"-W", "-1", "127.0.0.1"}), "ping: bad linger time: -1\n");
  EXPECT_EQ(error_of({"-i", "-1", "127.0.0.1"}), "ping: bad timing interval: -1\n");
  EXPECT_EQ(error_of({"-i", "abc", "127.0.0.1"}), "ping: bad timing interval: abc\n");
  EXPECT_EQ(error_of({"-i", "inf", "127.0.0.1"}), "ping: bad timing interval: inf\n");
  EXPECT_EQ(error_of({"-i", "2147484", "127.0.0.1"}), "ping: bad timing interval: 2147484\n");
  EXPECT_EQ(error_of({"-w", "-1", "127.0.0.1"}),
            "ping: invalid argument: '-1': out of range: 0 <= value <= 2147483647\n");
  EXPECT_EQ(error_of({"-w", "soon", "127.0.0.1"}), "ping: invalid argument: 'soon'\n");
}

TEST(PingOptionErrors, TosAndPattern) {
  EXPECT_EQ(error_of({"-Q", "256", "127.0.0.1"}),
            "ping: the decimal value of TOS bits must be in range 0-255: 256\n");
  EXPECT_EQ(error_of({"-Q", "0x1g", "127.0.0.1"}), "ping: bad TOS value: 0x1g\n");
  EXPECT_EQ(error_of({"-Q", "abc", "127.0.0.1"}), "ping: bad TOS value: abc\n");
  EXPECT_EQ(error_of({"-p", "zz", "127.0.0.1"}),
            "ping: patterns must be specified as hex digits: zz\n");
  // fill(): the message shows the text from the first bad character on (source).
  EXPECT_EQ(error_of({"-p", "abzz", "127.0.0.1"}),
            "ping: patterns must be specified as hex digits: zz\n");
}

TEST(PingOptionErrors, BothFamilies) {
  EXPECT_EQ(error_of({"-4", "-6", "127.0.0.1"}), "ping: only one -4 or -6 option may be specified\n");
  EXPECT_EQ(parse({"-6", "127.0.0.1"}, CommandFlavor::kPing, "ping4").error().stderr_text,
            "ping4: only one -4 or -6 option may be specified\n");
}

TEST(PingOptionErrors, UnknownOptionPrintsUsage) {
  EXPECT_EQ(error_of({"-Z", "127.0.0.1"}),
            "ping: invalid option -- 'Z'\n" + usage_text(CommandFlavor::kPing, "ping"));
  EXPECT_EQ(error_of({"-j", "127.0.0.1"}),  // iputils HEAD's JSON; 20221126 has no -j
            "ping: invalid option -- 'j'\n" + usage_text(CommandFlavor::kPing, "ping"));
}

TEST(PingOptionErrors, MissingValuePrintsUsage) {
  EXPECT_EQ(error_of({"127.0.0.1", "-c"}),
            "ping: option requires an argument -- 'c'\n" + usage_text(CommandFlavor::kPing, "ping"));
}

TEST(PingOptionErrors, DestinationRequired) {
  // Several destinations: targets_options_test.cpp.
  EXPECT_EQ(error_of({}), "ping: usage error: Destination address required\n");
  EXPECT_EQ(error_of({"-c1", "--"}), "ping: usage error: Destination address required\n");
}

TEST(PingOptionErrors, FirstErrorWins) {
  EXPECT_EQ(error_of({"-c", "0", "-t", "300", "127.0.0.1"}),
            "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n");
}

TEST(PingOptionErrors, ProgramNameIsThePrefix) {
  EXPECT_EQ(parse({"-c", "abc", "127.0.0.1"}, CommandFlavor::kBetterPing, "better_ping")
                .error()
                .stderr_text,
            "better_ping: invalid argument: 'abc'\n");
}

TEST(PingOptionErrors, IllegalPreloadAndInterval) {
  // setup(): interval (ms) * preload must stay below INT_MAX.
  EXPECT_EQ(error_of({"-l", "2", "-i", "2000000", "127.0.0.1"}),
            "ping: illegal preload and/or interval: 2000000000\n");
}

// ---- help and version ----

TEST(PingHelp, DashHPrintsUsageOnStderrAndExitsTwo) {
  const ParseResult result = parse({"-h"});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().exit_code, 2);
  EXPECT_EQ(result.error().stdout_text, "");
  EXPECT_EQ(result.error().stderr_text, usage_text(CommandFlavor::kPing, "ping"));
}

TEST(PingHelp, LongHelpPrintsUsageOnStdoutAndExitsZero) {
  for (std::string_view spelling : {"--help", "--he"}) {
    const ParseResult result = parse({"-c", "3", spelling});
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().exit_code, 0);
    EXPECT_EQ(result.error().stdout_text, usage_text(CommandFlavor::kPing, "ping"));
    EXPECT_EQ(result.error().stderr_text, "");
  }
}

TEST(PingHelp, VersionNeedsNoDestination) {
  for (std::string_view spelling : {"-V", "--version", "--vers"}) {
    const ParseResult result = parse({spelling});
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().exit_code, 0);
    EXPECT_EQ(result.error().stdout_text, std::string("ping (better_ping) ") + BP_VERSION + "\n");
  }
}

TEST(PingHelp, BadValueBeforeVersionStillFails) {
  EXPECT_EQ(error_of({"-V", "-c", "0"}),
            "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n");
}

TEST(PingHelp, UnknownOrMisusedLongOptions) {
  const std::string usage = usage_text(CommandFlavor::kPing, "ping");
  EXPECT_EQ(error_of({"--frobnicate", "127.0.0.1"}), "ping: unrecognized option '--frobnicate'\n" + usage);
  EXPECT_EQ(error_of({"--help=yes"}), "ping: option '--help' doesn't allow an argument\n" + usage);
}

TEST(PingHelp, UsageListsEveryOptionAndExitCode) {
  const std::string usage = usage_text(CommandFlavor::kPing, "ping");
  EXPECT_EQ(usage.rfind("\nUsage\n  ping [options] <destination>\n", 0), 0u);  // iputils' line
  for (std::string_view option : {"-3 ", "-4 ", "-6 ", "-c <count>", "-D ", "-f ", "-h, --help",
                                  "-I <interface>", "-i <interval>", "-l <preload>", "-n ", "-O ",
                                  "-p <pattern>", "-q ", "-Q <tos>", "-s <size>", "-t <ttl>", "-v ",
                                  "-V, --version", "-w <deadline>", "-W <timeout>"}) {
    EXPECT_NE(usage.find("  " + std::string(option)), std::string::npos) << option;
  }
  EXPECT_NE(usage.find("\n  0 "), std::string::npos);
  EXPECT_NE(usage.find("\n  1 "), std::string::npos);
  EXPECT_NE(usage.find("\n  2 "), std::string::npos);
  EXPECT_EQ(usage.find("watchdog"), std::string::npos);
  EXPECT_EQ(usage.find("124"), std::string::npos);
}

TEST(PingHelp, BetterPingUsageAddsWatchdogOptionAndExitCodes) {
  const std::string usage = usage_text(CommandFlavor::kBetterPing, "better_ping");
  EXPECT_EQ(usage.rfind("\nUsage\n  better_ping [options] <destination>\n", 0), 0u);
  EXPECT_NE(usage.find("  --watchdog-timeout <seconds>"), std::string::npos);
  EXPECT_NE(usage.find("\n  124  stopped by the watchdog after the silence timeout\n"), std::string::npos);
  EXPECT_NE(usage.find("\n  125  the watchdog failed or vanished\n"), std::string::npos);
}

// ---- better_ping's --watchdog-timeout ----

TEST(WatchdogTimeoutOption, BetterPingAcceptsFractionsInBothSpellings) {
  EXPECT_EQ(parsed({"--watchdog-timeout", "0.5", "-i", "0.2", "127.0.0.1"}, CommandFlavor::kBetterPing)
                .watchdog_timeout,
            milliseconds{500});
  EXPECT_EQ(parsed({"--watchdog-timeout=3600", "127.0.0.1"}, CommandFlavor::kBetterPing)
                .watchdog_timeout,
            seconds{3600});
  EXPECT_EQ(parsed({"127.0.0.1", "--watchdog=2"}, CommandFlavor::kBetterPing).watchdog_timeout,
            seconds{2});
}

TEST(WatchdogTimeoutOption, MustBeLongerThanTheInterval) {
  // One reply per interval at best: a timeout that is not longer would stop every healthy run.
  const auto error = [](std::initializer_list<std::string_view> args) {
    const ParseResult result = parse(args, CommandFlavor::kBetterPing, "better_ping");
    if (result) return std::string("parse succeeded");
    EXPECT_EQ(result.error().exit_code, 2);
    return result.error().stderr_text;
  };
  EXPECT_EQ(error({"-i", "10", "198.18.0.2"}),
            "better_ping: --watchdog-timeout 10 s is not longer than the interval of 10 s between "
            "requests (-i): the watchdog would stop it before the next reply\n");
  EXPECT_EQ(error({"--watchdog-timeout", "0.5", "198.18.0.2"}),
            "better_ping: --watchdog-timeout 0.5 s is not longer than the interval of 1 s between "
            "requests (-i): the watchdog would stop it before the next reply\n");
  EXPECT_EQ(error({"-i", "2.5", "--watchdog-timeout", "2", "198.18.0.2"}),
            "better_ping: --watchdog-timeout 2 s is not longer than the interval of 2.5 s between "
            "requests (-i): the watchdog would stop it before the next reply\n");
  EXPECT_EQ(parsed({"-i", "9.99", "198.18.0.2"}, CommandFlavor::kBetterPing).interval, milliseconds{9990});
  EXPECT_EQ(parsed({"-i", "0.2", "--watchdog-timeout", "0.201", "198.18.0.2"}, CommandFlavor::kBetterPing)
                .watchdog_timeout,
            milliseconds{201});
  EXPECT_EQ(parsed({"-f", "--watchdog-timeout", "0.001", "198.18.0.2"}, CommandFlavor::kBetterPing)
                .watchdog_timeout,
            milliseconds{1});
  // Plain ping has no watchdog: any interval.
  EXPECT_EQ(parsed({"-i", "30", "198.18.0.2"}).interval, seconds{30});
}

TEST(WatchdogTimeoutOption, PingRejectsIt) {
  EXPECT_EQ(error_of({"--watchdog-timeout", "0.5", "127.0.0.1"}),
            "ping: unrecognized option '--watchdog-timeout'\n" +
                usage_text(CommandFlavor::kPing, "ping"));
}

TEST(WatchdogTimeoutOption, OutOfRangeOrMalformedIsOneLine) {
  const auto bad = [](std::string_view value) {
    return parse({"--watchdog-timeout", value, "127.0.0.1"}, CommandFlavor::kBetterPing,
                 "better_ping")
        .error()
        .stderr_text;
  };
  EXPECT_EQ(bad("0"), "better_ping: bad watchdog timeout: 0: out of range: 0 < value <= 3600\n");
  EXPECT_EQ(bad("-1"), "better_ping: bad watchdog timeout: -1: out of range: 0 < value <= 3600\n");
  EXPECT_EQ(bad("3600.5"),
            "better_ping: bad watchdog timeout: 3600.5: out of range: 0 < value <= 3600\n");
  EXPECT_EQ(bad("1e-12"),
            "better_ping: bad watchdog timeout: 1e-12: out of range: 0 < value <= 3600\n");
  EXPECT_EQ(bad("ten"), "better_ping: bad watchdog timeout: ten\n");
  EXPECT_EQ(bad("0,5"), "better_ping: bad watchdog timeout: 0,5\n");
}

TEST(WatchdogTimeoutOption, MissingValuePrintsUsage) {
  const ParseResult result = parse({"127.0.0.1", "--watchdog-timeout"}, CommandFlavor::kBetterPing,
                                   "better_ping");
  EXPECT_EQ(result.error().stderr_text,
            "better_ping: option '--watchdog-timeout' requires an argument\n" +
                usage_text(CommandFlavor::kBetterPing, "better_ping"));
}

// ---- limits for unprivileged users ----

TEST(UnprivilegedLimits, IntervalBelowTwoMillisecondsIsRefused) {
  // Debian's iputils 20221126 wording (iputils' own error tests check it byte for byte).
  const std::string refused = "ping: cannot flood; minimal interval allowed for user is 2ms\n";
  EXPECT_EQ(check_unprivileged_interval(parsed({"-i", "0.0019", "127.0.0.1"}), "ping")->stderr_text,
            refused);
  EXPECT_EQ(check_unprivileged_interval(parsed({"-f", "127.0.0.1"}), "ping")->stderr_text, refused);
  EXPECT_FALSE(check_unprivileged_interval(parsed({"-i", "0.002", "127.0.0.1"}), "ping").has_value());
  EXPECT_FALSE(check_unprivileged_interval(parsed({"-f", "-i", "0.01", "127.0.0.1"}), "ping"));
  EXPECT_FALSE(check_unprivileged_limits(parsed({"-f", "127.0.0.1"}), "ping"));
}

TEST(UnprivilegedLimits, PreloadAboveThreeIsRefused) {
  const std::optional<EarlyExit> refused =
      check_unprivileged_limits(parsed({"-l", "5", "127.0.0.1"}), "ping");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->exit_code, 2);
  EXPECT_EQ(refused->stderr_text, "ping: cannot set preload to value greater than 3: 5\n");
  EXPECT_FALSE(check_unprivileged_limits(parsed({"-l", "3", "127.0.0.1"}), "ping").has_value());
}

// ---- value parsers and helpers ----

TEST(OptionValues, PatternBytesAreReadInPairs) {
  ASSERT_EQ(parse_pattern_option("abc")->size, 2u);
  EXPECT_EQ(parse_pattern_option("abc")->bytes[1], 0x0c);
  const std::string long_pattern(40, 'f');  // 20 bytes asked, 16 kept
  EXPECT_EQ(parse_pattern_option(long_pattern)->size, 16u);
  EXPECT_EQ(parse_pattern_option("").error(), "patterns must be specified as hex digits: ");
}

TEST(OptionValues, IntegersAcceptLeadingBlanksAndPlusLikeStrtol) {
  EXPECT_EQ(*parse_integer_option(" +7", 0, 10), 7);
  EXPECT_EQ(parse_integer_option("+-7", -10, 10).error(), "invalid argument: '+-7'");
  EXPECT_EQ(parse_integer_option("", 0, 10).error(), "invalid argument: ''");
}

TEST(OptionValues, LiteralAddressFamily) {
  EXPECT_EQ(literal_address_family("198.18.0.1"), Family::kIpv4);
  EXPECT_EQ(literal_address_family("2001:db8::1"), Family::kIpv6);
  EXPECT_EQ(literal_address_family("localhost"), std::nullopt);
}

TEST(ProgramName, BasenameOfArgvZero) {
  EXPECT_EQ(program_name_from_argv0("/usr/local/bin/better_ping"), "better_ping");
  EXPECT_EQ(program_name_from_argv0("ping"), "ping");
  EXPECT_EQ(program_name_from_argv0(""), "ping");
}

TEST(ProgramName, MessagesUseArgv0AsInvokedLikeIputils) {
  EXPECT_EQ(message_prefix_from_argv0("/usr/bin/ping", "ping"), "/usr/bin/ping");
  EXPECT_EQ(message_prefix_from_argv0("./ping", "ping"), "./ping");
  EXPECT_EQ(message_prefix_from_argv0("", "ping"), "ping");
  EXPECT_EQ(message_prefix_from_argv0(nullptr, "better_ping"), "better_ping");
}

TEST(ProgramName, UsageAndVersionNameTheCommandNotItsPath) {
  const std::vector<std::string_view> args{"-h"};
  auto r = parse_ping_command_line("/usr/bin/ping", args);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().stderr_text.find("\nUsage\n  ping [options]"), std::string::npos);
  const std::vector<std::string_view> bad{"-c", "x", "h"};
  auto e = parse_ping_command_line("/usr/bin/ping", bad);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().stderr_text, "/usr/bin/ping: invalid argument: 'x'\n");
  const char* argv[] = {"ping", "-c", "1", "127.0.0.1"};
  EXPECT_EQ(arguments_from_argv(4, argv), (std::vector<std::string_view>{"-c", "1", "127.0.0.1"}));
}

}  // namespace
}  // namespace bp

// --- the iputils options added for full compatibility (issue: real clients) -----------------

namespace bp {
namespace {

Options parsed_ok(std::vector<std::string_view> args) {
  auto r = parse_ping_command_line("ping", args);
  EXPECT_TRUE(r) << (r ? std::string() : r.error().stderr_text);
  return r ? *r : Options{};
}

EarlyExit parsed_error(std::vector<std::string_view> args) {
  auto r = parse_ping_command_line("ping", args);
  EXPECT_FALSE(r);
  return r ? EarlyExit{} : r.error();
}

TEST(IputilsFlags, EachLetterSetsItsOption) {
  const Options o = parsed_ok({"-aAbBCdHLrU", "127.0.0.1"});
  EXPECT_TRUE(o.audible);
  EXPECT_TRUE(o.adaptive);
  EXPECT_TRUE(o.allow_broadcast);
  EXPECT_TRUE(o.sticky_source);
  EXPECT_TRUE(o.connect_socket);
  EXPECT_TRUE(o.socket_debug);
  EXPECT_TRUE(o.force_reverse_lookup);
  EXPECT_TRUE(o.no_multicast_loop);
  EXPECT_TRUE(o.dont_route);
  EXPECT_TRUE(o.user_latency);
  const Options none = parsed_ok({"127.0.0.1"});
  EXPECT_FALSE(none.audible || none.adaptive || none.allow_broadcast || none.sticky_source ||
               none.connect_socket || none.socket_debug || none.force_reverse_lookup ||
               none.no_multicast_loop || none.dont_route || none.user_latency || none.record_route);
}

TEST(IputilsFlags, CheckPingsCommandLineParses) {
  // Nagios' check_ping always runs this (monitoring-plugins 2.3.3, PING_COMMAND).
  const Options o = parsed_ok({"-4", "-n", "-U", "-w", "10", "-c", "5", "198.18.0.2"});
  EXPECT_TRUE(o.user_latency);
  EXPECT_TRUE(o.numeric);
  EXPECT_EQ(o.family, Family::kIpv4);
  EXPECT_EQ(o.count, 5);
  EXPECT_EQ(o.destination, "198.18.0.2");
}

TEST(IputilsValues, IdentifierIsAWhole16BitNumber) {
  EXPECT_EQ(parsed_ok({"-e", "0", "h"}).identifier, 0);
  EXPECT_EQ(parsed_ok({"-e65535", "h"}).identifier, 65535);
  EXPECT_EQ(parsed_error({"-e", "65536", "h"}).stderr_text,
            "ping: invalid argument: '65536': out of range: 0 <= value <= 65535\n");
  EXPECT_EQ(parsed_error({"-e", "x", "h"}).stderr_text, "ping: invalid argument: 'x'\n");
}

TEST(IputilsValues, MarkIsAnUnsigned32BitNumber) {
  EXPECT_EQ(parsed_ok({"-m", "4294967295", "h"}).mark, 4294967295u);
  EXPECT_EQ(parsed_error({"-m", "-1", "h"}).stderr_text,
            "ping: invalid argument: '-1': out of range: 0 <= value <= 4294967295\n");
  EXPECT_EQ(parsed_error({"-m", "4294967296", "h"}).exit_code, 2);  // iputils: 1 (README)
}

TEST(IputilsValues, PmtuDiscoveryKeywords) {
  EXPECT_EQ(parsed_ok({"-M", "do", "h"}).pmtu, PmtuDiscovery::kDo);
  EXPECT_EQ(parsed_ok({"-M", "dont", "h"}).pmtu, PmtuDiscovery::kDont);
  EXPECT_EQ(parsed_ok({"-M", "want", "h"}).pmtu, PmtuDiscovery::kWant);
  EXPECT_EQ(parsed_ok({"-Mprobe", "h"}).pmtu, PmtuDiscovery::kProbe);
  const EarlyExit e = parsed_error({"-M", "foo", "h"});
  EXPECT_EQ(e.stderr_text, "ping: invalid -M argument: foo\n");
  EXPECT_EQ(e.exit_code, 2);
}

TEST(IputilsValues, SendBufferIsPositive) {
  EXPECT_EQ(parsed_ok({"-S", "4096", "h"}).send_buffer, 4096);
  EXPECT_EQ(parsed_error({"-S", "0", "h"}).stderr_text,
            "ping: invalid argument: '0': out of range: 1 <= value <= 2147483647\n");
}

TEST(IputilsValues, FlowLabelIsDecimalOrHexAfter0x) {
  EXPECT_EQ(parsed_ok({"-F", "12", "h"}).flow_label, 12u);  // iputils prints "flow 0x0000c"
  EXPECT_EQ(parsed_ok({"-F", "010", "h"}).flow_label, 10u);
  EXPECT_EQ(parsed_ok({"-F", "0x12", "h"}).flow_label, 0x12u);
  EXPECT_EQ(parsed_ok({"-F", "1048575", "h"}).flow_label, 0xFFFFFu);
  EXPECT_EQ(parsed_ok({"-F", "", "h"}).flow_label, 0u);
  EXPECT_EQ(parsed_error({"-F", "zz", "h"}).stderr_text, "ping: bad value for flowinfo: zz\n");
  EXPECT_EQ(parsed_error({"-F", "1fffff", "h"}).stderr_text, "ping: bad value for flowinfo: 1fffff\n");
  EXPECT_EQ(parsed_error({"-F", "1048576", "h"}).stderr_text,
            "ping: flow value is greater than 20 bits: 1048576\n");
  EXPECT_EQ(parsed_error({"-F", "0x100000", "h"}).stderr_text,
            "ping: flow value is greater than 20 bits: 0x100000\n");
  EXPECT_EQ(parsed_error({"-F", "99999999999999999999999", "h"}).exit_code, 2);
}

TEST(IputilsValues, TimestampKindsAndRecordRouteExcludeEachOther) {
  EXPECT_EQ(parsed_ok({"-T", "tsonly", "h"}).timestamp_option, TimestampKind::kTsOnly);
  EXPECT_EQ(parsed_ok({"-T", "tsandaddr", "h"}).timestamp_option, TimestampKind::kTsAndAddr);
  EXPECT_TRUE(parsed_ok({"-R", "h"}).record_route);
  EXPECT_EQ(parsed_error({"-T", "foo", "h"}).stderr_text, "ping: invalid timestamp type: foo\n");
  EXPECT_EQ(parsed_error({"-R", "-T", "tsonly", "h"}).stderr_text,
            "ping: only one of -T or -R may be used\n");
  EXPECT_EQ(parsed_error({"-T", "tsonly", "-R", "h"}).stderr_text,
            "ping: only one of -T or -R may be used\n");
}

TEST(IputilsValues, TsprespecTakesUpToFourHopsBeforeTheDestination) {
  const Options o = parsed_ok({"-T", "tsprespec", "198.18.0.1", "198.18.0.2", "198.18.0.3"});
  EXPECT_EQ(o.prespecified, (std::vector<std::string>{"198.18.0.1", "198.18.0.2"}));
  EXPECT_EQ(o.destination, "198.18.0.3");
  const EarlyExit five = parsed_error({"-T", "tsprespec", "a", "b", "c", "d", "e", "dest"});
  EXPECT_EQ(five.stderr_text, usage_text(CommandFlavor::kPing, "ping"));  // iputils: usage only
  EXPECT_EQ(five.exit_code, 2);
  // Other -T kinds take no hops: the operands are targets (and -T is refused with several).
  EXPECT_EQ(parsed_ok({"-T", "tsonly", "a", "dest"}).destinations,
            (std::vector<std::string>{"a", "dest"}));
}

TEST(IputilsValues, NodeInfoKeywordsHelpAndErrors) {
  EXPECT_EQ(parsed_ok({"-N", "name", "h"}).node_info, "name");
  EXPECT_EQ(parsed_ok({"-N", "subject-ipv6=2001:db8::1", "h"}).node_info, "subject-ipv6=2001:db8::1");
  const EarlyExit help = parsed_error({"-N", "help", "h"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(help.stdout_text.starts_with("ping -6 -N <nodeinfo opt>\nHelp:\n  help\n"));
  EXPECT_EQ(help.stdout_text.size(), 244u);  // iputils 20221126's text, byte for byte
  const EarlyExit bad = parsed_error({"-N", "foo", "h"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.stderr_text, help.stdout_text);
}

TEST(IputilsValues, NoOwnWordingSaysUnknownHost) {
  for (CommandFlavor flavor : {CommandFlavor::kPing, CommandFlavor::kBetterPing}) {
    EXPECT_EQ(usage_text(flavor, "ping").find("unknown host"), std::string::npos);
  }
  // check_ping reads "unknown host" in ping's output as "CRITICAL - Host not found".
  for (std::string_view letter : {"-Z", "-j", "-M", "-T", "-F", "-e"}) {
    auto r = parse_ping_command_line("ping", std::vector<std::string_view>{letter, "bad", "h"});
    ASSERT_FALSE(r) << letter;
    EXPECT_EQ(r.error().stderr_text.find("unknown host"), std::string::npos) << letter;
    EXPECT_EQ(r.error().stdout_text.find("unknown host"), std::string::npos) << letter;
  }
}

// ---- issue 13: --json, --stats, --summary-every ----

constexpr CommandFlavor kBothFlavors[] = {CommandFlavor::kPing, CommandFlavor::kBetterPing};

TEST(OutputOptions, OffByDefault) {
  for (CommandFlavor flavor : kBothFlavors) {
    const Options o = parsed({"198.18.0.2"}, flavor);
    EXPECT_FALSE(o.json);
    EXPECT_FALSE(o.stats);
    EXPECT_FALSE(o.summary_every.has_value());
  }
}

TEST(OutputOptions, JsonAndStatsInFullAndAbbreviated) {
  for (CommandFlavor flavor : kBothFlavors) {
    for (std::string_view spelling : {"--json", "--jso", "--j"}) {
      const Options o = parsed({spelling, "198.18.0.2"}, flavor);
      EXPECT_TRUE(o.json) << spelling;
      EXPECT_FALSE(o.stats);
    }
    for (std::string_view spelling : {"--stats", "--stat", "--st"}) {
      const Options o = parsed({"198.18.0.2", spelling}, flavor);
      EXPECT_TRUE(o.stats) << spelling;
      EXPECT_FALSE(o.json);
    }
  }
}

TEST(OutputOptions, GivenTwiceIsTheSameAsOnce) {
  const Options o = parsed({"--json", "--stats", "198.18.0.2", "--json", "--stats"});
  EXPECT_TRUE(o.json && o.stats);
}

TEST(OutputOptions, FlagsTakeNoValue) {
  const std::string usage = usage_text(CommandFlavor::kPing, "ping");
  EXPECT_EQ(error_of({"--json=yes", "198.18.0.2"}),
            "ping: option '--json' doesn't allow an argument\n" + usage);
  EXPECT_EQ(error_of({"--st=1", "198.18.0.2"}),
            "ping: option '--stats' doesn't allow an argument\n" + usage);
  // The word after a flag is an operand, not its value.
  EXPECT_EQ(parsed({"--json", "198.18.0.2"}).destinations, std::vector<std::string>{"198.18.0.2"});
}

TEST(OutputOptions, AllowedWithFloodQuietAndEveryOtherOption) {
  const Options o = parsed({"-f", "-q", "-D", "-a", "-3", "-v", "-n", "--json", "--stats",
                            "--summary-every", "1", "198.18.0.2"});
  EXPECT_TRUE(o.json && o.stats && o.flood && o.quiet && o.print_timestamps && o.audible &&
              o.rtt_three_decimals && o.verbose && o.numeric);
  EXPECT_EQ(o.summary_every, seconds{1});
  EXPECT_EQ(o.interval, nanoseconds{0});  // -f's default interval is untouched
}

TEST(OutputOptions, AllowedWithSeveralTargets) {
  for (CommandFlavor flavor : kBothFlavors) {
    const Options o = parsed({"--json", "198.18.0.1", "--stats", "2001:db8::1", "--summary-every=2",
                              "--targets", "hosts.txt"},
                             flavor);
    EXPECT_TRUE(o.json && o.stats);
    EXPECT_EQ(o.summary_every, seconds{2});
    EXPECT_EQ(o.destinations, (std::vector<std::string>{"198.18.0.1", "2001:db8::1"}));
    EXPECT_FALSE(several_targets_conflict(o, "ping").has_value());
  }
}

TEST(OutputOptions, AmbiguousAbbreviationListsThePossibilities) {
  const std::string usage = usage_text(CommandFlavor::kPing, "ping");
  EXPECT_EQ(error_of({"--s", "198.18.0.2"}),
            "ping: option '--s' is ambiguous; possibilities: '--stats' '--summary-every'\n" + usage);
  EXPECT_EQ(error_of({"--s=1", "198.18.0.2"}),
            "ping: option '--s=1' is ambiguous; possibilities: '--stats' '--summary-every'\n" +
                usage);
}

TEST(SummaryEveryOption, BothSpellingsAndAbbreviations) {
  for (CommandFlavor flavor : kBothFlavors) {
    EXPECT_EQ(parsed({"--summary-every", "10", "198.18.0.2"}, flavor).summary_every, seconds{10});
    EXPECT_EQ(parsed({"--summary-every=0.5", "198.18.0.2"}, flavor).summary_every,
              milliseconds{500});
    EXPECT_EQ(parsed({"198.18.0.2", "--summ", "2.25"}, flavor).summary_every, milliseconds{2250});
    EXPECT_EQ(parsed({"--su=1e1", "198.18.0.2"}, flavor).summary_every, seconds{10});
  }
}

TEST(SummaryEveryOption, BoundsAreIncluded) {
  EXPECT_EQ(parsed({"--summary-every", "0.1", "198.18.0.2"}).summary_every, milliseconds{100});
  EXPECT_EQ(parsed({"--summary-every", "3600", "198.18.0.2"}).summary_every, seconds{3600});
  EXPECT_EQ(parsed({"--summary-every", "+60", "198.18.0.2"}).summary_every, seconds{60});
}

TEST(SummaryEveryOption, TheLastOneWins) {
  EXPECT_EQ(parsed({"--summary-every", "5", "--summary-every=7", "198.18.0.2"}).summary_every,
            seconds{7});
}

TEST(SummaryEveryOption, WithQuietAndFlood) {
  const Options quiet = parsed({"-q", "--summary-every", "1", "198.18.0.2"});
  EXPECT_TRUE(quiet.quiet);
  EXPECT_EQ(quiet.summary_every, seconds{1});
  const Options flood = parsed({"-fq", "--summary-every", "0.1", "198.18.0.2"});
  EXPECT_TRUE(flood.flood && flood.quiet);
  EXPECT_EQ(flood.summary_every, milliseconds{100});
}

TEST(SummaryEveryOption, MissingValuePrintsUsage) {
  EXPECT_EQ(error_of({"198.18.0.2", "--summary-every"}),
            "ping: option '--summary-every' requires an argument\n" +
                usage_text(CommandFlavor::kPing, "ping"));
  EXPECT_EQ(error_of({"198.18.0.2", "--summ"}, CommandFlavor::kBetterPing),
            "better_ping: option '--summary-every' requires an argument\n" +
                usage_text(CommandFlavor::kBetterPing, "better_ping"));
}

TEST(SummaryEveryOption, BadValuesAreOneLineNamingTheOption) {
  const auto bad = [](std::string_view value) { return error_of({"--summary-every", value, "h"}); };
  EXPECT_EQ(bad("ten"), "ping: --summary-every: 'ten' is not a number of seconds\n");
  EXPECT_EQ(bad("0,5"), "ping: --summary-every: '0,5' is not a number of seconds\n");
  EXPECT_EQ(bad(""), "ping: --summary-every: '' is not a number of seconds\n");
  EXPECT_EQ(bad("inf"), "ping: --summary-every: 'inf' is not a number of seconds\n");
  EXPECT_EQ(bad("0.01"), "ping: --summary-every: 0.01 is less than 0.1 seconds\n");
  EXPECT_EQ(bad("0.099999999"), "ping: --summary-every: 0.099999999 is less than 0.1 seconds\n");
  EXPECT_EQ(bad("0"), "ping: --summary-every: 0 is less than 0.1 seconds\n");
  EXPECT_EQ(bad("-1"), "ping: --summary-every: -1 is less than 0.1 seconds\n");
  EXPECT_EQ(bad("3600.001"), "ping: --summary-every: 3600.001 is more than 3600 seconds\n");
  EXPECT_EQ(bad("1e300"), "ping: --summary-every: 1e300 is more than 3600 seconds\n");
  EXPECT_EQ(error_of({"--summary-every=", "h"}),
            "ping: --summary-every: '' is not a number of seconds\n");
}

TEST(SummaryEveryOption, ErrorsUseTheGivenPrefix) {
  const ParseResult result =
      parse({"--summary-every=0.05", "h"}, CommandFlavor::kPing, "/usr/bin/bping");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().exit_code, 2);
  EXPECT_EQ(result.error().stderr_text,
            "/usr/bin/bping: --summary-every: 0.05 is less than 0.1 seconds\n");
}

TEST(OutputOptionsUsage, BothProgramsListTheThreeOptions) {
  for (CommandFlavor flavor : kBothFlavors) {
    const std::string usage = usage_text(flavor, "ping");
    EXPECT_NE(usage.find("\n  --json             JSON Lines on standard output"), std::string::npos);
    EXPECT_NE(usage.find("\n  --stats            add percentiles, jitter"), std::string::npos);
    EXPECT_NE(usage.find("\n  --summary-every <seconds>\n"), std::string::npos);
    EXPECT_NE(usage.find("(0.1 to 3600)"), std::string::npos);
  }
}

}  // namespace
}  // namespace bp
