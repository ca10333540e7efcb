// Content negotiation for /metrics: the Accept headers real scrapers send, and malformed ones.

#include "ping/metrics/accept_format.h"

#include <gtest/gtest.h>

namespace bp {
namespace {

constexpr auto kText = ExpositionFormat::kPrometheusText;
constexpr auto kOpen = ExpositionFormat::kOpenMetrics;

TEST(AcceptFormat, PrometheusTwoAsksForOpenMetricsFirst) {
  EXPECT_EQ(format_for_accept("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                              "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            kOpen);
}

TEST(AcceptFormat, PrometheusWithOpenMetricsDisabledGetsText) {
  EXPECT_EQ(format_for_accept("text/plain;version=0.0.4;q=1,*/*;q=0.1"), kText);
}

TEST(AcceptFormat, NoHeaderCurlAndBrowsersGetText) {
  EXPECT_EQ(format_for_accept(""), kText);
  EXPECT_EQ(format_for_accept("*/*"), kText);
  EXPECT_EQ(format_for_accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), kText);
}

TEST(AcceptFormat, OpenMetricsWithoutVersionOrWithSpacesAndCapitals) {
  EXPECT_EQ(format_for_accept("application/openmetrics-text"), kOpen);
  EXPECT_EQ(format_for_accept(" Application/OpenMetrics-Text ; Version=1.0.0 ; Q=0.9 , text/plain;q=0.5"), kOpen);
}

TEST(AcceptFormat, OnlyAnOpenMetricsVersionWeDoNotWriteGetsText) {
  EXPECT_EQ(format_for_accept("application/openmetrics-text;version=0.0.1"), kText);
  EXPECT_EQ(format_for_accept("application/openmetrics-text;version=2.0.0,text/plain;q=0.1"), kText);
}

TEST(AcceptFormat, QualityDecides) {
  EXPECT_EQ(format_for_accept("application/openmetrics-text;q=0.3,text/plain;q=0.8"), kText);
  EXPECT_EQ(format_for_accept("application/openmetrics-text;q=0,*/*"), kText);
  EXPECT_EQ(format_for_accept("application/openmetrics-text;q=0.8,text/plain;q=0.8"), kOpen);
}

TEST(AcceptFormat, MalformedRangesAreSkippedNeverTrusted) {
  EXPECT_EQ(format_for_accept("application/openmetrics-text;q=abc"), kText);
  EXPECT_EQ(format_for_accept("application/openmetrics-text;q=2"), kText);
  EXPECT_EQ(format_for_accept(",,;;=,application/openmetrics-text;q=0.5;;"), kOpen);
  EXPECT_EQ(format_for_accept(std::string(70000, ',')), kText);
  EXPECT_EQ(format_for_accept(std::string_view("application/openmetrics-text\0x", 30)), kText);
}

}  // namespace
}  // namespace bp
