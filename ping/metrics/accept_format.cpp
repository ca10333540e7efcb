#include "ping/metrics/accept_format.h"

#include <charconv>
#include <optional>

namespace bp {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RFC 9110's qvalue: "0", "1", or "0." with up to three digits; nothing if malformed.
std::optional<double> parse_quality(std::string_view text) {
  double q = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), q);
  if (error != std::errc{} || end != text.data() + text.size() || q < 0 || q > 1) return std::nullopt;
  return q;
}

struct MediaRange {
  std::string_view type;
  std::string_view version;
  double quality = 1;
};

std::optional<MediaRange> parse_range(std::string_view text) {
  MediaRange range;
  std::size_t semi = text.find(';');
  range.type = trim(text.substr(0, semi));
  while (semi != std::string_view::npos) {
    text.remove_prefix(semi + 1);
    semi = text.find(';');
    const std::string_view param = trim(text.substr(0, semi));
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim(param.substr(0, eq));
    const std::string_view value = trim(param.substr(eq + 1));
    if (equal_ignoring_case(name, "q")) {
      const auto q = parse_quality(value);
      if (!q) return std::nullopt;
      range.quality = *q;
    } else if (equal_ignoring_case(name, "version")) {
      range.version = value;
    }
  }
  return range;
}

}  // namespace

ExpositionFormat format_for_accept(std::string_view accept) {
  double openmetrics = 0;
  double text = 0;
  while (!accept.empty()) {
    const std::size_t comma = accept.find(',');
    const auto range = parse_range(accept.substr(0, comma));
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    if (!range) continue;
    if (equal_ignoring_case(range->type, "application/openmetrics-text")) {
      if (range->version.empty() || range->version == "1.0.0") openmetrics = std::max(openmetrics, range->quality);
    } else if (equal_ignoring_case(range->type, "text/plain") || range->type == "*/*" ||
               equal_ignoring_case(range->type, "text/*")) {
      text = std::max(text, range->quality);
    }
  }
  return openmetrics > 0 && openmetrics >= text ? ExpositionFormat::kOpenMetrics
                                                : ExpositionFormat::kPrometheusText;
}

}  // namespace bp
