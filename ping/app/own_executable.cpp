#include "ping/app/own_executable.h"

#include <unistd.h>

#include <array>

namespace bp {

std::optional<std::string> own_executable_path() {
  std::array<char, 4096> path{};
  const ssize_t n = readlink("/proc/self/exe", path.data(), path.size());
  // readlink does not terminate the text and truncates silently: a full buffer may be cut.
  if (n <= 0 || static_cast<std::size_t>(n) >= path.size()) return std::nullopt;
  return std::string(path.data(), static_cast<std::size_t>(n));
}

}  // namespace bp
