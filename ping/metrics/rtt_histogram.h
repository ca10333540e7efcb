#pragma once
// RTT histograms for the metrics exporter (issue 14): the bucket upper bounds, which every
// target shares, and one target's counts as a plain value (what a snapshot holds).
//
// A reply of RTT r falls in the first bucket whose upper bound b has r <= b (Prometheus' "le"),
// or in the last, +Inf, bucket. r is compared as double(r in ns) / 1e9, a correctly rounded
// quotient, so an RTT exactly equal to a bound given as a decimal ("0.001" and 1 000 000 ns)
// lands in that bound's bucket. Counts are kept per bucket, not cumulative; the exposition
// adds them up. The count is the sum of the bucket counts, so "+Inf" always equals _count.
// The sum is kept in integer nanoseconds so it is exact (and printed exactly). A negative
// RTT (a clock step the session could not rule out) counts in the first bucket and adds 0.
//
// Pure: no clock, no I/O.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shared/expected.h"
#include "shared/mono_time.h"

namespace bp {

// At most this many upper bounds (the +Inf bucket comes on top).
inline constexpr std::size_t kMaxRttBounds = 64;

class RttBuckets {
 public:
  // The default: 25 us to 10 s in a 1-2.5-5 series (see rtt_histogram.cpp for why).
  static RttBuckets default_buckets();
  // `upper_bounds` in seconds: 1 to 64 of them, each positive and finite, strictly increasing.
  // The error is one line of text, as parse_rtt_buckets() gives it.
  static Expected<RttBuckets, std::string> make(std::vector<double> upper_bounds);

  std::span<const double> upper_bounds() const { return bounds_; }
  // The buckets a histogram has: one per upper bound, and +Inf's.
  std::size_t bucket_count() const { return bounds_.size() + 1; }
  // The bucket `rtt` falls in (the last is +Inf's).
  std::size_t bucket_of(Duration rtt) const;

 private:
  explicit RttBuckets(std::vector<double> bounds) : bounds_(std::move(bounds)) {}
  std::vector<double> bounds_;
};

// A comma-separated list of upper bounds in seconds, as given on a command line:
// "0.0001,0.0005,0.001". Spaces around an element are allowed. Errors name the element, e.g.
//   bucket "abc" is not a number
//   bucket "0" is not positive
//   bucket "0.001" is not above the one before it (0.002)
Expected<RttBuckets, std::string> parse_rtt_buckets(std::string_view list);

// One target's RTT histogram as a plain value.
struct RttHistogram {
  std::vector<std::uint64_t> counts;  // per bucket, not cumulative; the last is +Inf's
  std::uint64_t sum_ns = 0;           // sum of the RTTs, in nanoseconds

  RttHistogram() = default;
  explicit RttHistogram(const RttBuckets& buckets) : counts(buckets.bucket_count(), 0) {}

  void add(const RttBuckets& buckets, Duration rtt);
  // How many RTTs: the sum of the bucket counts.
  std::uint64_t count() const;
  // Running totals: element i counts the RTTs <= bound i; the last equals count().
  std::vector<std::uint64_t> cumulative() const;
};

// The RTT in whole nanoseconds as the histogram adds it (negative becomes 0).
std::uint64_t histogram_nanoseconds(Duration rtt);

}  // namespace bp
