#include "tests/integration/prom_text.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace bp::it {

namespace {

bool is_name_char(char c, bool first) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return letter || (!first && c >= '0' && c <= '9');
}

std::string_view take_name(std::string_view& rest) {
  std::size_t n = 0;
  while (n < rest.size() && is_name_char(rest[n], n == 0)) ++n;
  const auto name = rest.substr(0, n);
  rest.remove_prefix(n);
  return name;
}

// A quoted label value with the three escapes of the format; rest starts at the quote.
std::optional<std::string> take_quoted(std::string_view& rest) {
  if (rest.empty() || rest.front() != '"') return std::nullopt;
  std::string value;
  for (std::size_t i = 1; i < rest.size(); ++i) {
    const char c = rest[i];
    if (c == '"') {
      rest.remove_prefix(i + 1);
      return value;
    }
    if (c != '\\') {
      value += c;
      continue;
    }
    if (++i == rest.size()) return std::nullopt;
    if (rest[i] == 'n') {
      value += '\n';
    } else if (rest[i] == '\\' || rest[i] == '"') {
      value += rest[i];
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::map<std::string, std::string>> take_labels(std::string_view& rest) {
  std::map<std::string, std::string> labels;
  if (rest.empty() || rest.front() != '{') return labels;
  rest.remove_prefix(1);
  while (!rest.empty() && rest.front() != '}') {
    const std::string key(take_name(rest));
    if (key.empty() || rest.empty() || rest.front() != '=') return std::nullopt;
    rest.remove_prefix(1);
    auto value = take_quoted(rest);
    if (!value || !labels.emplace(key, std::move(*value)).second) return std::nullopt;
    if (!rest.empty() && rest.front() == ',') rest.remove_prefix(1);
  }
  if (rest.empty()) return std::nullopt;
  rest.remove_prefix(1);
  return labels;
}

std::optional<double> parse_value(std::string_view text) {
  const std::string copy(text);
  if (copy.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

std::optional<MetricSample> parse_line(std::string_view line) {
  MetricSample sample;
  sample.name = std::string(take_name(line));
  if (sample.name.empty()) return std::nullopt;
  auto labels = take_labels(line);
  if (!labels || line.empty() || line.front() != ' ') return std::nullopt;
  sample.labels = std::move(*labels);
  line.remove_prefix(1);
  // A timestamp may follow the value; the exporter writes none, so one is an error.
  const auto value = parse_value(line);
  if (!value) return std::nullopt;
  sample.value = *value;
  return sample;
}

}  // namespace

std::optional<std::vector<MetricSample>> parse_exposition(std::string_view text,
                                                          std::string* why) {
  std::vector<MetricSample> samples;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    auto sample = parse_line(line);
    if (!sample) {
      if (why) *why = "line " + std::to_string(number) + " is not a sample: " + std::string(line);
      return std::nullopt;
    }
    samples.push_back(std::move(*sample));
  }
  return samples;
}

std::map<std::string, double> values_by(const std::vector<MetricSample>& samples,
                                        std::string_view name, const std::string& key,
                                        const std::map<std::string, std::string>& also) {
  std::map<std::string, double> values;
  for (const MetricSample& s : samples) {
    if (s.name != name) continue;
    const auto it = s.labels.find(key);
    if (it == s.labels.end()) continue;
    const bool matches = std::all_of(also.begin(), also.end(), [&](const auto& wanted) {
      const auto label = s.labels.find(wanted.first);
      return label != s.labels.end() && label->second == wanted.second;
    });
    if (matches) values[it->second] = s.value;
  }
  return values;
}

std::map<std::string, Buckets> buckets_by(const std::vector<MetricSample>& samples,
                                          std::string_view bucket_name, const std::string& key) {
  std::map<std::string, std::vector<std::pair<double, double>>> pairs;
  for (const MetricSample& s : samples) {
    if (s.name != bucket_name) continue;
    const auto it = s.labels.find(key);
    const auto le = s.labels.find("le");
    if (it == s.labels.end() || le == s.labels.end()) continue;
    const auto bound = parse_value(le->second);
    if (bound) pairs[it->second].emplace_back(*bound, s.value);
  }
  std::map<std::string, Buckets> out;
  for (auto& [target, list] : pairs) {
    std::sort(list.begin(), list.end());
    Buckets& b = out[target];
    for (const auto& [bound, count] : list) {
      b.upper_bounds.push_back(bound);
      b.cumulative.push_back(count);
    }
  }
  return out;
}

std::size_t bucket_index(const std::vector<double>& upper_bounds, double value) {
  return static_cast<std::size_t>(
      std::lower_bound(upper_bounds.begin(), upper_bounds.end(), value) - upper_bounds.begin());
}

std::optional<std::size_t> quantile_bucket(const Buckets& earlier, const Buckets& later,
                                           double q) {
  if (earlier.cumulative.size() != later.cumulative.size() || later.cumulative.empty()) {
    return std::nullopt;
  }
  const double total = later.cumulative.back() - earlier.cumulative.back();
  if (total <= 0) return std::nullopt;
  for (std::size_t i = 0; i < later.cumulative.size(); ++i) {
    if (later.cumulative[i] - earlier.cumulative[i] >= q * total) return i;
  }
  return later.cumulative.size() - 1;
}

const std::vector<double>& default_rtt_bounds() {
  static const std::vector<double> bounds = {
      0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,     0.1,     0.25,   0.5,     1,      2.5,   5,      10,
      std::numeric_limits<double>::infinity()};
  return bounds;
}

std::vector<double> bounds_of(std::string_view list) {
  std::vector<double> bounds;
  while (!list.empty()) {
    const auto comma = std::min(list.find(','), list.size());
    bounds.push_back(parse_value(list.substr(0, comma)).value_or(0));
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  bounds.push_back(std::numeric_limits<double>::infinity());
  return bounds;
}

}  // namespace bp::it
