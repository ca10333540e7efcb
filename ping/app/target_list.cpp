#include "ping/app/target_list.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <unordered_set>

#include "ping/cli/targets_file.h"
#include "ping/net/resolver.h"
#include "shared/sys_error.h"
#include "shared/unique_fd.h"

namespace bp {
namespace {

// A targets file of a million long names fits well within this.
constexpr std::size_t kMaxFileBytes = std::size_t{256} << 20;

EarlyExit error_exit(std::string_view program, const std::string& message) {
  EarlyExit e;
  e.stderr_text = std::string(program) + ": " + message + "\n";
  e.exit_code = 2;
  return e;
}

// The whole file (standard input for "-"), or errno.
Expected<std::string, int> read_whole(const std::string& path) {
  UniqueFd owned;
  int fd = STDIN_FILENO;
  if (path != "-") {
    owned = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!owned) return Unexpected{errno};
    fd = owned.get();
  }
  std::string text;
  char chunk[65536];
  for (;;) {
    const ssize_t n = retry_on_eintr([&] { return ::read(fd, chunk, sizeof chunk); });
    if (n < 0) return Unexpected{errno};
    if (n == 0) return text;
    if (text.size() + static_cast<std::size_t>(n) > kMaxFileBytes) return Unexpected{EFBIG};
    text.append(chunk, static_cast<std::size_t>(n));
  }
}

int family_of(std::optional<Family> f) {
  if (!f) return AF_UNSPEC;
  return *f == Family::kIpv6 ? AF_INET6 : AF_INET;
}

}  // namespace

Expected<std::vector<std::string>, EarlyExit> gather_hosts(const Options& options, std::string_view program) {
  // The same host twice is pinged once. The targets file drops its own repeats; here only the
  // operands (a few) are kept in a set, so a file of a million hosts costs no set of its own.
  std::unordered_set<std::string> operands;
  std::vector<std::string> hosts;
  for (const std::string& host : options.destinations) {
    if (operands.insert(host).second) hosts.push_back(host);
  }
  if (!options.targets_file) return hosts;
  const std::string display = targets_file_display_name(*options.targets_file);
  auto text = read_whole(*options.targets_file);
  if (!text) return Unexpected{error_exit(program, display + ": " + std::strerror(text.error()))};
  auto parsed = parse_targets_file(*text, display);
  if (!parsed) return Unexpected{error_exit(program, parsed.error())};
  text->clear();
  text->shrink_to_fit();
  hosts.reserve(hosts.size() + parsed->targets.size());
  for (std::string& host : parsed->targets) {
    if (!operands.contains(host)) hosts.push_back(std::move(host));
  }
  return hosts;
}

ResolvedTargets resolve_hosts(const std::vector<std::string>& hosts, const Options& options,
                              std::string_view program) {
  ResolvedTargets out;
  out.targets.reserve(hosts.size());
  for (const std::string& host : hosts) {
    auto resolved = resolve_target(host, family_of(options.family));
    if (!resolved) {
      std::fprintf(stderr, "%.*s: %s: %s\n", static_cast<int>(program.size()), program.data(),
                   host.c_str(), resolved.error().c_str());
      out.some_unresolved = true;
      continue;
    }
    PingTarget target;
    target.name = resolved->name;
    target.address = resolved->address;
    target.numeric = !options.force_reverse_lookup && (options.numeric || resolved->numeric);
    out.targets.push_back(std::move(target));
  }
  // Two names for one address are one target: its replies could not be told apart.
  std::vector<std::size_t> order(out.targets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto key = [&](std::size_t i) { return std::tie(out.targets[i].address.family, out.targets[i].address.bytes); };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  std::vector<bool> drop(out.targets.size(), false);
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (out.targets[order[k]].address == out.targets[order[k - 1]].address) drop[order[k]] = true;
  }
  std::vector<PingTarget> kept;
  kept.reserve(out.targets.size());
  for (std::size_t i = 0; i < out.targets.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(out.targets[i]));
  }
  out.targets = std::move(kept);
  return out;
}

}  // namespace bp
