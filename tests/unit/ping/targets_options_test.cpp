#include <gtest/gtest.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "ping/cli/options.h"
#include "ping/cli/usage.h"
#include "tests/unit/ping/command_line_helpers.h"

// The command line of several targets (issue 12): HOST operands, --targets FILE, and the
// options refused once there is more than one target. Addresses are from the test ranges.

namespace bp {
namespace {

using test::error_of;
using test::parse;
using test::parsed;

using Hosts = std::vector<std::string>;

// ---- operands ----

TEST(SeveralTargetsOptions, EveryOperandIsADestinationInOrder) {
  const Options o = parsed({"198.19.0.1", "2001:db8::5", "host.test"});
  EXPECT_EQ(o.destinations, (Hosts{"198.19.0.1", "2001:db8::5", "host.test"}));
  EXPECT_EQ(o.destination, "host.test");  // the last, as the single-target code reads it
  EXPECT_TRUE(o.prespecified.empty());
  EXPECT_FALSE(o.targets_file.has_value());
}

TEST(SeveralTargetsOptions, OneOperandIsOneDestination) {
  const Options o = parsed({"198.19.0.1"});
  EXPECT_EQ(o.destinations, (Hosts{"198.19.0.1"}));
  EXPECT_EQ(o.destination, "198.19.0.1");
}

TEST(SeveralTargetsOptions, DuplicatesAreLeftToTheCaller) {
  EXPECT_EQ(parsed({"198.19.0.1", "198.19.0.1"}).destinations, (Hosts{"198.19.0.1", "198.19.0.1"}));
}

TEST(SeveralTargetsOptions, OptionsMayComeBetweenOperands) {
  const Options o = parsed({"198.19.0.1", "-c", "2", "198.19.0.2", "-q", "198.19.0.3"});
  EXPECT_EQ(o.destinations, (Hosts{"198.19.0.1", "198.19.0.2", "198.19.0.3"}));
  EXPECT_EQ(o.count, 2);
  EXPECT_TRUE(o.quiet);
}

TEST(SeveralTargetsOptions, DoubleDashMakesTheRestOperands) {
  EXPECT_EQ(parsed({"198.19.0.1", "--", "-q", "--targets"}).destinations,
            (Hosts{"198.19.0.1", "-q", "--targets"}));
}

TEST(SeveralTargetsOptions, BetterPingTakesSeveralOperandsToo) {
  EXPECT_EQ(parsed({"198.19.0.1", "198.19.0.2"}, CommandFlavor::kBetterPing).destinations,
            (Hosts{"198.19.0.1", "198.19.0.2"}));
}

TEST(SeveralTargetsOptions, NoOperandIsStillAUsageError) {
  EXPECT_EQ(error_of({}), "ping: usage error: Destination address required\n");
  EXPECT_EQ(error_of({"-c", "1", "--"}), "ping: usage error: Destination address required\n");
}

// ---- -T tsprespec keeps iputils' hops ----

TEST(SeveralTargetsOptions, TsprespecOperandsBeforeTheLastStayHops) {
  const Options o = parsed({"-T", "tsprespec", "198.18.0.1", "198.18.0.2", "198.18.0.3"});
  EXPECT_EQ(o.prespecified, (Hosts{"198.18.0.1", "198.18.0.2"}));
  EXPECT_EQ(o.destinations, (Hosts{"198.18.0.3"}));
  EXPECT_EQ(o.destination, "198.18.0.3");
}

TEST(SeveralTargetsOptions, TsprespecAfterTheOperandsStillTakesHops) {
  const Options o = parsed({"198.18.0.1", "198.18.0.3", "-T", "tsprespec"});
  EXPECT_EQ(o.prespecified, (Hosts{"198.18.0.1"}));
  EXPECT_EQ(o.destinations, (Hosts{"198.18.0.3"}));
}

TEST(SeveralTargetsOptions, TsprespecWithFourHopsAtMost) {
  EXPECT_EQ(parsed({"-T", "tsprespec", "a", "b", "c", "d", "dest"}).prespecified.size(), 4u);
  EXPECT_EQ(error_of({"-T", "tsprespec", "a", "b", "c", "d", "e", "dest"}),
            usage_text(CommandFlavor::kPing, "ping"));  // iputils: the usage only
}

TEST(SeveralTargetsOptions, OtherTimestampKindsTakeNoHops) {
  const Options o = parsed({"-T", "tsonly", "198.18.0.1", "198.18.0.2"});
  EXPECT_TRUE(o.prespecified.empty());
  EXPECT_EQ(o.destinations, (Hosts{"198.18.0.1", "198.18.0.2"}));
}

// ---- --targets FILE ----

TEST(TargetsFileOption, BothSpellingsAndAbbreviations) {
  for (CommandFlavor flavor : {CommandFlavor::kPing, CommandFlavor::kBetterPing}) {
    EXPECT_EQ(parsed({"--targets", "hosts.txt"}, flavor).targets_file, "hosts.txt");
    EXPECT_EQ(parsed({"--targets=hosts.txt"}, flavor).targets_file, "hosts.txt");
    EXPECT_EQ(parsed({"--targ", "hosts.txt"}, flavor).targets_file, "hosts.txt");
    EXPECT_EQ(parsed({"--t=hosts.txt"}, flavor).targets_file, "hosts.txt");
  }
}

TEST(TargetsFileOption, DashIsStandardInputForTheCaller) {
  EXPECT_EQ(parsed({"--targets", "-"}).targets_file, "-");
  EXPECT_EQ(parsed({"--targets=-"}).targets_file, "-");
}

TEST(TargetsFileOption, ValueIsTakenWhateverItLooksLike) {
  // getopt_long: the next argument is the value, even when it starts with '-'.
  EXPECT_EQ(parsed({"--targets", "-c", "198.19.0.1"}).targets_file, "-c");
  EXPECT_EQ(parsed({"--targets=a=b"}).targets_file, "a=b");
}

TEST(TargetsFileOption, StandsInForTheDestination) {
  const Options o = parsed({"-c", "3", "--targets", "hosts.txt"});
  EXPECT_TRUE(o.destinations.empty());
  EXPECT_EQ(o.destination, "");
  EXPECT_EQ(o.count, 3);
}

TEST(TargetsFileOption, CombinesWithOperands) {
  const Options o = parsed({"198.19.0.1", "--targets", "hosts.txt", "198.19.0.2"});
  EXPECT_EQ(o.targets_file, "hosts.txt");
  EXPECT_EQ(o.destinations, (Hosts{"198.19.0.1", "198.19.0.2"}));
  EXPECT_EQ(o.destination, "198.19.0.2");
}

TEST(TargetsFileOption, CombinesWithTsprespecHops) {
  const Options o = parsed({"-T", "tsprespec", "198.18.0.1", "198.18.0.2", "--targets=f"});
  EXPECT_EQ(o.prespecified, (Hosts{"198.18.0.1"}));
  EXPECT_EQ(o.destinations, (Hosts{"198.18.0.2"}));
  EXPECT_TRUE(parsed({"-T", "tsprespec", "--targets=f"}).destinations.empty());
}

TEST(TargetsFileOption, TheLastOneWinsAsForOtherOptions) {
  EXPECT_EQ(parsed({"--targets", "a.txt", "--targets=b.txt"}).targets_file, "b.txt");
}

TEST(TargetsFileOption, MissingValuePrintsUsage) {
  EXPECT_EQ(error_of({"--targets"}),
            "ping: option '--targets' requires an argument\n" +
                usage_text(CommandFlavor::kPing, "ping"));
  EXPECT_EQ(error_of({"198.19.0.1", "--targets"}, CommandFlavor::kBetterPing),
            "better_ping: option '--targets' requires an argument\n" +
                usage_text(CommandFlavor::kBetterPing, "better_ping"));
}

TEST(TargetsFileOption, EmptyFileNameIsOneLineError) {
  const std::string expected =
      "ping: --targets: empty file name (give a file, or - for standard input)\n";
  EXPECT_EQ(error_of({"--targets="}), expected);
  EXPECT_EQ(error_of({"--targets", "", "198.19.0.1"}), expected);
}

TEST(TargetsFileOption, StillUnknownLongOptionsAreRefused) {
  EXPECT_EQ(error_of({"--targetsx", "f"}),
            "ping: unrecognized option '--targetsx'\n" + usage_text(CommandFlavor::kPing, "ping"));
}

TEST(TargetsFileOption, VersionAndHelpStillNeedNoDestination) {
  EXPECT_EQ(parse({"--targets", "f", "--version"}).error().exit_code, 0);
  EXPECT_EQ(parse({"--targets", "f", "--help"}).error().exit_code, 0);
}

// ---- payload size: each numeric destination's family ----

TEST(SeveralTargetsOptions, PayloadLimitOfEveryNumericDestination) {
  EXPECT_EQ(error_of({"-s", "65510", "2001:db8::1", "198.19.0.1"}),
            "ping: invalid -s value: '65510': out of range: 0 <= value <= 65507\n");
  EXPECT_EQ(parsed({"-s", "65527", "2001:db8::1", "2001:db8::2"}).payload_size, 65527u);
  EXPECT_EQ(error_of({"-4", "-s", "65510", "--targets", "f"}),
            "ping: invalid -s value: '65510': out of range: 0 <= value <= 65507\n");
  EXPECT_EQ(parsed({"-s", "65527", "--targets", "f"}).payload_size, 65527u);
}

// ---- several_targets_conflict ----

struct Refused {
  std::initializer_list<std::string_view> args;
  std::string_view letter;
};

TEST(SeveralTargetsConflict, EachRefusedOptionIsNamed) {
  const Refused cases[] = {
      {{"-f"}, "-f"},
      {{"-A"}, "-A"},
      {{"-l", "1"}, "-l"},  // given at all, even the default value
      {{"-l3"}, "-l"},
      {{"-R"}, "-R"},
      {{"-T", "tsonly"}, "-T"},
      {{"-T", "tsandaddr"}, "-T"},
      {{"-T", "tsprespec"}, "-T"},
      {{"-O"}, "-O"},
      {{"-C"}, "-C"},
      {{"-F", "0"}, "-F"},
      {{"-F", "0x12345"}, "-F"},
      {{"-N", "name"}, "-N"},
      {{"-N", "subject-ipv6=2001:db8::1"}, "-N"},
  };
  for (const Refused& c : cases) {
    std::vector<std::string_view> args(c.args);
    args.insert(args.end(), {"198.19.0.1", "198.19.0.2"});
    const ParseResult result = parse_command_line(CommandFlavor::kPing, "ping", args);
    ASSERT_TRUE(result.has_value()) << c.letter;
    const std::optional<EarlyExit> refused = several_targets_conflict(*result, "ping");
    ASSERT_TRUE(refused.has_value()) << c.letter;
    EXPECT_EQ(refused->exit_code, 2);
    EXPECT_EQ(refused->stdout_text, "");
    EXPECT_EQ(refused->stderr_text,
              "ping: " + std::string(c.letter) + " cannot be used with several targets\n");
  }
}

TEST(SeveralTargetsConflict, MessageUsesTheGivenPrefix) {
  EXPECT_EQ(several_targets_conflict(parsed({"-f", "h"}), "/usr/bin/bping")->stderr_text,
            "/usr/bin/bping: -f cannot be used with several targets\n");
}

TEST(SeveralTargetsConflict, TheFirstInTheDocumentedOrderWins) {
  EXPECT_EQ(several_targets_conflict(parsed({"-N", "name", "-C", "-f", "h"}), "ping")->stderr_text,
            "ping: -f cannot be used with several targets\n");
  EXPECT_EQ(several_targets_conflict(parsed({"-F", "1", "-O", "h"}), "ping")->stderr_text,
            "ping: -O cannot be used with several targets\n");
}

TEST(SeveralTargetsConflict, DefaultsAndEveryOtherOptionAreAllowed) {
  EXPECT_FALSE(several_targets_conflict(parsed({"h"}), "ping").has_value());
  EXPECT_FALSE(parsed({"h"}).preload_given);
  const Options everything_else =
      parsed({"-c", "3", "-i", "0.5", "-w", "10", "-W", "2", "-q", "-s", "100", "-t", "64", "-n",
              "-D", "-4", "-I", "lo", "-3", "-a", "-b", "-B", "-d", "-e", "7", "-H", "-L", "-m",
              "1", "-M", "do", "-p", "ff", "-Q", "0x10", "-r", "-S", "65536", "-U", "-v",
              "--targets", "f", "198.19.0.1", "198.19.0.2"});
  EXPECT_FALSE(several_targets_conflict(everything_else, "ping").has_value());
  EXPECT_FALSE(several_targets_conflict(parsed({"-6", "-I", "2001:db8::9", "2001:db8::1"}), "ping"));
  EXPECT_FALSE(several_targets_conflict(
      parsed({"--watchdog-timeout", "30", "198.19.0.1"}, CommandFlavor::kBetterPing), "ping"));
}

// ---- usage text ----

TEST(SeveralTargetsUsage, SynopsisKeepsIputilsLineFirst) {
  EXPECT_EQ(usage_text(CommandFlavor::kPing, "/usr/bin/ping")
                .rfind("\nUsage\n  ping [options] <destination>\n"
                       "  ping [options] <destination>...\n"
                       "  ping [options] --targets <file> [<destination>...]\n\nOptions:\n",
                       0),
            0u);
}

TEST(SeveralTargetsUsage, DescribesTargetsAndRefusedOptions) {
  for (CommandFlavor flavor : {CommandFlavor::kPing, CommandFlavor::kBetterPing}) {
    const std::string usage = usage_text(flavor, "ping");
    EXPECT_NE(usage.find("\n  --targets <file>   "), std::string::npos);
    EXPECT_NE(usage.find("\nSeveral targets "), std::string::npos);
    EXPECT_NE(usage.find("-f -A -l -R -T -O -C -F -N cannot be used"), std::string::npos);
    EXPECT_NE(usage.find("several targets: every target answered"), std::string::npos);
  }
}

TEST(SeveralTargetsUsage, BetterPingExplainsTheGroupHeartbeat) {
  EXPECT_NE(usage_text(CommandFlavor::kBetterPing, "better_ping")
                .find("Any valid reply from any target is a heartbeat: the watchdog stops the\n"
                      "  group only when no target has answered for the timeout (the network is "
                      "gone).\n"),
            std::string::npos);
  EXPECT_EQ(usage_text(CommandFlavor::kPing, "ping").find("heartbeat"), std::string::npos);
}

TEST(SeveralTargetsUsage, FitsEightyColumns) {
  for (CommandFlavor flavor : {CommandFlavor::kPing, CommandFlavor::kBetterPing}) {
    std::istringstream lines(usage_text(flavor, "better_ping"));
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << line;
  }
}

}  // namespace
}  // namespace bp
