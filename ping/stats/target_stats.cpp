#include "ping/stats/target_stats.h"

#include <algorithm>
#include <cmath>

namespace bp {

void IntervalRtt::add(Duration rtt) {
  min = count == 0 ? rtt : std::min(min, rtt);
  max = count == 0 ? rtt : std::max(max, rtt);
  sum += rtt;
  ++count;
}

std::optional<Duration> sample_stddev(Duration mdev, std::uint64_t samples) {
  if (samples < 2) return std::nullopt;
  const double n = static_cast<double>(samples);
  return Duration(std::llround(static_cast<double>(mdev.count()) * std::sqrt(n / (n - 1.0))));
}

TargetStatistics::TargetStatistics(std::size_t targets, MonoTime start, const MonoTime& now)
    : stats_(targets, ReplyStats(start)), intervals_(targets), now_(now) {}

void TargetStatistics::on_reply(std::size_t target, const ReplyEvent& event) {
  // A bad checksum is kept out of every figure, as iputils keeps it out of its own.
  if (event.status == ReplyStatus::kBadChecksum || !event.rtt) return;
  const bool duplicate = event.status == ReplyStatus::kDuplicate;
  last_reply_ = stats_[target].on_reply(event.sequence, *event.rtt, now_, event.ttl, duplicate);
  if (!duplicate) intervals_[target].rtt.add(*event.rtt);
}

// A probe that an ICMP error answered gets no reply: for the outage, it is lost.
void TargetStatistics::on_icmp_error(std::size_t target, const IcmpErrorEvent& event) {
  if (event.origin == ErrorOrigin::kErrorQueue) stats_[target].on_lost(event.sequence);
}

void TargetStatistics::on_lost(std::size_t target, std::uint16_t sequence) {
  stats_[target].on_lost(sequence);
}

IntervalFigures TargetStatistics::close_interval(std::size_t target, std::uint64_t transmitted,
                                                 std::uint64_t received, MonoTime now) {
  IntervalState& s = intervals_[target];
  const Duration outage = stats_[target].outage(now).total;
  IntervalFigures f;
  f.transmitted = transmitted - std::min(transmitted, s.transmitted);
  f.received = received - std::min(received, s.received);
  f.rtt = s.rtt;
  f.outage = std::max(Duration::zero(), outage - s.outage);
  s = IntervalState{IntervalRtt{}, transmitted, received, outage};
  return f;
}

}  // namespace bp
