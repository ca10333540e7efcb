#include "ping/stats/rtt_stats.h"

#include <algorithm>
#include <cstdint>

namespace bp {
namespace {

// sqrt(x) rounded to the nearest integer, by Newton's iteration in long double. Done by hand
// so that the pinger does not load libm for one square root (resident memory, see bench/).
std::uint64_t rounded_sqrt(long double x) {
  if (!(x > 0.0L)) return 0;
  long double r = x > 1.0L ? x : 1.0L;
  for (int i = 0; i < 200; ++i) {  // from above, Newton decreases monotonically to the root
    const long double next = (r + x / r) / 2.0L;
    if (!(next < r)) break;
    r = next;
  }
  return static_cast<std::uint64_t>(r + 0.5L);
}

}  // namespace

void RttStats::add(Duration rtt) {
  rtt = std::max(rtt, Duration::zero());
  ++samples_;
  if (samples_ == 1) {
    min_ = max_ = rtt;
  } else {
    min_ = std::min(min_, rtt);
    max_ = std::max(max_, rtt);
  }
  sum_ns_ += rtt.count();

  const auto x = static_cast<long double>(rtt.count());
  const long double delta = x - mean_ns_;
  mean_ns_ += delta / static_cast<long double>(samples_);
  m2_ += delta * (x - mean_ns_);

  const std::int64_t t_us = rtt.count() / 1000;
  if (ewma8_us_ == 0) {
    ewma8_us_ = t_us * 8;
  } else {
    ewma8_us_ += t_us - ewma8_us_ / 8;
  }
}

std::optional<RttSummary> RttStats::summary() const {
  if (samples_ == 0) return std::nullopt;
  RttSummary s;
  s.min = min_;
  s.max = max_;
  s.avg = Duration(static_cast<Duration::rep>(sum_ns_ / samples_));
  // m2_ may come out a hair below zero for identical samples; sqrt of that would be NaN.
  const long double variance = std::max(m2_ / static_cast<long double>(samples_), 0.0L);
  s.mdev = Duration(static_cast<Duration::rep>(rounded_sqrt(variance)));
  return s;
}

std::optional<Duration> RttStats::ewma() const {
  if (samples_ == 0) return std::nullopt;
  return std::chrono::microseconds(ewma8_us_ / 8);
}

std::optional<Duration> RttStats::max() const {
  if (samples_ == 0) return std::nullopt;
  return max_;
}

}  // namespace bp
