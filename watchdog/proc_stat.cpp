#include "watchdog/proc_stat.h"

#include <charconv>

namespace bp {
namespace {

// Parses a decimal pid at the start of `text` and moves past it.
std::optional<pid_t> take_pid(std::string_view& text) {
  pid_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

bool take_space(std::string_view& text) {
  if (text.empty() || text.front() != ' ') return false;
  text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<pid_t> parse_pid(std::string_view text) {
  const auto pid = take_pid(text);
  if (!pid || !text.empty() || *pid <= 0) return std::nullopt;
  return pid;
}

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  ProcStat stat;
  const auto pid = take_pid(text);
  const std::size_t close = text.rfind(')');
  if (!pid || *pid <= 0 || !text.starts_with(" (") || close == std::string_view::npos) return std::nullopt;
  stat.pid = *pid;
  text.remove_prefix(close + 1);  // " STATE PPID PGRP ..."
  if (!take_space(text) || text.empty()) return std::nullopt;
  stat.state = text.front();
  text.remove_prefix(1);
  if (!take_space(text) || !take_pid(text) || !take_space(text)) return std::nullopt;  // PPID
  const auto pgrp = take_pid(text);
  if (!pgrp || (!text.empty() && text.front() != ' ')) return std::nullopt;
  stat.pgrp = *pgrp;
  return stat;
}

}  // namespace bp
