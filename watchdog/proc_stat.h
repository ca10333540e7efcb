#pragma once
// The fields of /proc/PID/stat the watchdog needs to tell who is still in better_ping's process
// group (proc(5)): "PID (COMM) STATE PPID PGRP ...". COMM is the program name as the process set
// it, and may hold spaces and parentheses of its own, so the fields after it are found from the
// last ')' of the line. Pure: the caller reads the file.

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace bp {

struct ProcStat {
  pid_t pid = 0;
  char state = '?';  // R, S, D, T, t, Z (terminated, not yet reaped), X (dead), ...
  pid_t pgrp = 0;

  // A process that has terminated (a zombie awaiting its parent, or dead): no signal reaches
  // it any more, and it keeps nothing running.
  bool terminated() const { return state == 'Z' || state == 'X' || state == 'x'; }
};

// Nothing when the text is not a stat line.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// A process ID written in decimal, the whole text ("4242", a /proc entry's name); nothing for
// anything else, 0 and negatives included.
std::optional<pid_t> parse_pid(std::string_view text);

}  // namespace bp
