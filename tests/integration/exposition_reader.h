#pragma once
// Reads a scrape of /metrics (Prometheus text 0.0.4 or OpenMetrics 1.0.0) back into samples,
// for the exporter's integration tests: a sample is found by its name and some of its labels,
// whatever the order the labels are written in; per-target views of a scrape; and the bucket
// arithmetic the RTT comparisons use. Written apart from ping/metrics (it shares no code with
// it), so that it checks it.
//
// Test code: it allocates freely.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bp::it {

using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  Labels labels;  // values unescaped
  double value = 0;
};

class Exposition {
 public:
  // Parses `text`. A sample line is `name{label="value",...} number`: a label named twice, an
  // escape other than \\, \" and \n, or anything after the number (the exporter writes no
  // timestamps) makes it malformed. A line that is neither a comment nor a sample goes to
  // malformed_lines(), so a test can require there is none.
  explicit Exposition(std::string_view text);

  const std::vector<Sample>& samples() const { return samples_; }
  const std::vector<std::string>& malformed_lines() const { return malformed_; }

  // The samples named `name` whose labels include every pair of `labels`.
  std::vector<const Sample*> find_all(const std::string& name, const Labels& labels = {}) const;
  // The value of the only such sample; nullopt if there is none or more than one.
  std::optional<double> value(const std::string& name, const Labels& labels = {}) const;
  // Whether some sample has this name (and labels).
  bool has(const std::string& name, const Labels& labels = {}) const {
    return !find_all(name, labels).empty();
  }

 private:
  std::vector<Sample> samples_;
  std::vector<std::string> malformed_;
};

// The value of a label `le` ("0.025", "2.5e-05", "+Inf", "1.0") as a number.
double le_value(const std::string& le);

// --- per-target views --------------------------------------------------------------------------

// The value of the samples called `name`, keyed by their label `key` (e.g. "target"); only
// samples that also carry every label of `also` with that value.
std::map<std::string, double> values_by(const Exposition& e, const std::string& name,
                                        const std::string& key, const Labels& also = {});

// A histogram's cumulative bucket counts per value of label `key`, in ascending order of
// "le" ("+Inf" last): `bucket_name` is e.g. "better_ping_rtt_seconds_bucket".
struct Buckets {
  std::vector<double> upper_bounds;  // +Inf included, last
  std::vector<double> cumulative;    // one per bound
};
std::map<std::string, Buckets> buckets_by(const Exposition& e, const std::string& bucket_name,
                                          const std::string& key);

// --- bucket arithmetic -------------------------------------------------------------------------

// The index of the bucket `value` falls in: the first upper bound >= value (Prometheus' le).
std::size_t bucket_index(const std::vector<double>& upper_bounds, double value);

// The bucket that holds the q-quantile of the observations made between two readings of one
// histogram (`later` minus `earlier`): the first bucket whose cumulative count reaches
// q * total. nullopt if nothing was observed in between.
std::optional<std::size_t> quantile_bucket(const Buckets& earlier, const Buckets& later, double q);

// The exporter's default RTT buckets, 25 us .. 10 s in a 1-2.5-5 series, with +Inf.
const std::vector<double>& default_rtt_bounds();

// The same series extended down to 1 us, as a --metrics-buckets list. The kernel of a test
// namespace answers in a few microseconds, all within the first default bucket, where a
// comparison of medians would prove nothing. Finer steps would be finer than the JSON
// summary's own resolution (its milliseconds have 3 decimals: 1 us).
inline constexpr const char* kFineRttBuckets =
    "0.000001,0.0000025,0.000005,0.00001,0.000025,0.00005,0.0001,0.00025,0.0005,0.001,0.0025,"
    "0.005,0.01,0.025,0.05,0.1,0.25,0.5,1,2.5,5,10";

// The bounds of a --metrics-buckets list, with +Inf added.
std::vector<double> bounds_of(std::string_view list);

}  // namespace bp::it
