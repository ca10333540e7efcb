#include "shared/pidfd.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <string>
#include <string_view>

#include "shared/text_file.h"

namespace bp {

Expected<UniqueFd, SysError> open_pidfd(pid_t pid) {
  const long fd = ::syscall(SYS_pidfd_open, pid, 0U);
  if (fd < 0) return Unexpected{last_error("pidfd_open")};
  return UniqueFd(static_cast<int>(fd));
}

std::optional<SysError> pidfd_send(int pidfd, int signal) {
  const long rc = retry_on_eintr([&] { return ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0U); });
  if (rc != 0) return last_error("pidfd_send_signal");
  return std::nullopt;
}

std::optional<pid_t> pidfd_target(int fd) {
  if (fd < 0) return std::nullopt;
  // Only pidfds have a "Pid:" line in fdinfo; a closed fd has no fdinfo file at all.
  const std::optional<std::string> info = read_text_file("/proc/self/fdinfo/" + std::to_string(fd));
  if (!info) return std::nullopt;
  constexpr std::string_view kKey = "\nPid:";
  const std::size_t at = info->find(kKey);
  if (at == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(*info).substr(at + kKey.size());
  while (!rest.empty() && (rest.front() == '\t' || rest.front() == ' ')) rest.remove_prefix(1);
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || (end != rest.data() + rest.size() && *end != '\n')) return std::nullopt;
  return pid;
}

}  // namespace bp
