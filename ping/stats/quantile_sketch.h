#pragma once
// QuantileSketch: RTT percentiles over a whole run with a bounded relative error, in at most
// 2 KiB per target (so that 100 000 targets fit), with exact counts however long the run.
//
// Definition of the percentile (nearest rank). Of the n samples added so far, sorted ascending,
// the p-quantile (0 < p <= 1) is the sample of rank r = ceil(p * n), 1-based: p = 0.5 is the
// median, p = 1 the largest sample. p * n is computed in double, as std::ceil(p * n) would be.
// quantile(p) returns an estimate q of that sample x with
//     |q - x| <= kRelativeAccuracy * x + 0.5 ns        (whole nanoseconds: q is rounded)
// i.e. a relative error of at most 1 % for x >= 1 us (0.95 % + 0.5 ns below), provided the
// lowest buckets were never merged (see "Bounded memory" below). Rank 1 (the minimum) and rank n
// (the maximum) are exact. Every estimate lies within [min, max] of the samples, so p999 <= max
// and p50 >= min always hold, and the percentiles agree with the min/max of RttStats when both
// see the same samples (duplicates included).
// nullopt: no samples yet, or p outside (0, 1] (NaN included).
//
// Samples. A sample <= 0 ns (negative, or zero: below the 1 ns resolution) is taken as 1 ns.
//
// How (a log-bucket sketch, as DDSketch). With a = kRelativeAccuracy = 0.0095 and
// gamma = (1 + a) / (1 - a) ~ 1.019182, bucket i holds the samples x (in ns) with
//     gamma^(i-1) < x <= gamma^i,   i.e. i = ceil(log_gamma(x))   (1 ns is bucket 0),
// and stands for the value 2 gamma^i / (gamma + 1), which is within a relative a of everything
// in the bucket. The bounds gamma^i are a table built at compile time (no libm at run time); an
// index is found by binary search in it. a is a little under 1 % to leave room for rounding the
// estimate to whole nanoseconds.
//
// Bounded memory. Counts are kept densely for the buckets between the lowest and highest ever
// used (the window), 16 bits each; a count of 65536 or more keeps its upper bits in a small
// sorted overflow table (bucket, upper 32 bits), so each count is exact up to 2^48 samples.
// Nothing is allocated before the first sample, and the window grows on demand. Two limits:
//   - the window spans at most kMaxBuckets = 768 buckets. A sample that would widen it beyond
//     that merges the lowest buckets into one, so that the window is the 768 highest. This
//     never happens while max/min <= gamma^766 ~ 2.09e6 (e.g. 1 us .. 2 s, 10 us .. 20 s).
//   - at most kMaxOverflowBuckets = 56 buckets hold 65536 samples or more. When a 57th would,
//     the buckets from the lowest up to the second-lowest of those are merged into one.
// A merged bucket keeps its exact count and the representative value of its highest bucket:
// quantiles whose rank falls into it are over-estimated (never below the true value by more
// than a, and never below min); all other quantiles keep the bound above. count() is always
// exact.
// memory_bytes() <= sizeof(QuantileSketch) + 2 * 768 + 8 * 56 = 2032 bytes (the allocator's own
// bookkeeping of the two heap blocks is not counted).
//
// Cost: add() is O(log 2300) for the bucket search, plus O(window) on the rare calls that move
// the window; quantile() is O(window).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

class QuantileSketch {
 public:
  static constexpr double kRelativeAccuracy = 0.0095;
  static constexpr std::size_t kMaxBuckets = 768;
  static constexpr std::size_t kMaxOverflowBuckets = 56;

  QuantileSketch() = default;
  QuantileSketch(const QuantileSketch& other);
  QuantileSketch& operator=(const QuantileSketch& other);
  QuantileSketch(QuantileSketch&& other) noexcept { swap(other); }  // leaves `other` empty
  QuantileSketch& operator=(QuantileSketch&& other) noexcept;
  ~QuantileSketch() = default;

  void add(Duration sample);

  std::uint64_t count() const { return count_; }
  // The nearest-rank p-quantile, estimated as described above.
  std::optional<Duration> quantile(double p) const;
  // sizeof(*this) plus the bytes allocated on the heap.
  std::size_t memory_bytes() const;

 private:
  // The upper bits of one bucket's count (count = low 16 bits in low_ + high * 65536).
  struct Overflow {
    std::uint16_t bucket;
    std::uint32_t high;
  };

  void swap(QuantileSketch& other) noexcept;
  std::uint16_t hi() const { return static_cast<std::uint16_t>(lo_ + width_ - 1); }
  std::uint16_t& low_of(std::uint16_t bucket) const {
    return low_[static_cast<std::size_t>(bucket - lo_)];
  }
  std::uint16_t make_room(std::uint16_t bucket);
  std::uint16_t merge_floor(std::uint16_t floor) const;
  void move_window(std::uint16_t new_lo, std::uint16_t new_hi);
  void relocate_counts(std::uint16_t new_lo, std::size_t new_width);
  void reserve_buckets(std::size_t width);
  std::uint64_t take_below(std::uint16_t bucket);
  void increment(std::uint16_t bucket);
  std::uint64_t bucket_count(std::uint16_t bucket) const;
  void set_bucket_count(std::uint16_t bucket, std::uint64_t count);
  Overflow* find_overflow(std::uint16_t bucket) const;
  bool insert_overflow(std::uint16_t bucket, std::uint32_t high);
  void erase_overflow(Overflow* entry);
  std::uint16_t bucket_of_rank(std::uint64_t rank) const;
  Duration estimate(std::uint16_t bucket) const;

  std::unique_ptr<std::uint16_t[]> low_;   // bucket lo_ + k at index k; capacity_ entries
  std::unique_ptr<Overflow[]> overflow_;   // sorted by bucket; overflow_capacity_ entries
  std::uint64_t count_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
  std::uint16_t lo_ = 0;
  std::uint16_t width_ = 0;
  std::uint16_t capacity_ = 0;
  std::uint8_t overflow_size_ = 0;
  std::uint8_t overflow_capacity_ = 0;
};

}  // namespace bp
