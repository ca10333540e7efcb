#include "ping/output/service_status.h"

#include <gtest/gtest.h>

namespace bp {
namespace {

using namespace std::chrono_literals;

TEST(ServiceStatus, BeforeTheFirstProbe) {
  EXPECT_EQ(service_status("198.18.0.2", {}), "198.18.0.2: 0 sent, 0 received");
}

TEST(ServiceStatus, LossAndLastRttAsPingPrintsThem) {
  EXPECT_EQ(service_status("198.18.0.2", {12, 11, 23us}),
            "198.18.0.2: 12 sent, 11 received, 8.33% loss, last rtt 0.023 ms");
}

TEST(ServiceStatus, EverythingLostHasNoRtt) {
  EXPECT_EQ(service_status("2001:db8::2", {3, 0, std::nullopt}),
            "2001:db8::2: 3 sent, 0 received, 100% loss");
}

TEST(ServiceStatus, MoreRepliesThanProbesNeverGiveNegativeLoss) {
  EXPECT_EQ(service_status("h", {2, 3, 1500us}), "h: 2 sent, 3 received, 0% loss, last rtt 1.50 ms");
}

}  // namespace
}  // namespace bp
