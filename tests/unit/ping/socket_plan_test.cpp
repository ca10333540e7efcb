// The socket options each command-line option turns into (ping/net/socket_plan.h): what reaches
// setsockopt() decides what the probes look like on the wire (-M do: the DF bit; -m: the mark
// that firewall and routing rules match; -R / -T: the IPv4 options).

#include "ping/net/socket_plan.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace bp {
namespace {

int int_value(const SocketOption& o) {
  int v = 0;
  EXPECT_EQ(o.value.size(), sizeof v);
  std::memcpy(&v, o.value.data(), sizeof v);
  return v;
}

const SocketOption* find(const std::vector<SocketOption>& plan, int level, int name) {
  for (const SocketOption& o : plan) {
    if (o.level == level && o.name == name) return &o;
  }
  return nullptr;
}

TEST(SocketPlan, NothingAskedSetsNothing) {
  EXPECT_TRUE(plan_socket_options({}, AF_INET).empty());
  EXPECT_TRUE(plan_socket_options({}, AF_INET6).empty());
}

TEST(SocketPlan, PmtuDoSetsDontFragmentOnIpv4AndIpv6) {
  SocketChoices c;
  c.pmtu = IP_PMTUDISC_DO;
  const auto v4 = plan_socket_options(c, AF_INET);
  ASSERT_EQ(v4.size(), 1u);
  EXPECT_EQ(v4[0].level, SOL_IP);
  EXPECT_EQ(v4[0].name, IP_MTU_DISCOVER);
  EXPECT_EQ(int_value(v4[0]), IP_PMTUDISC_DO);
  const auto v6 = plan_socket_options(c, AF_INET6);
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].level, SOL_IPV6);
  EXPECT_EQ(v6[0].name, IPV6_MTU_DISCOVER);
  EXPECT_EQ(int_value(v6[0]), IPV6_PMTUDISC_DO);
}

TEST(SocketPlan, MarkIsSoMarkAndNeedsPrivilege) {
  SocketChoices c;
  c.mark = 0xFFFFFFFFu;
  const auto plan = plan_socket_options(c, AF_INET);
  const SocketOption* mark = find(plan, SOL_SOCKET, SO_MARK);
  ASSERT_NE(mark, nullptr);
  EXPECT_EQ(static_cast<unsigned>(int_value(*mark)), 0xFFFFFFFFu);
  EXPECT_TRUE(mark->needs_net_admin);
  EXPECT_EQ(mark->what, "setsockopt(SO_MARK)");
  // iputils warns and pings on without the mark.
  EXPECT_EQ(mark->on_failure, SocketOption::OnFailure::kWarn);
  EXPECT_EQ(mark->warning, "WARNING: failed to set mark: 4294967295");
}

TEST(SocketPlan, TtlSetsUnicastAndMulticastHops) {
  SocketChoices c;
  c.ttl = 7;
  const auto v4 = plan_socket_options(c, AF_INET);
  ASSERT_NE(find(v4, SOL_IP, IP_TTL), nullptr);
  ASSERT_NE(find(v4, SOL_IP, IP_MULTICAST_TTL), nullptr);
  EXPECT_EQ(int_value(*find(v4, SOL_IP, IP_TTL)), 7);
  const auto v6 = plan_socket_options(c, AF_INET6);
  EXPECT_EQ(int_value(*find(v6, SOL_IPV6, IPV6_UNICAST_HOPS)), 7);
  EXPECT_EQ(int_value(*find(v6, SOL_IPV6, IPV6_MULTICAST_HOPS)), 7);
}

TEST(SocketPlan, TosIsTrafficClassOnIpv6) {
  SocketChoices c;
  c.tos = 0xb8;
  EXPECT_EQ(int_value(*find(plan_socket_options(c, AF_INET), SOL_IP, IP_TOS)), 0xb8);
  EXPECT_EQ(int_value(*find(plan_socket_options(c, AF_INET6), SOL_IPV6, IPV6_TCLASS)), 0xb8);
}

TEST(SocketPlan, SocketLevelFlags) {
  SocketChoices c;
  c.send_buffer = 65536;
  c.broadcast = true;
  c.debug = true;
  c.dont_route = true;
  const auto plan = plan_socket_options(c, AF_INET);
  EXPECT_EQ(int_value(*find(plan, SOL_SOCKET, SO_SNDBUF)), 65536);
  EXPECT_EQ(int_value(*find(plan, SOL_SOCKET, SO_BROADCAST)), 1);
  EXPECT_EQ(int_value(*find(plan, SOL_SOCKET, SO_DEBUG)), 1);
  EXPECT_EQ(int_value(*find(plan, SOL_SOCKET, SO_DONTROUTE)), 1);
  EXPECT_EQ(find(plan, SOL_SOCKET, SO_DEBUG)->on_failure, SocketOption::OnFailure::kIgnore);
  EXPECT_EQ(find(plan, SOL_SOCKET, SO_SNDBUF)->on_failure, SocketOption::OnFailure::kError);
}

TEST(SocketPlan, NoMulticastLoopPerFamily) {
  SocketChoices c;
  c.no_multicast_loop = true;
  EXPECT_EQ(int_value(*find(plan_socket_options(c, AF_INET), SOL_IP, IP_MULTICAST_LOOP)), 0);
  EXPECT_EQ(int_value(*find(plan_socket_options(c, AF_INET6), SOL_IPV6, IPV6_MULTICAST_LOOP)), 0);
}

TEST(SocketPlan, IpOptionsGoOnIpv4SocketsOnly) {
  SocketChoices c;
  c.ip_options = {0x07, 0x27, 0x04, 0x00};  // a record-route head, as -R starts it
  const auto v4 = plan_socket_options(c, AF_INET);
  const SocketOption* options = find(v4, SOL_IP, IP_OPTIONS);
  ASSERT_NE(options, nullptr);
  EXPECT_EQ(options->value, c.ip_options);
  EXPECT_EQ(find(plan_socket_options(c, AF_INET6), SOL_IP, IP_OPTIONS), nullptr);
}

}  // namespace
}  // namespace bp
