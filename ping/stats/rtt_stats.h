#pragma once
// RttStats: the round-trip statistics of the summary line
//   rtt min/avg/max/mdev = ... ms[, ipg/ewma .../... ms]
// with iputils' definitions (ping_common.c, finish() and gather_statistics()):
//
//   samples  every reply with a time, duplicates included: n = received + duplicates.
//            The caller adds the RTT of First AND Duplicate replies, as iputils does.
//   min/max  over all samples.
//   avg      sum / n, truncated to whole nanoseconds.
//   mdev     the POPULATION standard deviation sqrt(sum(x^2)/n - avg^2) (not a mean deviation,
//            and not the sample deviation with n - 1; iputils #43, #332), rounded to the
//            nearest nanosecond.
//   ewma     iputils' exponentially weighted moving average with alpha = 1/8, kept as iputils
//            keeps it: in whole microseconds, fixed point times 8. A sample t (the RTT truncated
//            to whole microseconds) does
//                if (ewma8 == 0) ewma8 = 8 t;  else ewma8 += t - ewma8 / 8;   (integer division)
//            and the printed value is ewma8 / 8 microseconds. The "== 0" test (not "first
//            sample") is iputils' own: a run of 0 us samples restarts from the next sample.
//
// Precision and overflow. RTTs are in nanoseconds, so the printed microsecond values are
// truncations of precise ones; they may differ from iputils in the last digit only where
// iputils had already truncated each sample to a microsecond. The sum is an exact 128-bit
// integer. The variance uses Welford's running update in long double: it cannot overflow for
// any int64 RTT (iputils' squared sum could, CVE-2025-48964) and it does not lose the spread
// of close samples to cancellation. The EWMA is 64-bit (iputils' int would overflow above
// about 268 s). A negative RTT is taken as 0, as iputils does.
//
// Cost: add() is O(1), no allocation.

#include <cstdint>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

struct RttSummary {
  Duration min{};
  Duration avg{};
  Duration max{};
  Duration mdev{};
};

class RttStats {
 public:
  void add(Duration rtt);

  std::uint64_t samples() const { return samples_; }
  // nullopt while there are no samples (iputils then prints no rtt line).
  std::optional<RttSummary> summary() const;
  // Whole microseconds, as iputils prints it; nullopt while there are no samples.
  std::optional<Duration> ewma() const;
  // The largest sample so far; nullopt while there are none.
  std::optional<Duration> max() const;

 private:
  __extension__ using Int128 = __int128;

  std::uint64_t samples_ = 0;
  Duration min_{};
  Duration max_{};
  Int128 sum_ns_ = 0;
  long double mean_ns_ = 0;  // Welford's running mean and sum of squared deviations
  long double m2_ = 0;
  std::int64_t ewma8_us_ = 0;
};

}  // namespace bp
