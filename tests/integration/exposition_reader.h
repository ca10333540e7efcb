#pragma once
// Reads a scrape of /metrics (Prometheus text 0.0.4 or OpenMetrics 1.0.0) back into samples,
// for the exporter's integration tests: a sample is found by its name and some of its labels,
// whatever the order the labels are written in.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bp::it {

using Labels = std::map<std::string, std::string>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

class Exposition {
 public:
  // Parses `text`; a line that is neither a comment nor a well-formed sample goes to
  // malformed_lines(), so a test can require there is none.
  explicit Exposition(const std::string& text);

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

}  // namespace bp::it
