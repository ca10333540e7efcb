#include "ping/metrics/exposition_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "ping/output/utf8_scan.h"

namespace bp {
namespace {

// What to write instead of the byte or sequence at the start of `text` (empty: itself), and
// how many bytes that is.
struct Replacement {
  std::string_view text;
  std::size_t length;
};

Replacement replacement_at(std::string_view text) {
  const auto c = static_cast<unsigned char>(text[0]);
  if (c == '\\') return {"\\\\", 1};
  if (c == '"') return {"\\\"", 1};
  if (c == '\n') return {"\\n", 1};
  if (c < 0x80) return {{}, 1};
  const Utf8Sequence scan = scan_utf8(text);
  return {scan.well_formed ? std::string_view{} : kUtf8Replacement, scan.length};
}

void append_chars(std::string& out, double value, std::chars_format format) {
  char buffer[40];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  out.append(buffer, result.ptr);
}

// The decimal exponent of `value` (finite, non-zero) as the shortest scientific text shows it.
int decimal_exponent(double value) {
  char buffer[40];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<std::size_t>(result.ptr - buffer));
  int exponent = 0;
  const std::string_view digits = text.substr(text.find('e') + 1);
  const std::size_t skip = digits.front() == '+' ? 1 : 0;
  std::from_chars(digits.data() + skip, digits.data() + digits.size(), exponent);
  return exponent;
}

bool looks_like_integer(std::string_view text) {
  return text.find_first_of(".eE") == std::string_view::npos;
}

}  // namespace

void append_label_value(std::string& out, std::string_view value) {
  // Bytes that need no change are copied in runs, not one by one.
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < value.size()) {
    const Replacement r = replacement_at(value.substr(i));
    if (!r.text.empty()) {
      out.append(value.data() + run_start, i - run_start);
      out += r.text;
      run_start = i + r.length;
    }
    i += r.length;
  }
  out.append(value.data() + run_start, value.size() - run_start);
}

void append_float(std::string& out, double value, ExpositionFormat format) {
  if (std::isnan(value)) return void(out += "NaN");
  if (std::isinf(value)) return void(out += value > 0 ? "+Inf" : "-Inf");
  const std::size_t start = out.size();
  const int exponent = value == 0 ? 0 : decimal_exponent(value);
  const bool fixed = exponent >= -4 && exponent < 6;
  append_chars(out, value, fixed ? std::chars_format::fixed : std::chars_format::scientific);
  if (format == ExpositionFormat::kOpenMetrics && looks_like_integer(std::string_view(out).substr(start))) {
    out += ".0";
  }
}

void append_seconds(std::string& out, std::uint64_t ns, ExpositionFormat format) {
  constexpr std::uint64_t kPerSecond = 1'000'000'000;
  append_unsigned(out, ns / kPerSecond);
  std::uint64_t fraction = ns % kPerSecond;
  if (fraction == 0) {
    if (format == ExpositionFormat::kOpenMetrics) out += ".0";
    return;
  }
  int digits = 9;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  char buffer[16];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, fraction);
  const auto written = static_cast<int>(result.ptr - buffer);
  out += '.';
  out.append(static_cast<std::size_t>(digits - written), '0');
  out.append(buffer, result.ptr);
}

void append_unsigned(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

}  // namespace bp
