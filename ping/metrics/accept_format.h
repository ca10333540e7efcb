#pragma once
// Content negotiation for /metrics: which exposition format a scraper's Accept header asks
// for. Pure.
//
// Prometheus 2.x sends, when OpenMetrics is enabled (the default since 2.5):
//   application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,
//   text/plain;version=0.0.4;q=0.5,*/*;q=0.1
// OpenMetrics 1.0.0 is served when a media range of application/openmetrics-text, without a
// version or with version=1.0.0, has a quality above 0 and at least that of every text/plain
// or */* range. Everything else (no header, curl's */*, text/plain, malformed text) gets the
// Prometheus text format 0.0.4, which every scraper reads.

#include <string_view>

#include "ping/metrics/exposition_text.h"

namespace bp {

ExpositionFormat format_for_accept(std::string_view accept);

}  // namespace bp
