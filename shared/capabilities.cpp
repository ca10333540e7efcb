#include "shared/capabilities.h"

#include "shared/text_file.h"

#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace bp {
namespace {

struct CapFree {
  void operator()(cap_t caps) const { cap_free(caps); }
};
using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

bool flag_is_set(cap_t caps, cap_value_t cap, cap_flag_t which) {
  cap_flag_value_t value = CAP_CLEAR;
  return cap_get_flag(caps, cap, which, &value) == 0 && value == CAP_SET;
}

std::optional<SysError> set_effective(cap_value_t cap, cap_flag_value_t value) {
  CapPtr caps(cap_get_proc());
  if (!caps) return last_error("cap_get_proc");
  if (cap_set_flag(caps.get(), CAP_EFFECTIVE, 1, &cap, value) != 0) return last_error("cap_set_flag");
  if (cap_set_proc(caps.get()) != 0) return last_error("cap_set_proc");
  return std::nullopt;
}

std::optional<unsigned> parse_id(const char* text) {
  if (text == nullptr) return std::nullopt;
  const std::string_view s(text);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value == 0) return std::nullopt;
  return value;
}

std::uint64_t parse_hex(std::string_view s) {
  std::uint64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value, 16);
  return value;
}

}  // namespace

std::optional<SysError> limit_permitted(std::initializer_list<cap_value_t> keep) {
  CapPtr current(cap_get_proc());
  if (!current) return last_error("cap_get_proc");
  CapPtr limited(cap_init());
  if (!limited) return last_error("cap_init");
  for (cap_value_t cap : keep) {
    if (flag_is_set(current.get(), cap, CAP_PERMITTED) &&
        cap_set_flag(limited.get(), CAP_PERMITTED, 1, &cap, CAP_SET) != 0) {
      return last_error("cap_set_flag");
    }
  }
  if (cap_set_proc(limited.get()) != 0) return last_error("cap_set_proc");
  return std::nullopt;
}

bool has_permitted(cap_value_t cap) {
  CapPtr caps(cap_get_proc());
  return caps && flag_is_set(caps.get(), cap, CAP_PERMITTED);
}

ScopedCapability::ScopedCapability(cap_value_t cap) : cap_(cap) {
  raised_ = has_permitted(cap) && !set_effective(cap, CAP_SET);
}

ScopedCapability::~ScopedCapability() {
  if (raised_) set_effective(cap_, CAP_CLEAR);
}

std::optional<SysError> switch_to_invoking_user() {
  if (getuid() != 0 || geteuid() != 0) return std::nullopt;
  const auto uid = parse_id(std::getenv("SUDO_UID"));
  const auto gid = parse_id(std::getenv("SUDO_GID"));
  if (!uid || !gid) return std::nullopt;
  ScopedCapability setgid_cap(CAP_SETGID);
  ScopedCapability setuid_cap(CAP_SETUID);
  const gid_t groups[] = {*gid};
  if (setgroups(1, groups) != 0) return last_error("setgroups");
  if (setresgid(*gid, *gid, *gid) != 0) return last_error("setresgid");
  if (setresuid(*uid, *uid, *uid) != 0) return last_error("setresuid");
  return std::nullopt;
}

std::optional<SysError> drop_all_capabilities() {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    return last_error("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
  }
  CapPtr empty(cap_init());
  if (!empty) return last_error("cap_init");
  if (cap_set_proc(empty.get()) != 0) return last_error("cap_set_proc");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return last_error("prctl(PR_SET_NO_NEW_PRIVS)");
  return std::nullopt;
}

CapabilityState read_capability_state() {
  CapabilityState state;
  const std::string status = read_text_file("/proc/self/status").value_or("");
  std::string_view rest(status);
  while (!rest.empty()) {
    const auto eol = rest.find('\n');
    const std::string_view l = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    const auto colon = l.find(':');
    if (colon == std::string_view::npos) continue;
    const auto key = l.substr(0, colon);
    auto value = l.substr(colon + 1);
    while (!value.empty() && (value.front() == '\t' || value.front() == ' ')) value.remove_prefix(1);
    if (key == "CapPrm") state.permitted = parse_hex(value);
    if (key == "CapEff") state.effective = parse_hex(value);
    if (key == "CapInh") state.inheritable = parse_hex(value);
    if (key == "CapAmb") state.ambient = parse_hex(value);
    if (key == "NoNewPrivs") state.no_new_privs = value == "1";
  }
  return state;
}

}  // namespace bp
