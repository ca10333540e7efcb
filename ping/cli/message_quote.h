#pragma once
// Text from a user (a file's line, an option's value) inside a one-line error message: in
// single quotes, each byte outside printable ASCII as \xNN, a quote as \' and a backslash as
// \\, cut after 128 bytes ('...'...). Whatever the text holds, the message stays one line of
// printable ASCII: no byte can end it, fake a quote or reach the terminal as a control sequence.

#include <string>
#include <string_view>

namespace bp {

std::string quoted_for_message(std::string_view text);

// Appends byte `c` as \xNN (lower-case hex).
void append_hex_escape(std::string& out, char c);

}  // namespace bp
