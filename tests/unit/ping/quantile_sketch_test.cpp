#include "ping/stats/quantile_sketch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace bp {
namespace {

using namespace std::chrono_literals;

constexpr double kPs[] = {0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0};
constexpr std::size_t kMaxBytes = 2048;

// The definition the sketch estimates: the sample of rank ceil(p * n) in sorted order.
std::int64_t nearest_rank(std::vector<std::int64_t> samples, double p) {
  std::sort(samples.begin(), samples.end());
  const auto n = static_cast<double>(samples.size());
  const auto rank = static_cast<std::size_t>(std::ceil(p * n));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

QuantileSketch sketch_of(const std::vector<std::int64_t>& samples) {
  QuantileSketch sketch;
  for (std::int64_t ns : samples) sketch.add(Duration(ns));
  return sketch;
}

// The documented bound: |q - x| <= 0.95 % of x + 0.5 ns, and 1 % from 1 us up.
void expect_accurate(const QuantileSketch& sketch, const std::vector<std::int64_t>& samples,
                     double p) {
  const std::int64_t exact = nearest_rank(samples, p);
  const auto estimate = sketch.quantile(p);
  ASSERT_TRUE(estimate) << "p = " << p;
  const double error = std::abs(static_cast<double>(estimate->count() - exact));
  EXPECT_LE(error, QuantileSketch::kRelativeAccuracy * static_cast<double>(exact) + 0.5)
      << "p = " << p << ": exact " << exact << " ns, estimate " << estimate->count() << " ns";
  if (exact >= 1000) {
    EXPECT_LE(error, 0.01 * static_cast<double>(exact)) << "p = " << p;
  }
}

void expect_accurate_everywhere(const std::vector<std::int64_t>& samples) {
  const QuantileSketch sketch = sketch_of(samples);
  EXPECT_EQ(sketch.count(), samples.size());
  for (double p : kPs) expect_accurate(sketch, samples, p);
  for (int percent = 1; percent <= 100; ++percent) expect_accurate(sketch, samples, percent / 100.0);
  EXPECT_LE(sketch.memory_bytes(), kMaxBytes);
}

template <typename Distribution>
std::vector<std::int64_t> draw(Distribution distribution, std::uint64_t seed, int n = 5000) {
  std::mt19937_64 random(seed);
  std::vector<std::int64_t> samples;
  for (int i = 0; i < n; ++i) {
    samples.push_back(std::max<std::int64_t>(1, std::llround(distribution(random))));
  }
  return samples;
}

std::vector<std::int64_t> repeated(std::int64_t ns, int n) {
  return std::vector<std::int64_t>(static_cast<std::size_t>(n), ns);
}

std::vector<std::int64_t> joined(std::vector<std::int64_t> a, const std::vector<std::int64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(QuantileSketch, EmptyHasNoQuantilesAndNoHeap) {
  const QuantileSketch sketch;
  EXPECT_EQ(sketch.count(), 0u);
  EXPECT_EQ(sketch.quantile(0.5), std::nullopt);
  EXPECT_EQ(sketch.memory_bytes(), sizeof(QuantileSketch));
}

TEST(QuantileSketch, POutsideZeroToOneHasNoQuantile) {
  const QuantileSketch sketch = sketch_of({1000, 2000});
  EXPECT_EQ(sketch.quantile(0.0), std::nullopt);
  EXPECT_EQ(sketch.quantile(-0.5), std::nullopt);
  EXPECT_EQ(sketch.quantile(1.01), std::nullopt);
  EXPECT_EQ(sketch.quantile(std::nan("")), std::nullopt);
}

TEST(QuantileSketch, SingleSampleIsEveryQuantileExactly) {
  const QuantileSketch sketch = sketch_of({123457});
  for (double p : kPs) EXPECT_EQ(sketch.quantile(p), 123457ns) << p;
}

TEST(QuantileSketch, IdenticalSamplesAreExact) {
  const QuantileSketch sketch = sketch_of(repeated(12345678, 5000));
  for (double p : kPs) EXPECT_EQ(sketch.quantile(p), 12345678ns) << p;
}

TEST(QuantileSketch, MinimumAndMaximumAreExact) {
  const std::vector<std::int64_t> samples = draw(std::uniform_real_distribution(1e5, 5e7), 7);
  const QuantileSketch sketch = sketch_of(samples);
  EXPECT_EQ(sketch.quantile(1.0)->count(), *std::max_element(samples.begin(), samples.end()));
  EXPECT_EQ(sketch.quantile(1e-9)->count(), *std::min_element(samples.begin(), samples.end()));
}

TEST(QuantileSketch, UniformSamples) {
  expect_accurate_everywhere(draw(std::uniform_real_distribution(1e5, 5e7), 1));
}

TEST(QuantileSketch, ExponentialSamples) {
  // 1 ms plus an exponential tail with a mean of 20 ms.
  const auto samples = draw(std::exponential_distribution(1.0 / 2e7), 2);
  std::vector<std::int64_t> shifted;
  for (std::int64_t ns : samples) shifted.push_back(ns + 1000000);
  expect_accurate_everywhere(shifted);
}

TEST(QuantileSketch, LogNormalSamples) {
  expect_accurate_everywhere(draw(std::lognormal_distribution(std::log(2e7), 1.0), 3));
}

TEST(QuantileSketch, ParetoHeavyTail) {
  // x_m = 1 ms, alpha = 1.1, by inversion: x_m / U^(1 / alpha).
  std::mt19937_64 random(4);
  std::uniform_real_distribution<double> uniform(1e-6, 1.0);
  std::vector<std::int64_t> samples;
  for (int i = 0; i < 5000; ++i) {
    samples.push_back(std::llround(1e6 / std::pow(uniform(random), 1.0 / 1.1)));
  }
  expect_accurate_everywhere(samples);
}

TEST(QuantileSketch, TwoFarApartModes) {
  expect_accurate_everywhere(joined(repeated(20000, 2500), repeated(2000000000, 2500)));
  expect_accurate_everywhere(joined(repeated(2000000000, 100), repeated(20000, 900)));
}

TEST(QuantileSketch, AscendingAndDescendingOrder) {
  std::vector<std::int64_t> samples;
  for (std::int64_t i = 1; i <= 5000; ++i) samples.push_back(i * 37000);
  expect_accurate_everywhere(samples);
  std::reverse(samples.begin(), samples.end());
  expect_accurate_everywhere(samples);
}

TEST(QuantileSketch, ValuesOnBucketBoundariesAndOneBeside) {
  // gamma^i rounded to whole ns, and 1 ns either side, from 1 us to about 1 s.
  const double a = QuantileSketch::kRelativeAccuracy;
  const double gamma = (1 + a) / (1 - a);
  std::vector<std::int64_t> samples;
  for (int i = 364; i < 1100; i += 3) {
    const std::int64_t bound = std::llround(std::pow(gamma, i));
    samples.insert(samples.end(), {bound - 1, bound, bound + 1});
  }
  expect_accurate_everywhere(samples);
}

TEST(QuantileSketch, TenSamplesGiveARealP95) {
  // gping reads p95 of 10 samples as 0. Nearest rank: ceil(9.5) = 10, the largest.
  std::vector<std::int64_t> samples;
  for (std::int64_t ms = 10; ms <= 100; ms += 10) samples.push_back(ms * 1000000);
  const QuantileSketch sketch = sketch_of(samples);
  EXPECT_EQ(sketch.quantile(0.95), 100ms);
  expect_accurate_everywhere(samples);
}

TEST(QuantileSketch, CountsBeyondSixteenBitsStayExact) {
  // 200 000 samples of 1 ms, then 100 000 of 5 ms. If the 1 ms count kept only its low 16 bits
  // (200 000 mod 65536 = 3392), rank 198 000 (p = 0.66) would read 5 ms.
  const std::vector<std::int64_t> samples = joined(repeated(1000000, 200000), repeated(5000000, 100000));
  const QuantileSketch sketch = sketch_of(samples);
  EXPECT_EQ(sketch.count(), 300000u);
  EXPECT_NEAR(static_cast<double>(sketch.quantile(0.66)->count()), 1e6, 1e4);
  EXPECT_NEAR(static_cast<double>(sketch.quantile(0.67)->count()), 5e6, 5e4);
  for (double p : kPs) expect_accurate(sketch, samples, p);
  EXPECT_LE(sketch.memory_bytes(), kMaxBytes);
}

TEST(QuantileSketch, SpreadFromOneMicrosecondToOneSecond) {
  // Log-uniform over 1 us .. 1 s, with both ends present.
  std::mt19937_64 random(5);
  std::uniform_real_distribution<double> exponent(0.0, std::log(1e6));
  std::vector<std::int64_t> samples;
  for (int i = 0; i < 10000; ++i) samples.push_back(std::llround(1000 * std::exp(exponent(random))));
  samples.insert(samples.end(), {1000, 1000000000});
  expect_accurate_everywhere(samples);
}

TEST(QuantileSketch, P999IsAtMostMaxAndP50AtLeastMin) {
  for (std::uint64_t seed = 10; seed < 20; ++seed) {
    const auto samples = draw(std::lognormal_distribution(std::log(1e6), 2.0), seed, 1000);
    const QuantileSketch sketch = sketch_of(samples);
    EXPECT_LE(sketch.quantile(0.999)->count(), *std::max_element(samples.begin(), samples.end()));
    EXPECT_GE(sketch.quantile(0.5)->count(), *std::min_element(samples.begin(), samples.end()));
  }
  // Two close samples in one bucket: the representative lies outside both; it is clamped.
  const QuantileSketch close = sketch_of({1000000, 1000001, 1000001});
  EXPECT_GE(close.quantile(0.5)->count(), 1000000);
  EXPECT_LE(close.quantile(0.999)->count(), 1000001);
}

TEST(QuantileSketch, NonPositiveSamplesCountAsOneNanosecond) {
  const QuantileSketch sketch = sketch_of({0, -5, 1});
  EXPECT_EQ(sketch.count(), 3u);
  EXPECT_EQ(sketch.quantile(1.0), 1ns);
  EXPECT_EQ(sketch.quantile(0.1), 1ns);
}

TEST(QuantileSketch, ExtremeSamplesDoNotOverflow) {
  const QuantileSketch sketch = sketch_of({1, Duration::max().count(), Duration::max().count()});
  EXPECT_EQ(sketch.quantile(1.0), Duration::max());
  EXPECT_EQ(sketch.quantile(0.5), Duration::max());
  EXPECT_EQ(sketch.quantile(0.1), 1ns);
  EXPECT_LE(sketch.memory_bytes(), kMaxBytes);
}

TEST(QuantileSketch, BeyondTheGuaranteedRangeOnlyLowQuantilesAreOverestimated) {
  // 1 us .. 10 000 s (1e10): the lowest buckets merge. High quantiles keep the bound; low ones
  // read high, but never below the true value by more than a and never below min.
  std::vector<std::int64_t> samples;
  for (int i = 0; i < 100; ++i) samples.push_back(1000 + i);
  for (int i = 0; i < 900; ++i) samples.push_back(10000000000000 + i * 1000000000LL);
  const QuantileSketch sketch = sketch_of(samples);
  for (double p : {0.2, 0.5, 0.9, 0.99, 1.0}) expect_accurate(sketch, samples, p);
  const auto low = sketch.quantile(0.05);
  ASSERT_TRUE(low);
  EXPECT_GE(static_cast<double>(low->count()), 0.99 * static_cast<double>(nearest_rank(samples, 0.05)));
  EXPECT_LE(sketch.memory_bytes(), kMaxBytes);
}

TEST(QuantileSketch, ManyBucketsBeyondSixteenBitsMergeOnlyTheLowest) {
  // 60 values 5 % apart (60 buckets), 70 000 samples each: more buckets need the upper bits
  // than the 56 overflow entries. Counts stay exact; the high quantiles keep the bound.
  std::vector<std::int64_t> values;
  for (int j = 0; j < 60; ++j) values.push_back(std::llround(1e6 * std::pow(1.05, j)));
  QuantileSketch sketch;
  for (int round = 0; round < 70000; ++round) {
    for (std::int64_t v : values) sketch.add(Duration(v));
  }
  EXPECT_EQ(sketch.count(), 60u * 70000u);
  EXPECT_LE(sketch.memory_bytes(), kMaxBytes);
  for (double p : {0.5, 0.9, 0.99, 0.999}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p * 60 * 70000));
    const std::int64_t exact = values[(rank - 1) / 70000];
    const double estimate = static_cast<double>(sketch.quantile(p)->count());
    EXPECT_NEAR(estimate, static_cast<double>(exact), 0.01 * static_cast<double>(exact)) << p;
  }
  EXPECT_EQ(sketch.quantile(1.0)->count(), values.back());
}

TEST(QuantileSketch, WindowCapWithAFullOverflowTableKeepsCountsExact) {
  // 30 buckets near 1 us with 60 000 samples each (below 65536: no overflow entries) and 56
  // near 100 ms with 70 000 each (the overflow table is full). Then 3000 s widens the window
  // past 768 buckets: the merge cuts through the low buckets, whose 1.8 million samples need an
  // overflow entry, so it goes on up to the lowest high bucket instead of losing counts.
  std::vector<std::int64_t> low;
  std::vector<std::int64_t> high;
  for (int j = 0; j < 30; ++j) low.push_back(std::llround(1000 * std::pow(1.05, j)));
  for (int j = 0; j < 56; ++j) high.push_back(std::llround(1e8 * std::pow(1.05, j)));
  QuantileSketch sketch;
  for (int round = 0; round < 60000; ++round) {
    for (std::int64_t v : low) sketch.add(Duration(v));
  }
  for (int round = 0; round < 70000; ++round) {
    for (std::int64_t v : high) sketch.add(Duration(v));
  }
  sketch.add(3000s);
  const std::uint64_t n = 30 * 60000 + 56 * 70000 + 1;
  EXPECT_EQ(sketch.count(), n);
  EXPECT_LE(sketch.memory_bytes(), kMaxBytes);
  for (double p : {0.4, 0.5, 0.9, 0.99}) {
    const auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n)));
    const std::int64_t exact = high[(rank - 30 * 60000 - 1) / 70000];
    const double estimate = static_cast<double>(sketch.quantile(p)->count());
    EXPECT_NEAR(estimate, static_cast<double>(exact), 0.01 * static_cast<double>(exact)) << p;
  }
  EXPECT_GE(sketch.quantile(0.1)->count(), low[9]);  // merged: over-estimated
  EXPECT_EQ(sketch.quantile(1.0), 3000s);
}

