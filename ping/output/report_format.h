#pragma once
// Small number-to-text helpers shared by the report formatters (printf-free, locale-free).
// The append_ forms write straight into the caller's text: the reply line is built with them
// for every probe, without temporary strings, heap allocations or printf (see report.h).

#include <cstdint>
#include <string>

namespace bp::report_detail {

// printf "%0*lu": `value` in decimal, left-padded with zeros to `width` digits.
void append_decimal(std::string& out, std::uint64_t value, int width = 1);

// printf "%0*ld": as append_decimal, with a '-' before the padded digits of a negative value.
void append_signed_decimal(std::string& out, std::int64_t value, int width = 1);


// iputils' "%ld.%03ld" of a microsecond count, i.e. milliseconds with 3 decimals.
void append_microseconds_as_ms(std::string& out, std::int64_t microseconds);
std::string microseconds_as_ms(std::int64_t microseconds);

}  // namespace bp::report_detail
