#include "tests/responder/responder_config.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "tests/unit/responder/captured_requests.h"

namespace bp::responder {
namespace {

using namespace std::chrono_literals;

Expected<ResponderConfig, std::string> parse(std::vector<std::string_view> args) {
  return parse_responder_args(args);
}

TEST(ResponderArgs, NoArgumentsGiveANormalBoundedResponder) {
  const auto c = parse({});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scenario, Scenario::kNormal);
  EXPECT_EQ(c->every, 1u);
  EXPECT_EQ(c->delay, 0ns);
  EXPECT_EQ(c->delay_spread, 0ns);
  EXPECT_EQ(c->noise_per_request, 0u);
  EXPECT_EQ(c->max_packets, 1000u);
  EXPECT_EQ(c->duration, 60s);
}

TEST(ResponderArgs, EveryOptionIsRead) {
  const auto c = parse({"--scenario",    "corrupt-byte", "--every",       "3",
                        "--delay-ms",    "20",           "--noise",       "8",
                        "--noise-limit", "50",           "--byte",        "7",
                        "--truncate",    "24",           "--hold-ms",     "500",
                        "--alt-source4", "198.18.0.3",   "--alt-source6", "2001:db8::3",
                        "--max-packets", "12",           "--duration",    "2.5",
                        "--delay-spread-ms", "15"});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->scenario, Scenario::kCorruptByte);
  EXPECT_EQ(c->every, 3u);
  EXPECT_EQ(c->delay, 20ms);
  EXPECT_EQ(c->delay_spread, 15ms);
  EXPECT_EQ(c->noise_per_request, 8u);
  EXPECT_EQ(c->noise_limit, 50u);
  EXPECT_EQ(c->reply.corrupt_byte, 7u);
  EXPECT_EQ(c->reply.truncate_to, 24u);
  EXPECT_EQ(c->hold_limit, 500ms);
  EXPECT_EQ(c->reply.alt_source4, test::v4(198, 18, 0, 3));
  EXPECT_EQ(c->reply.alt_source6, test::v6(3));
  EXPECT_EQ(c->max_packets, 12u);
  EXPECT_EQ(c->duration, 2500ms);
}

TEST(ResponderArgs, EveryScenarioNameRoundTrips) {
  for (const char* name : {"normal", "drop", "duplicate", "reorder", "bad-checksum", "corrupt-byte",
                           "change-id", "change-seq", "stamp-past", "stamp-future", "stamp-zero",
                           "garbage", "truncate", "unreachable", "time-exceeded"}) {
    const auto s = scenario_from_name(name);
    ASSERT_TRUE(s) << name;
    EXPECT_EQ(scenario_name(*s), name);
  }
  EXPECT_EQ(scenario_name(*scenario_from_name("other-source")), "other-source");
  EXPECT_FALSE(scenario_from_name("Normal"));
}

TEST(ResponderArgs, BadValuesAreOneLineErrors) {
  EXPECT_EQ(parse({"--scenario", "nice"}).error(), "invalid value for --scenario: 'nice'");
  EXPECT_EQ(parse({"--every", "0"}).error(), "invalid value for --every: '0'");
  EXPECT_EQ(parse({"--delay-ms", "-1"}).error(), "invalid value for --delay-ms: '-1'");
  EXPECT_EQ(parse({"--delay-spread-ms", "1.5"}).error(),
            "invalid value for --delay-spread-ms: '1.5'");
  EXPECT_EQ(parse({"--delay-spread-ms", "60001"}).error(),
            "invalid value for --delay-spread-ms: '60001'");
  EXPECT_EQ(parse({"--truncate", "7"}).error(), "invalid value for --truncate: '7'");
  EXPECT_EQ(parse({"--alt-source4", "2001:db8::3"}).error(),
            "invalid value for --alt-source4: '2001:db8::3'");
  EXPECT_EQ(parse({"--duration", "0"}).error(), "invalid value for --duration: '0'");
  EXPECT_EQ(parse({"--max-packets", "1x"}).error(), "invalid value for --max-packets: '1x'");
  EXPECT_EQ(parse({"--frobnicate", "1"}).error(), "unknown option --frobnicate");
  EXPECT_EQ(parse({"--delay-ms"}).error(), "missing value for --delay-ms");
  EXPECT_EQ(parse({"--delay-spread-ms"}).error(), "missing value for --delay-spread-ms");
}

TEST(ResponderArgs, ASpreadOfZeroMeansNone) {
  const auto c = parse({"--delay-spread-ms", "0"});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->delay_spread, 0ns);
}

TEST(ResponderArgs, UsageNamesTheSpreadOption) {
  EXPECT_NE(responder_usage().find("[--delay-spread-ms N]"), std::string::npos);
}

TEST(ResponderArgs, OtherSourceNeedsASecondAddress) {
  EXPECT_EQ(parse({"--scenario", "other-source"}).error(),
            "scenario other-source needs --alt-source4 and/or --alt-source6");
  EXPECT_TRUE(parse({"--scenario", "other-source", "--alt-source6", "2001:db8::3"}));
}

}  // namespace
}  // namespace bp::responder