TEST(QuantileSketch, CopyKeepsTheSamples) {
  const auto samples = draw(std::lognormal_distribution(std::log(1e6), 1.0), 21);
  const QuantileSketch original = sketch_of(samples);
  QuantileSketch copy = original;
  EXPECT_EQ(copy.count(), original.count());
  for (double p : kPs) EXPECT_EQ(copy.quantile(p), original.quantile(p));
  copy.add(1s);
  EXPECT_EQ(original.count(), samples.size());
  QuantileSketch assigned;
  assigned = original;
  EXPECT_EQ(assigned.quantile(0.5), original.quantile(0.5));
}

TEST(QuantileSketch, MoveLeavesAnEmptySketch) {
  QuantileSketch original = sketch_of({1000, 2000, 3000});
  const auto median = original.quantile(0.5);
  QuantileSketch moved = std::move(original);
  EXPECT_EQ(moved.count(), 3u);
  EXPECT_EQ(moved.quantile(0.5), median);
  EXPECT_EQ(original.count(), 0u);  // NOLINT(bugprone-use-after-move): the documented state
  original.add(5ms);
  EXPECT_EQ(original.quantile(0.5), 5ms);
  moved = std::move(original);
  EXPECT_EQ(moved.count(), 1u);
}

}  // namespace
}  // namespace bp
