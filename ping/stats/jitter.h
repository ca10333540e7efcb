#pragma once
// Jitter: RFC 3550's interarrival jitter estimator (section 6.4.1, appendix A.8) applied to ping.
//
// For consecutive replies i-1, i in sequence order (the caller leaves out duplicates and
// reordered replies), D = RTT_i - RTT_{i-1}, and
//     J = J + (|D| - J) / 16,        J = 0 before the second reply,
// so the first value is |D_1| / 16 and, for a steady |D| = d, J tends to d.
// value() is J in nanoseconds, rounded to the nearest one; nullopt before the second RTT.
// A negative RTT is taken as 0 (as RttStats does).
//
// Two known mistakes are kept out (tests/unit/ping/jitter_test.cpp catches each):
//   - mtr keeps RFC 3550's fixed-point form J16 = 16 J and prints it unscaled (16x too large);
//     here value() is J itself.
//   - gping averages the differences of a SORTED buffer, which is (max - min) / (n - 1) and
//     ignores the order the RTTs came in; here D is between neighbours in sequence order.
//
// Precision: J is a double in nanoseconds. Its 53-bit mantissa keeps well below a nanosecond
// for any RTT under about 100 days, and unlike RFC 3550's int32 fixed point (J16, ns x 16) it
// cannot overflow for any int64 difference. Each step adds a relative rounding error of at most
// 2^-53, and earlier errors shrink by 15/16 per step, so the total stays negligible.
//
// Cost: add() is O(1), no allocation; 24 bytes.

#include <algorithm>
#include <cstdint>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

class Jitter {
 public:
  void add(Duration rtt) {
    const std::int64_t ns = std::max<std::int64_t>(rtt.count(), 0);
    if (has_previous_) {
      // Both are >= 0, so the difference cannot overflow.
      const std::int64_t d = ns > previous_ns_ ? ns - previous_ns_ : previous_ns_ - ns;
      jitter_ns_ += (static_cast<double>(d) - jitter_ns_) / 16.0;
      has_value_ = true;
    }
    previous_ns_ = ns;
    has_previous_ = true;
  }

  std::optional<Duration> value() const {
    if (!has_value_) return std::nullopt;
    // J <= the largest |D| <= INT64_MAX, but that rounds up to 2^63 in double.
    if (jitter_ns_ >= 9.2e18) return Duration::max();
    return Duration(static_cast<Duration::rep>(jitter_ns_ + 0.5));
  }

 private:
  double jitter_ns_ = 0.0;
  std::int64_t previous_ns_ = 0;
  bool has_previous_ = false;
  bool has_value_ = false;
};

}  // namespace bp
