#pragma once
// The pieces of text a metrics exposition is made of: label values, floats and exact seconds,
// for the Prometheus text format 0.0.4 and OpenMetrics 1.0.0 (exposition.h puts them together).
// Pure; everything appends to the caller's string.

#include <cstdint>
#include <string>
#include <string_view>

namespace bp {

enum class ExpositionFormat { kPrometheusText, kOpenMetrics };

// A label value without its quotes. Both formats escape exactly three characters: backslash as
// \\, double quote as \", newline as \n; everything else passes as it is. The exposition must
// be valid UTF-8, and a target name from a file or a command line need not be: a byte sequence
// that is not well-formed UTF-8 becomes one U+FFFD per maximal ill-formed subpart (Unicode 15,
// section 3.9), as in the JSON output, so both outputs name a target the same way.
void append_label_value(std::string& out, std::string_view value);

// A float in the shortest text that reads back to the same double, in the shape Go's
// strconv.FormatFloat(v, 'g', -1, 64) gives, which Prometheus' own clients write: fixed for
// exponents -4 to 5 ("0.0001", "2.5", "10"), scientific otherwise ("2.5e-05", "1e+06").
// OpenMetrics wants a float to look like one: ".0" is added when there is no '.' or 'e'
// ("1.0"). NaN is written as "NaN" and infinities as "+Inf" / "-Inf" (never produced here).
void append_float(std::string& out, double value, ExpositionFormat format);

// `ns` nanoseconds as exact decimal seconds, without trailing zeros: 1500000 -> "0.0015",
// 2000000000 -> "2" (OpenMetrics: "2.0").
void append_seconds(std::string& out, std::uint64_t ns, ExpositionFormat format);

void append_unsigned(std::string& out, std::uint64_t value);

}  // namespace bp
