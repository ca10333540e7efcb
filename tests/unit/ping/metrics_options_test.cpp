#include <gtest/gtest.h>

#include <string>

#include "ping/cli/listen_address.h"
#include "ping/cli/options.h"
#include "ping/cli/usage.h"
#include "tests/unit/ping/command_line_helpers.h"

// The exporter's command line (issue 14): --metrics-listen and its address form, the loopback
// rule, --metrics-names, --metrics-buckets, and the combinations refused. ping only.

namespace bp {
namespace {

using test::error_of;
using test::parsed;

// ---- the address form ----

TEST(ListenAddress, Ipv4AndBracketedIpv6WithAPort) {
  const auto v4 = parse_listen_address("127.0.0.1:9374");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address.family, Family::kIpv4);
  EXPECT_EQ(v4->port, 9374);
  EXPECT_EQ(listen_address_text(*v4), "127.0.0.1:9374");
  const auto v6 = parse_listen_address("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address.family, Family::kIpv6);
  EXPECT_EQ(v6->port, 0);
  EXPECT_EQ(listen_address_text(*v6), "[::1]:0");
  EXPECT_EQ(listen_address_text(*parse_listen_address("[2001:db8::7]:65535")), "[2001:db8::7]:65535");
}

TEST(ListenAddress, NamesAndMissingPartsAreRefusedInOneLine) {
  for (const char* bad : {"localhost:9374", "127.0.0.1", "[::1]", "::1:9374", "[127.0.0.1]:80", ":9374",
                          "", "127.0.0.1:", "[::1]:", "198.18.0.1:9374:1", "[::1:9374"}) {
    const auto parsed_address = parse_listen_address(bad);
    ASSERT_FALSE(parsed_address) << bad;
    EXPECT_EQ(parsed_address.error().find('\n'), std::string::npos);
    EXPECT_TRUE(parsed_address.error().starts_with("--metrics-listen: ")) << parsed_address.error();
  }
  EXPECT_EQ(parse_listen_address("localhost:9374").error(),
            "--metrics-listen: 'localhost:9374' is not ADDRESS:PORT with a numeric address "
            "(127.0.0.1:9374, [::1]:9374)");
}

TEST(ListenAddress, PortsOutsideSixteenBitsOrNotDecimalAreRefused) {
  for (const char* bad : {"127.0.0.1:65536", "127.0.0.1:70000", "127.0.0.1:-1", "127.0.0.1:+80",
                          "127.0.0.1:0x50", "127.0.0.1:80 ", "127.0.0.1:99999999999999999999"}) {
    EXPECT_FALSE(parse_listen_address(bad)) << bad;
  }
  EXPECT_EQ(parse_listen_address("127.0.0.1:70000").error(),
            "--metrics-listen: port '70000' is not a number from 0 to 65535");
}

TEST(ListenAddress, ControlBytesInTheValueAreEscapedInTheError) {
  const auto bad = parse_listen_address("a\nb\x1b[2J:1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().find('\n'), std::string::npos);
  EXPECT_EQ(bad.error().find('\x1b'), std::string::npos);
}

TEST(ListenAddress, LoopbackIsTheWhole127NetworkAndColonColonOne) {
  const auto loopback = [](const char* text) { return is_loopback(parse_listen_address(text)->address); };
  EXPECT_TRUE(loopback("127.0.0.1:1"));
  EXPECT_TRUE(loopback("127.255.0.9:1"));
  EXPECT_TRUE(loopback("[::1]:1"));
  EXPECT_TRUE(loopback("[::ffff:127.0.0.1]:1"));
  EXPECT_FALSE(loopback("198.18.0.1:1"));
  EXPECT_FALSE(loopback("0.0.0.0:1"));
  EXPECT_FALSE(loopback("[::]:1"));
  EXPECT_FALSE(loopback("[2001:db8::1]:1"));
  EXPECT_FALSE(loopback("[::ffff:198.18.0.1]:1"));
  EXPECT_FALSE(loopback("[::2]:1"));
  EXPECT_FALSE(loopback("[1::1]:1"));
}

// ---- the options ----

TEST(MetricsOptions, ListenAloneServesBetterPingNamesWithDefaultBuckets) {
  const Options o = parsed({"--metrics-listen", "127.0.0.1:9374", "198.19.0.1"});
  ASSERT_TRUE(o.metrics_listen);
  EXPECT_EQ(o.metrics_listen->port, 9374);
  EXPECT_FALSE(o.metrics_allow_remote);
  EXPECT_EQ(o.metrics_names, MetricNames::kBetterPing);
  EXPECT_FALSE(o.metrics_buckets);
}

TEST(MetricsOptions, EveryOptionWithAnEqualsSignOrAfterwards) {
  const Options o = parsed({"--metrics-listen=[::1]:0", "--metrics-names=smokeping", "--metrics-buckets",
                            "0.001, 0.01,0.1", "--targets", "/dev/null"});
  ASSERT_TRUE(o.metrics_listen);
  EXPECT_EQ(o.metrics_names, MetricNames::kSmokeping);
  ASSERT_TRUE(o.metrics_buckets);
  EXPECT_EQ(o.metrics_buckets->upper_bounds().size(), 3u);
}

TEST(MetricsOptions, ANonLoopbackAddressNeedsAllowRemote) {
  EXPECT_EQ(error_of({"--metrics-listen", "198.18.0.1:9374", "198.19.0.1"}),
            "ping: --metrics-listen 198.18.0.1:9374 is not a loopback address: add "
            "--metrics-allow-remote to serve the metrics there\n");
  EXPECT_EQ(error_of({"--metrics-listen", "0.0.0.0:9374", "198.19.0.1"}),
            "ping: --metrics-listen 0.0.0.0:9374 is not a loopback address: add "
            "--metrics-allow-remote to serve the metrics there\n");
  const Options o = parsed({"--metrics-listen", "[2001:db8::1]:9374", "--metrics-allow-remote", "198.19.0.1"});
  EXPECT_TRUE(o.metrics_allow_remote);
}

TEST(MetricsOptions, TheOtherMetricsOptionsNeedListen) {
  EXPECT_EQ(error_of({"--metrics-allow-remote", "198.19.0.1"}),
            "ping: --metrics-allow-remote needs --metrics-listen\n");
  EXPECT_EQ(error_of({"--metrics-names", "smokeping", "198.19.0.1"}),
            "ping: --metrics-names needs --metrics-listen\n");
  EXPECT_EQ(error_of({"--metrics-buckets", "0.1", "198.19.0.1"}),
            "ping: --metrics-buckets needs --metrics-listen\n");
}

TEST(MetricsOptions, BadNamesAndBucketsAreOneLineErrors) {
  EXPECT_EQ(error_of({"--metrics-listen", "127.0.0.1:1", "--metrics-names", "blackbox", "198.19.0.1"}),
            "ping: --metrics-names: 'blackbox' is not better_ping or smokeping\n");
  EXPECT_EQ(error_of({"--metrics-listen", "127.0.0.1:1", "--metrics-buckets", "0.1,0.05", "198.19.0.1"}),
            "ping: --metrics-buckets: bucket '0.05' is not above the one before it (0.1)\n");
  EXPECT_EQ(error_of({"--metrics-listen", "127.0.0.1", "198.19.0.1"}),
            "ping: --metrics-listen: '127.0.0.1' is not ADDRESS:PORT with a numeric address "
            "(127.0.0.1:9374, [::1]:9374)\n");
}

TEST(MetricsOptions, WaitForeverAndFloodCannotBeUsedWithIt) {
  EXPECT_EQ(error_of({"--metrics-listen", "127.0.0.1:1", "-W", "0", "198.19.0.1"}),
            "ping: -W 0 cannot be used with --metrics-listen: lost probes are counted after -W\n");
  EXPECT_EQ(error_of({"--metrics-listen", "127.0.0.1:1", "-f", "198.19.0.1"}),
            "ping: -f cannot be used with --metrics-listen\n");
}

TEST(MetricsOptions, BetterPingDoesNotKnowThem) {
  EXPECT_TRUE(error_of({"--metrics-listen", "127.0.0.1:9374", "198.19.0.1"}, CommandFlavor::kBetterPing)
                  .starts_with("better_ping: unrecognized option '--metrics-listen'\n\nUsage\n"));
}

TEST(MetricsOptions, UsageNamesThemForPingOnly) {
  EXPECT_NE(usage_text(CommandFlavor::kPing, "ping").find("--metrics-listen <address>:<port>"), std::string::npos);
  EXPECT_EQ(usage_text(CommandFlavor::kBetterPing, "better_ping").find("--metrics"), std::string::npos);
}

}  // namespace
}  // namespace bp
