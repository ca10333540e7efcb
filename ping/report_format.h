#pragma once
// Small number-to-text helpers shared by the report formatters (printf-free, locale-free).

#include <cstdint>
#include <string>

namespace bp::report_detail {

// printf "%0*ld": `value` in decimal, left-padded with zeros to `width` digits.
std::string zero_padded(std::int64_t value, int width);

// printf "%x": lowercase hex without padding.
std::string hex(unsigned value);

// iputils' "%ld.%03ld" of a microsecond count, i.e. milliseconds with 3 decimals.
std::string microseconds_as_ms(std::int64_t microseconds);

}  // namespace bp::report_detail
