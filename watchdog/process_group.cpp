#include "watchdog/process_group.h"

#include <dirent.h>

#include <memory>
#include <optional>
#include <string>

#include "shared/text_file.h"
#include "watchdog/proc_stat.h"

namespace bp {

std::vector<pid_t> live_group_members(pid_t pgid, pid_t self) {
  std::vector<pid_t> members;
  const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), &::closedir);
  if (!proc) return members;
  while (const dirent* entry = ::readdir(proc.get())) {
    const auto pid = parse_pid(entry->d_name);
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
