#include "watchdog/process_group.h"

#include <dirent.h>

#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shared/text_file.h"
#include "watchdog/proc_stat.h"

namespace bp {
namespace {

std::optional<pid_t> numeric_name(std::string_view name) {
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), pid);
  if (error != std::errc() || end != name.data() + name.size() || pid <= 0) return std::nullopt;
  return pid;
}

}  // namespace

std::vector<pid_t> live_group_members(pid_t pgid, pid_t self) {
  std::vector<pid_t> members;
  const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), &::closedir);
  if (!proc) return members;
  while (const dirent* entry = ::readdir(proc.get())) {
    const auto pid = numeric_name(entry->d_name);
    if (!pid || *pid == self) continue;
    // Gone since the listing: not a member any more.
    const auto text = read_text_file("/proc/" + std::string(entry->d_name) + "/stat", 1024);
    if (!text) continue;
    const auto stat = parse_proc_stat(*text);
    if (stat && stat->pgrp == pgid && !stat->terminated()) members.push_back(*pid);
  }
  return members;
}

}  // namespace bp
