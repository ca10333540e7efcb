#pragma once
// Reading the exporter's /metrics text back in the integration tests (issue 14): the samples
// of a Prometheus text format 0.0.4 page, per-target views of them, and the bucket arithmetic
// the RTT comparisons use. Written apart from ping/metrics (it shares no code with it), so
// that it checks it.
//
// Test code: it allocates freely.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bp::it {

struct MetricSample {
  std::string name;
  std::map<std::string, std::string> labels;  // values unescaped
  double value = 0;
};

// Every sample line of `text` ("#" lines skipped). nullopt with the reason in `why` if a line
// is not `name{label="value",...} number`.
std::optional<std::vector<MetricSample>> parse_exposition(std::string_view text,
                                                          std::string* why = nullptr);

// The value of the samples called `name`, keyed by their label `key` (e.g. "target"); only
// samples that also carry every label of `also` with that value.
std::map<std::string, double> values_by(const std::vector<MetricSample>& samples,
                                        std::string_view name, const std::string& key,
                                        const std::map<std::string, std::string>& also = {});

// A histogram's cumulative bucket counts per value of label `key`, in ascending order of
// "le" ("+Inf" last): `bucket_name` is e.g. "better_ping_rtt_seconds_bucket".
struct Buckets {
  std::vector<double> upper_bounds;  // +Inf included, last
  std::vector<double> cumulative;    // one per bound
};
std::map<std::string, Buckets> buckets_by(const std::vector<MetricSample>& samples,
                                          std::string_view bucket_name, const std::string& key);

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
