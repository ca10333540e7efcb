#pragma once
// The text of one scrape of /metrics (issue 14), from snapshots taken of MetricsSink: the
// Prometheus text format 0.0.4 or OpenMetrics 1.0.0, with better_ping's metric names or
// smokeping_prober's. Pure: formats into a string, nothing else.
//
// better_ping's names (labels target = as given, address, family = "ipv4" | "ipv6"):
//   better_ping_requests_total               counter    requests sent (failed sends too)
//   better_ping_replies_total                counter    valid first replies
//   better_ping_rtt_seconds                  histogram  RTT of the valid first replies
//   better_ping_duplicates_total             counter
//   better_ping_corrupt_total{reason}        counter    reason = checksum | payload
//   better_ping_icmp_errors_total{kind}      counter    kind as in icmp_error_kind.h
//   better_ping_timeouts_total               counter    probes lost (no reply within -W)
//   better_ping_reply_ttl                    gauge      TTL / hop limit of the latest valid
//                                                       reply; no sample before one
// Every target has a sample of every counter and of every reason and kind from the start (0
// until it happens), so increase() sees the first error, at 35 lines per target with the
// default buckets.
//
// smokeping_prober's names, those of its 0.6.x releases (Debian's 0.6.1): collector.go at the
// go-ping era of SuperQ/smokeping_prober, read through the code search. Its labels are `host`
// (the target as given) and `ip` (the address), written in that order as its Go client sorts
// them; what we produce of it:
//   smokeping_requests_total                 counter    requests sent
//   smokeping_response_duration_seconds      histogram  RTT of the replies
//   smokeping_response_duplicates_total      counter    duplicate replies
//   smokeping_response_ttl                   gauge      TTL of the latest reply
// Its example rules (loss = 1 - increase(_count) / increase(requests_total), quantiles from
// _bucket) and dashboards work on these unchanged. Differences kept on purpose: our requests
// include failed sends (iputils' "transmitted"), _count counts valid first replies only, its
// default buckets differ (5e-05 doubling, 20 buckets: give them with the bucket option to
// match), and the TTL gauge has no sample before a reply (it shows 0). Later releases added
// smokeping_send_errors_total and smokeping_receive_errors_total (0.7.0) and labels `source`
// and `tos`; those are not produced.
//
// Both schemes end with the exporter's own families (no target labels):
//   better_ping_build_info{version} gauge 1, better_ping_targets gauge (targets configured),
//   better_ping_send_errors_total, better_ping_scrape_errors_total (counters).
//
// Format differences: OpenMetrics names a counter family without "_total" in its TYPE and HELP
// lines (the samples keep it), declares the histogram's unit ("# UNIT ... seconds"), writes
// le and _sum values as floats ("1.0", "+Inf") and ends with "# EOF". Values are integers
// except _sum, which is the exact decimal of the integer nanoseconds, so no value is ever NaN.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ping/metrics/exposition_text.h"
#include "ping/metrics/metric_names.h"
#include "ping/metrics/metrics_sink.h"
#include "ping/packet/ip_address.h"

namespace bp {

inline constexpr std::string_view kPrometheusTextContentType = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

// What a target is called in the labels.
struct TargetLabels {
  std::string target;   // as given on the command line or in the targets file
  std::string address;  // numeric
  Family family = Family::kIpv4;
};

// Everything one scrape shows.
struct Scrape {
  std::span<const TargetLabels> labels;
  std::span<const TargetSnapshot> snapshots;  // one per element of labels, in the same order
  std::span<const double> upper_bounds;       // the histogram's (RttBuckets::upper_bounds())
  ExporterSnapshot exporter;
  std::string_view version;                   // better_ping's, for build_info
};

// The content type of `format`, for the HTTP response.
std::string_view content_type(ExpositionFormat format);

// The text of one scrape in pieces, so that a server can send it as it is written, from a
// small buffer that it reuses: 10 000 targets are 35 MB, and writing them into one string took
// ten times longer than the formatting itself (fresh pages, faulted in one by one). `scrape`
// must outlive it.
class ScrapeText {
 public:
  ScrapeText(const Scrape& scrape, ExpositionFormat format, MetricNames names);
  // Appends the next piece to `out`: one metric family's lines for up to `targets` targets
  // (with its metadata first), or, after the last family, the exporter's own and the end.
  // False when everything has been written.
  bool next(std::string& out, std::size_t targets);

 private:
  const Scrape& scrape_;
  ExpositionFormat format_;
  MetricNames names_;
  std::vector<std::string> labels_;     // per target, written once, repeated on each line
  std::vector<std::string> le_labels_;  // le="..." per bucket, +Inf last
  std::size_t family_ = 0;              // the family being written
  std::size_t target_ = 0;              // its next target
  bool done_ = false;
};

// The whole scrape as text in `format` with `names`.
std::string format_scrape(const Scrape& scrape, ExpositionFormat format, MetricNames names);

}  // namespace bp
