#pragma once
// Reads a small text file (a /proc or /sys entry) whole, with plain open/read: no iostreams,
// whose static initialisation alone would add to every process's resident memory.

#include <optional>
#include <string>

namespace bp {

// Nothing when the file cannot be opened or read. Reads at most `limit` bytes.
std::optional<std::string> read_text_file(const std::string& path, std::size_t limit = 65536);

}  // namespace bp
