#pragma once
// Durations as exact decimal seconds, for command lines and messages: better_ping passes its
// watchdog timeout this way (the watchdog's Hello check compares it to the nanosecond), and
// both programs print durations in their messages with it.

#include <chrono>
#include <string>

namespace bp {

// The shortest plain decimal that reads back as exactly `d` (d >= 0; negative prints as 0):
// 500 ms -> "0.5", 10 s -> "10", 1 ns -> "0.000000001". No exponent, no locale.
std::string format_seconds(std::chrono::nanoseconds d);

}  // namespace bp
