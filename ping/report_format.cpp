#include "ping/report_format.h"

#include <cstdlib>

namespace bp::report_detail {

std::string zero_padded(std::int64_t value, int width) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return value < 0 ? "-" + digits : digits;
}

std::string hex(unsigned value) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  do {
    text.insert(text.begin(), kDigits[value % 16]);
    value /= 16;
  } while (value != 0);
  return text;
}

std::string microseconds_as_ms(std::int64_t microseconds) {
  // Negative values never come from a clock that only moves forward, but print them sanely
  // ("-0.005") rather than as C's "%ld.%03ld" would ("0.-05").
  const std::int64_t magnitude = microseconds < 0 ? -microseconds : microseconds;
  std::string text = microseconds < 0 ? "-" : "";
  text += std::to_string(magnitude / 1000);
  text += '.';
  text += zero_padded(magnitude % 1000, 3);
  return text;
}

}  // namespace bp::report_detail
