#pragma once
// Durations as exact decimal seconds, for command lines and messages: better_ping passes its
// watchdog timeout this way (the watchdog's Hello check compares it to the nanosecond), and
// both programs print durations in their messages with it.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace bp {

// The shortest plain decimal that reads back as exactly `d` (d >= 0; negative prints as 0):
// 500 ms -> "0.5", 10 s -> "10", 1 ns -> "0.000000001". No exponent, no locale.
std::string format_seconds(std::chrono::nanoseconds d);

// Reads back what format_seconds() writes: a plain decimal with at most 9 decimals, no sign,
// exponent or blanks ("10", "0.5", "2.000000001"), so it converts to nanoseconds exactly.
// "0.5" -> 500 ms; nothing for any other text, or for 9223372036 s and more. The numbers of
// the pinger's options (signs, exponents) are read by parse_decimal_seconds()
// (shared/decimal_seconds.h), which gives the same value for every text this accepts.
std::optional<std::chrono::nanoseconds> parse_seconds(std::string_view text);

}  // namespace bp
