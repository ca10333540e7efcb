#include "shared/text_file.h"

#include <fcntl.h>
#include <unistd.h>

#include "shared/sys_error.h"
#include "shared/unique_fd.h"

namespace bp {

std::optional<std::string> read_text_file(const std::string& path, std::size_t limit) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string text;
  char chunk[4096];
  while (text.size() < limit) {
    const ssize_t n = retry_on_eintr([&] { return ::read(fd.get(), chunk, sizeof chunk); });
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace bp
