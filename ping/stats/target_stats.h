#pragma once
// TargetStatistics: the statistics beyond iputils' summary, for every target of a run, kept
// from the engine's events (probe_events.h): percentiles, jitter, outages, reordering and TTL
// changes (ReplyStats), and the figures of the current --summary-every interval. Pure: the time
// of each event is the loop's clock reading, handed in by reference (`now`) as the loop turns.
//
// It is a sink like the others and must come before the sinks that read it (the JSON sink
// asks last_reply() whether the reply it writes was reordered).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "ping/engine/probe_events.h"
#include "ping/stats/reply_stats.h"
#include "shared/mono_time.h"

namespace bp {

// RTTs of the first replies within one interval (fping's -Q: min/avg/max of the interval).
struct IntervalRtt {
  std::uint64_t count = 0;
  Duration sum{};
  Duration min{};
  Duration max{};
  void add(Duration rtt);
};

// One target's interval: what was sent and answered in it, its replies' RTTs, and how much of
// it was outage.
struct IntervalFigures {
  std::uint64_t transmitted = 0;
  std::uint64_t received = 0;
  IntervalRtt rtt;
  Duration outage{};
};

// The sample standard deviation (n - 1) of n samples whose population standard deviation
// (iputils' mdev) is `mdev`; nothing below 2 samples.
std::optional<Duration> sample_stddev(Duration mdev, std::uint64_t samples);

class TargetStatistics final : public ProbeEvents {
 public:
  TargetStatistics(std::size_t targets, MonoTime start, const MonoTime& now);

  void on_reply(std::size_t target, const ReplyEvent& event) override;
  void on_icmp_error(std::size_t target, const IcmpErrorEvent& event) override;
  void on_lost(std::size_t target, std::uint16_t sequence) override;

  const ReplyStats& of(std::size_t target) const { return stats_[target]; }
  // What the latest reply (first or duplicate) was, for the sinks after this one.
  const ReplyStats::ReplyInfo& last_reply() const { return last_reply_; }

  // Closes target's current interval at `now`: `transmitted` and `received` are its totals so
  // far (the interval's are the differences from the previous close).
  IntervalFigures close_interval(std::size_t target, std::uint64_t transmitted,
                                 std::uint64_t received, MonoTime now);

 private:
  struct IntervalState {
    IntervalRtt rtt;
    std::uint64_t transmitted = 0;  // totals at the previous close
    std::uint64_t received = 0;
    Duration outage{};
  };
  std::vector<ReplyStats> stats_;
  std::vector<IntervalState> intervals_;
  const MonoTime& now_;
  ReplyStats::ReplyInfo last_reply_{};
};

}  // namespace bp
