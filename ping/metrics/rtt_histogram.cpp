#include "ping/metrics/rtt_histogram.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <system_error>

#include "ping/cli/message_quote.h"

namespace bp {
namespace {

// The default bounds, in seconds. Why these:
// - 25 us at the low end: loopback and a switched LAN answer in tens of microseconds, and the
//   kernel stamps resolve them; below 25 us everything is "as fast as the host".
// - 10 s at the top: ping's default -W; a reply later than that is lost, not slow.
// - a 1-2.5-5 series in between, 3 bounds per decade: neighbouring bounds differ by a factor
//   of 2 or 2.5, so histogram_quantile's linear interpolation inside a bucket is off by less
//   than the bucket's width, close to smokeping_prober's doubling series (5e-05 * 2^k, 20
//   buckets), while every bound is a round decimal that reads well as an "le" label in a
//   dashboard (0.001, 0.0025, 0.005) and is exact as text.
// 18 bounds and +Inf: 19 counters per target.
constexpr double kDefaultBounds[] = {
    0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,    0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10,
};

std::string quoted(std::string_view text) { return quoted_for_message(text); }

std::string number_text(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// Why `bound` (shown as `text`) cannot follow `previous` (nullptr for the first), or "".
std::string bound_error(double bound, const double* previous, std::string_view text) {
  if (std::isnan(bound)) return "bucket " + quoted(text) + " is not a number";
  if (std::isinf(bound)) return "bucket " + quoted(text) + " is not finite";
  if (bound <= 0) return "bucket " + quoted(text) + " is not positive";
  if (previous != nullptr && bound <= *previous) {
    return "bucket " + quoted(text) + " is not above the one before it (" + number_text(*previous) + ")";
  }
  return {};
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// One element of the list: a decimal number (from_chars' general format: no sign, no hex).
Expected<double, std::string> parse_bound(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    return Unexpected{"bucket " + quoted(text) + " is out of range"};
  }
  if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return Unexpected{"bucket " + quoted(text) + " is not a number"};
  }
  return value;
}

}  // namespace

RttBuckets RttBuckets::default_buckets() {
  return RttBuckets(std::vector<double>(std::begin(kDefaultBounds), std::end(kDefaultBounds)));
}

Expected<RttBuckets, std::string> RttBuckets::make(std::vector<double> upper_bounds) {
  if (upper_bounds.empty()) return Unexpected{std::string("no buckets")};
  if (upper_bounds.size() > kMaxRttBounds) {
    return Unexpected{"more than " + std::to_string(kMaxRttBounds) + " buckets"};
  }
  for (std::size_t i = 0; i < upper_bounds.size(); ++i) {
    const double* previous = i == 0 ? nullptr : &upper_bounds[i - 1];
    std::string error = bound_error(upper_bounds[i], previous, number_text(upper_bounds[i]));
    if (!error.empty()) return Unexpected{std::move(error)};
  }
  return RttBuckets(std::move(upper_bounds));
}

std::size_t RttBuckets::bucket_of(Duration rtt) const {
  const double seconds = static_cast<double>(histogram_nanoseconds(rtt)) / 1e9;
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);
  return static_cast<std::size_t>(it - bounds_.begin());
}

Expected<RttBuckets, std::string> parse_rtt_buckets(std::string_view list) {
  if (trim_spaces(list).empty()) return Unexpected{std::string("no buckets")};
  std::vector<double> bounds;
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view text = trim_spaces(list.substr(0, comma));
    if (bounds.size() == kMaxRttBounds) {
      return Unexpected{"more than " + std::to_string(kMaxRttBounds) + " buckets"};
    }
    auto bound = parse_bound(text);
    if (!bound) return Unexpected{bound.error()};
    std::string error = bound_error(*bound, bounds.empty() ? nullptr : &bounds.back(), text);
    if (!error.empty()) return Unexpected{std::move(error)};
    bounds.push_back(*bound);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return RttBuckets::make(std::move(bounds));
}

void RttHistogram::add(const RttBuckets& buckets, Duration rtt) {
  ++counts[buckets.bucket_of(rtt)];
  sum_ns += histogram_nanoseconds(rtt);
}

std::uint64_t RttHistogram::count() const {
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
}

std::vector<std::uint64_t> RttHistogram::cumulative() const {
  std::vector<std::uint64_t> totals(counts.size());
  std::partial_sum(counts.begin(), counts.end(), totals.begin());
  return totals;
}

std::uint64_t histogram_nanoseconds(Duration rtt) {
  return rtt.count() < 0 ? 0 : static_cast<std::uint64_t>(rtt.count());
}

}  // namespace bp
