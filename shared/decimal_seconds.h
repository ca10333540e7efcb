#pragma once
// Seconds written in decimal ("1", "0.2", ".5", "1e-3", "-1") turned into whole nanoseconds
// exactly, with integer arithmetic: no floating point, no locale, no rounding surprises
// (0.1 s is 100000000 ns, not 99999999). The result is rounded to the nearest nanosecond,
// halves away from zero, and saturates at the limits of int64 nanoseconds (about 292 years),
// far beyond every range an option allows.

#include <chrono>
#include <optional>
#include <string_view>

namespace bp {

// Nothing for text that is not such a number (empty, "abc", "1.2.3", "1e", "inf", "0x10").
// Leading white space and '+' are the caller's business.
std::optional<std::chrono::nanoseconds> parse_decimal_seconds(std::string_view text);

}  // namespace bp
