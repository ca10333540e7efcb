#include "tests/integration/exposition_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

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

// {a="x",b="y"} (or nothing) at the start of `rest`, which is left after the closing brace.
std::optional<Labels> take_labels(std::string_view& rest) {
  Labels labels;
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

std::optional<double> number(std::string_view text) {
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  const std::string copy(text);
  if (copy.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

std::optional<Sample> parse_sample(std::string_view line) {
  Sample sample;
  sample.name = std::string(take_name(line));
  if (sample.name.empty()) return std::nullopt;
  auto labels = take_labels(line);
  if (!labels || line.empty() || line.front() != ' ') return std::nullopt;
  sample.labels = std::move(*labels);
  line.remove_prefix(1);
  const auto value = number(line);
  if (!value) return std::nullopt;
  sample.value = *value;
  return sample;
}

}  // namespace

Exposition::Exposition(std::string_view text) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    if (auto sample = parse_sample(line)) {
      samples_.push_back(std::move(*sample));
    } else {
      malformed_.emplace_back(line);
    }
  }
}

std::vector<const Sample*> Exposition::find_all(const std::string& name,
                                                const Labels& labels) const {
  std::vector<const Sample*> out;
  for (const Sample& s : samples_) {
    if (s.name != name) continue;
    const bool match = std::all_of(labels.begin(), labels.end(), [&](const auto& wanted) {
      const auto it = s.labels.find(wanted.first);
      return it != s.labels.end() && it->second == wanted.second;
    });
    if (match) out.push_back(&s);
  }
  return out;
}

std::optional<double> Exposition::value(const std::string& name, const Labels& labels) const {
  const auto found = find_all(name, labels);
  if (found.size() != 1) return std::nullopt;
  return found.front()->value;
}

double le_value(const std::string& le) {
  return number(le).value_or(std::numeric_limits<double>::quiet_NaN());
}

// --- per-target views --------------------------------------------------------------------------

std::map<std::string, double> values_by(const Exposition& e, const std::string& name,
                                        const std::string& key, const Labels& also) {
  std::map<std::string, double> values;
  for (const Sample* s : e.find_all(name, also)) {
    const auto it = s->labels.find(key);
    if (it != s->labels.end()) values[it->second] = s->value;
  }
  return values;
}

std::map<std::string, Buckets> buckets_by(const Exposition& e, const std::string& bucket_name,
                                          const std::string& key) {
  std::map<std::string, std::vector<std::pair<double, double>>> pairs;
  for (const Sample* s : e.find_all(bucket_name)) {
    const auto it = s->labels.find(key);
    const auto le = s->labels.find("le");
    if (it == s->labels.end() || le == s->labels.end()) continue;
    if (const auto bound = number(le->second)) pairs[it->second].emplace_back(*bound, s->value);
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

// --- bucket arithmetic -------------------------------------------------------------------------

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
    bounds.push_back(number(list.substr(0, comma)).value_or(0));
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  bounds.push_back(std::numeric_limits<double>::infinity());
  return bounds;
}

}  // namespace bp::it
