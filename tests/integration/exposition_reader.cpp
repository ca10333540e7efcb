#include "tests/integration/exposition_reader.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace bp::it {
namespace {

bool name_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return alpha || (!first && c >= '0' && c <= '9');
}

// Reads a label value after its opening quote, undoing the escapes \\, \" and \n; leaves `at`
// after the closing quote. False if the quote never closes.
bool read_quoted(const std::string& line, std::size_t& at, std::string& value) {
  while (at < line.size()) {
    const char c = line[at++];
    if (c == '"') return true;
    if (c != '\\') {
      value += c;
      continue;
    }
    if (at >= line.size()) return false;
    const char escaped = line[at++];
    value += escaped == 'n' ? '\n' : escaped;
  }
  return false;
}

// {a="x",b="y"} starting at `at` (on the brace); leaves `at` after the closing brace.
bool read_labels(const std::string& line, std::size_t& at, Labels& labels) {
  ++at;
  while (at < line.size() && line[at] != '}') {
    const std::size_t start = at;
    while (at < line.size() && name_char(line[at], at == start)) ++at;
    if (at == start || line.compare(at, 2, "=\"") != 0) return false;
    const std::string name = line.substr(start, at - start);
    at += 2;
    std::string value;
    if (!read_quoted(line, at, value)) return false;
    labels[name] = value;
    if (at < line.size() && line[at] == ',') ++at;
  }
  if (at >= line.size()) return false;
  ++at;
  return true;
}

std::optional<double> number(const std::string& text) {
  if (text == "+Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::nan("");
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

std::optional<Sample> parse_sample(const std::string& line) {
  Sample s;
  std::size_t at = 0;
  while (at < line.size() && name_char(line[at], at == 0)) ++at;
  if (at == 0) return std::nullopt;
  s.name = line.substr(0, at);
  if (at < line.size() && line[at] == '{' && !read_labels(line, at, s.labels)) return std::nullopt;
  if (at >= line.size() || line[at] != ' ') return std::nullopt;
  std::istringstream rest(line.substr(at + 1));
  std::string value;
  rest >> value;  // a timestamp may follow; none is expected, and it is not read
  const auto v = number(value);
  if (!v) return std::nullopt;
  s.value = *v;
  return s;
}

}  // namespace

Exposition::Exposition(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.starts_with("#")) continue;
    if (auto sample = parse_sample(line)) {
      samples_.push_back(std::move(*sample));
    } else {
      malformed_.push_back(line);
    }
  }
}

std::vector<const Sample*> Exposition::find_all(const std::string& name,
                                                const Labels& labels) const {
  std::vector<const Sample*> out;
  for (const Sample& s : samples_) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [key, value] : labels) {
      const auto it = s.labels.find(key);
      match = match && it != s.labels.end() && it->second == value;
    }
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

}  // namespace bp::it
