#include "ping/stats/quantile_sketch.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <utility>

namespace bp {
namespace {

constexpr double kGamma = (1.0 + QuantileSketch::kRelativeAccuracy) /
                          (1.0 - QuantileSketch::kRelativeAccuracy);
constexpr double kLargestSample = 9223372036854775808.0;  // 2^63, above every int64 count
constexpr std::uint64_t kLowMask = 0xFFFF;

// How many bounds gamma^0, gamma^1, ... it takes to reach 2^63.
constexpr std::size_t bound_total() {
  double bound = 1.0;
  std::size_t n = 1;
  while (bound < kLargestSample) {
    bound *= kGamma;
    ++n;
  }
  return n;
}

constexpr std::size_t kBucketTotal = bound_total();

// kBounds[i] = gamma^i, the upper bound of bucket i. Repeated multiplication drifts by less than
// 1e-12 relative over the whole table: far below the bucket width, and a sample on the wrong
// side of a bound is still within a of either neighbour's representative.
constexpr std::array<double, kBucketTotal> make_bounds() {
  std::array<double, kBucketTotal> bounds{};
  double bound = 1.0;
  for (double& b : bounds) {
    b = bound;
    bound *= kGamma;
  }
  return bounds;
}

constexpr std::array<double, kBucketTotal> kBounds = make_bounds();
static_assert(kBucketTotal <= std::numeric_limits<std::uint16_t>::max());
static_assert(sizeof(QuantileSketch) + 2 * QuantileSketch::kMaxBuckets +
                  8 * QuantileSketch::kMaxOverflowBuckets <= 2048);

std::uint16_t bucket_of(std::int64_t ns) {
  const auto it = std::lower_bound(kBounds.begin(), kBounds.end(), static_cast<double>(ns));
  return static_cast<std::uint16_t>(it - kBounds.begin());
}

// ceil(p * n) without libm (the pinger does not load it; see rtt_stats.cpp).
std::uint64_t nearest_rank(double p, std::uint64_t n) {
  const double exact = p * static_cast<double>(n);
  auto rank = static_cast<std::uint64_t>(exact);
  if (static_cast<double>(rank) < exact) ++rank;
  return std::clamp<std::uint64_t>(rank, 1, n);
}

}  // namespace

QuantileSketch::QuantileSketch(const QuantileSketch& other)
    : count_(other.count_), min_ns_(other.min_ns_), max_ns_(other.max_ns_), lo_(other.lo_),
      width_(other.width_), capacity_(other.capacity_), overflow_size_(other.overflow_size_),
      overflow_capacity_(other.overflow_capacity_) {
  if (capacity_ > 0) {
    low_ = std::make_unique<std::uint16_t[]>(capacity_);
    std::copy_n(other.low_.get(), width_, low_.get());
  }
  if (overflow_capacity_ > 0) {
    overflow_ = std::make_unique<Overflow[]>(overflow_capacity_);
    std::copy_n(other.overflow_.get(), overflow_size_, overflow_.get());
  }
}

QuantileSketch& QuantileSketch::operator=(const QuantileSketch& other) {
  if (this != &other) *this = QuantileSketch(other);
  return *this;
}

QuantileSketch& QuantileSketch::operator=(QuantileSketch&& other) noexcept {
  QuantileSketch taken(std::move(other));
  swap(taken);
  return *this;
}

void QuantileSketch::swap(QuantileSketch& other) noexcept {
  std::swap(low_, other.low_);
  std::swap(overflow_, other.overflow_);
  std::swap(count_, other.count_);
  std::swap(min_ns_, other.min_ns_);
  std::swap(max_ns_, other.max_ns_);
  std::swap(lo_, other.lo_);
  std::swap(width_, other.width_);
  std::swap(capacity_, other.capacity_);
  std::swap(overflow_size_, other.overflow_size_);
  std::swap(overflow_capacity_, other.overflow_capacity_);
}

void QuantileSketch::add(Duration sample) {
  const std::int64_t ns = std::max<std::int64_t>(sample.count(), 1);
  min_ns_ = count_ == 0 ? ns : std::min(min_ns_, ns);
  max_ns_ = count_ == 0 ? ns : std::max(max_ns_, ns);
  ++count_;
  increment(make_room(bucket_of(ns)));
}

// Widens the window to hold `bucket`, merging the lowest buckets if it would get too wide;
// returns the bucket that now counts the sample.
std::uint16_t QuantileSketch::make_room(std::uint16_t bucket) {
  if (width_ == 0) {
    move_window(bucket, bucket);
    return bucket;
  }
  if (bucket >= lo_ && bucket <= hi()) return bucket;
  const std::uint16_t new_hi = std::max(hi(), bucket);
  std::uint16_t new_lo = std::min(lo_, bucket);
  if (static_cast<std::size_t>(new_hi - new_lo) + 1 > kMaxBuckets) {
    new_lo = merge_floor(static_cast<std::uint16_t>(new_hi + 1 - static_cast<int>(kMaxBuckets)));
  }
  move_window(new_lo, new_hi);
  return std::max(bucket, lo_);
}

// The lowest bucket to merge into when the window is capped at `floor`. Normally `floor`
// itself; but if the merged count needs an overflow entry and the table is full with none of
// its entries merged, the merge goes on up to the lowest bucket that has one.
std::uint16_t QuantileSketch::merge_floor(std::uint16_t floor) const {
  if (overflow_size_ < kMaxOverflowBuckets || overflow_[0].bucket <= floor) return floor;
  std::uint64_t merged = 0;
  for (std::uint16_t b = lo_; b <= std::min(floor, hi()); ++b) merged += low_of(b);
  return merged > kLowMask ? overflow_[0].bucket : floor;
}

// Moves the window to [new_lo, new_hi] (new_hi >= hi()); buckets below new_lo are merged into
// new_lo.
void QuantileSketch::move_window(std::uint16_t new_lo, std::uint16_t new_hi) {
  const std::uint64_t merged = take_below(new_lo);
  relocate_counts(new_lo, static_cast<std::size_t>(new_hi - new_lo) + 1);
  lo_ = new_lo;
  width_ = static_cast<std::uint16_t>(new_hi - new_lo + 1);
  if (merged > 0) set_bucket_count(new_lo, bucket_count(new_lo) + merged);
}

// Puts the low counts of the buckets kept (from new_lo up) where the new window wants them,
// in a bigger array if needed, and zeroes the rest.
void QuantileSketch::relocate_counts(std::uint16_t new_lo, std::size_t new_width) {
  std::unique_ptr<std::uint16_t[]> old = nullptr;
  if (new_width > capacity_) old = std::exchange(low_, nullptr);
  const std::uint16_t* const source = old ? old.get() : low_.get();
  reserve_buckets(new_width);
  std::size_t kept_at = 0;
  std::size_t kept = 0;
  const std::uint16_t keep_from = std::max(lo_, new_lo);
  if (width_ > 0 && keep_from <= hi()) {
    kept_at = static_cast<std::size_t>(keep_from - new_lo);
    kept = static_cast<std::size_t>(hi() - keep_from) + 1;
    std::memmove(low_.get() + kept_at, source + (keep_from - lo_), kept * sizeof(std::uint16_t));
  }
  std::fill(low_.get(), low_.get() + kept_at, std::uint16_t{0});
  std::fill(low_.get() + kept_at + kept, low_.get() + new_width, std::uint16_t{0});
}

// Grows the count array (kept contents are the caller's job) to at least `width` entries.
void QuantileSketch::reserve_buckets(std::size_t width) {
  if (width <= capacity_) return;
  const std::size_t grown = std::max<std::size_t>({width, 2u * capacity_, 16u});
  capacity_ = static_cast<std::uint16_t>(std::min(grown, kMaxBuckets));
  low_ = std::make_unique<std::uint16_t[]>(capacity_);
}

// The total count of the buckets below `bucket`; their overflow entries are removed (their
// low counts go with the window move).
std::uint64_t QuantileSketch::take_below(std::uint16_t bucket) {
  std::uint64_t total = 0;
  for (std::uint16_t b = lo_; width_ > 0 && b < bucket && b <= hi(); ++b) total += low_of(b);
  std::size_t taken = 0;
  while (taken < overflow_size_ && overflow_[taken].bucket < bucket) {
    total += std::uint64_t{overflow_[taken].high} << 16;
    ++taken;
  }
  std::copy(overflow_.get() + taken, overflow_.get() + overflow_size_, overflow_.get());
  overflow_size_ = static_cast<std::uint8_t>(overflow_size_ - taken);
  return total;
}

void QuantileSketch::increment(std::uint16_t bucket) {
  std::uint16_t& low = low_of(bucket);
  if (low != kLowMask) {
    ++low;
    return;
  }
  if (overflow_size_ == kMaxOverflowBuckets && find_overflow(bucket) == nullptr) {
    move_window(overflow_[1].bucket, hi());  // frees one entry: the two lowest share one
    bucket = std::max(bucket, lo_);
  }
  set_bucket_count(bucket, bucket_count(bucket) + 1);
}

std::uint64_t QuantileSketch::bucket_count(std::uint16_t bucket) const {
  const Overflow* entry = find_overflow(bucket);
  const std::uint64_t high = entry != nullptr ? entry->high : 0;
  return (high << 16) | low_of(bucket);
}

void QuantileSketch::set_bucket_count(std::uint16_t bucket, std::uint64_t count) {
  constexpr std::uint64_t kMaxCount = (std::uint64_t{0xFFFFFFFF} << 16) | kLowMask;
  count = std::min(count, kMaxCount);  // 2^48: 89 years of a 100 000/s flood into one bucket
  const auto high = static_cast<std::uint32_t>(count >> 16);
  std::uint16_t& low = low_of(bucket);
  Overflow* entry = find_overflow(bucket);
  if (entry != nullptr && high == 0) erase_overflow(entry);
  if (entry != nullptr && high != 0) entry->high = high;
  // Unreachable by construction (callers make room first); saturate rather than lose the count.
  if (entry == nullptr && high != 0 && !insert_overflow(bucket, high)) count = kLowMask;
  low = static_cast<std::uint16_t>(count & kLowMask);
}

QuantileSketch::Overflow* QuantileSketch::find_overflow(std::uint16_t bucket) const {
  Overflow* const end = overflow_.get() + overflow_size_;
  Overflow* const it = std::find_if(overflow_.get(), end,
                                    [bucket](const Overflow& o) { return o.bucket == bucket; });
  return it == end ? nullptr : it;
}

bool QuantileSketch::insert_overflow(std::uint16_t bucket, std::uint32_t high) {
  if (overflow_size_ == kMaxOverflowBuckets) return false;
  if (overflow_size_ == overflow_capacity_) {
    auto grown = std::make_unique<Overflow[]>(overflow_capacity_ + 8u);
    std::copy_n(overflow_.get(), overflow_size_, grown.get());
    overflow_ = std::move(grown);
    overflow_capacity_ = static_cast<std::uint8_t>(overflow_capacity_ + 8);
  }
  Overflow* const end = overflow_.get() + overflow_size_;
  Overflow* const at = std::find_if(overflow_.get(), end,
                                    [bucket](const Overflow& o) { return o.bucket > bucket; });
  std::copy_backward(at, end, end + 1);
  *at = Overflow{bucket, high};
  ++overflow_size_;
  return true;
}

void QuantileSketch::erase_overflow(Overflow* entry) {
  std::copy(entry + 1, overflow_.get() + overflow_size_, entry);
  --overflow_size_;
}

std::optional<Duration> QuantileSketch::quantile(double p) const {
  if (count_ == 0 || !(p > 0.0 && p <= 1.0)) return std::nullopt;
  const std::uint64_t rank = nearest_rank(p, count_);
  if (rank == 1) return Duration(min_ns_);
  if (rank == count_) return Duration(max_ns_);
  return estimate(bucket_of_rank(rank));
}

// The bucket holding the sample of that rank: walks the window, adding the overflow entries
// (sorted like the window) as it meets them.
std::uint16_t QuantileSketch::bucket_of_rank(std::uint64_t rank) const {
  std::uint64_t seen = 0;
  std::size_t entry = 0;
  for (std::size_t k = 0; k < width_; ++k) {
    const auto bucket = static_cast<std::uint16_t>(lo_ + k);
    seen += low_[k];
    if (entry < overflow_size_ && overflow_[entry].bucket == bucket) {
      seen += std::uint64_t{overflow_[entry++].high} << 16;
    }
    if (seen >= rank) return bucket;
  }
  return hi();
}

Duration QuantileSketch::estimate(std::uint16_t bucket) const {
  const double value = 2.0 * kBounds[bucket] / (kGamma + 1.0);
  // Compared in double first: a value near 2^63 must not be converted to int64.
  if (value >= static_cast<double>(max_ns_)) return Duration(max_ns_);
  if (value <= static_cast<double>(min_ns_)) return Duration(min_ns_);
  const auto rounded = static_cast<std::int64_t>(value + 0.5);
  return Duration(std::clamp(rounded, min_ns_, max_ns_));
}

std::size_t QuantileSketch::memory_bytes() const {
  return sizeof(*this) + capacity_ * sizeof(std::uint16_t) +
         overflow_capacity_ * sizeof(Overflow);
}

}  // namespace bp
