#pragma once
// The text of the statistics beyond iputils' (--stats, --summary-every). Pure.
//
// --stats, after a summary's rtt line (nothing else in the block changes, so parsers of
// iputils' text keep working; lines without figures are left out):
//   rtt p50/p90/p95/p99/p99.9 = 0.041/0.052/0.060/0.081/0.101 ms
//   jitter 0.004 ms, stddev 0.010 ms
//   outage total/longest = 2001.250/2001.250 ms, reordered 0, ttl changes 0
//
// --summary-every, on stderr, in fping's -Q shape (with its -o outage), one block per interval:
//   [18:40:12]
//   198.18.0.7 : xmt/rcv/%loss = 5/5/0%, outage(ms) = 0, min/avg/max = 0.041/0.050/0.071

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ping/output/report.h"
#include "ping/stats/reply_stats.h"
#include "ping/stats/target_stats.h"
#include "shared/mono_time.h"

namespace bp {

// The --stats lines of one target. `summary` is the block they follow (its rtt figures give
// the sample standard deviation); `now` closes an outage still open.
std::string format_stats_lines(const ReplyStats& stats, const Summary& summary, MonoTime now);

// "[HH:MM:SS]\n" in local time, fping's -Q interval stamp.
std::string format_interval_stamp(WallClockTime now);
// One target's line of an interval.
std::string format_interval_line(std::string_view host, const IntervalFigures& figures);

}  // namespace bp
