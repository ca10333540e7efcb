#include "ping/ping_setup.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "ping/resolver.h"
#include "ping/route_probe.h"
#include "shared/capabilities.h"
#include "shared/text_file.h"

namespace bp {
namespace {

EarlyExit error_exit(std::string_view program, const std::string& message) {
  EarlyExit e;
  e.stderr_text = std::string(program) + ": " + message + "\n";
  e.exit_code = 2;
  return e;
}

int family_of(AddressFamily f) {
  switch (f) {
    case AddressFamily::kIpv4: return AF_INET;
    case AddressFamily::kIpv6: return AF_INET6;
    default: return AF_UNSPEC;
  }
}

std::string own_path() {
  char path[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : std::string("ping");
}

std::string ping_group_range() {
  std::string range = read_text_file("/proc/sys/net/ipv4/ping_group_range").value_or("?");
  for (char& c : range) {
    if (c == '\t') c = ' ';
  }
  while (!range.empty() && range.back() == '\n') range.pop_back();
  return range;
}

// One line that names the error and every way to fix it.
std::string privilege_message(const OpenFailure& failure) {
  std::string text = "cannot open an ICMP socket: raw socket: ";
  text += std::strerror(failure.raw_errno);
  text += ", datagram socket: ";
  text += std::strerror(failure.dgram_errno);
  text += ". Run it with sudo, or give it the capability once with 'sudo setcap cap_net_raw+p ";
  text += own_path();
  text += "', or let your group (gid " + std::to_string(getgid()) +
          ") use ICMP datagram sockets: net.ipv4.ping_group_range is \"" + ping_group_range() + "\"";
  if (read_capability_state().no_new_privs) {
    text += " (no_new_privs is set here, so file capabilities are ignored: containers, systemd "
            "NoNewPrivileges=)";
  }
  return text;
}

SocketSettings socket_settings(const Options& o) {
  SocketSettings s;
  s.timestamps = !o.flood;
  if (o.ttl) s.ttl = *o.ttl;
  if (o.tos) s.tos = *o.tos;
  if (o.interface_or_source) {
    s.interface = o.interface_or_source->device;
    if (!o.interface_or_source->address.empty()) {
      s.source = parse_numeric_address(o.interface_or_source->address);
    }
  }
  return s;
}

Expected<PingTarget, EarlyExit> resolve(const Options& o, std::string_view program) {
  auto resolved = resolve_target(o.destination, family_of(o.family));
  if (!resolved) return Unexpected{error_exit(program, o.destination + ": " + resolved.error())};
  PingTarget target;
  target.name = resolved->name;
  target.address = resolved->address;
  target.numeric = o.numeric || o.flood || resolved->numeric;
  if (!target.numeric) target.reverse_name = reverse_lookup(target.address);
  return target;
}

// Fails at once when there is no route (iputils: "connect: Network is unreachable", exit 2),
// and finds the source address the header shows with -I.
std::optional<std::string> add_route_source(const Options& o, PingTarget& target) {
  const std::string device = o.interface_or_source ? o.interface_or_source->device : std::string();
  ScopedCapability net_raw(CAP_NET_RAW);  // SO_BINDTODEVICE needs it on older kernels
  auto source = probe_source_address(target.address, device);
  if (!source) return source.error().message();
  if (o.interface_or_source) {
    const auto& given = o.interface_or_source->address;
    target.source = given.empty() ? *source : parse_numeric_address(given).value_or(*source);
  }
  return std::nullopt;
}

}  // namespace

int report_early_exit(const EarlyExit& exit) {
  std::fputs(exit.stdout_text.c_str(), stdout);
  std::fputs(exit.stderr_text.c_str(), stderr);
  return exit.exit_code;
}

Expected<PingSetup, EarlyExit> prepare_ping(CommandFlavor flavor, std::string_view program,
                                            int argc, char** argv) {
  // Before anything else: keep only what is needed later (the raw socket, and under sudo
  // switching to the invoking user), nothing effective.
  if (auto e = limit_permitted({CAP_NET_RAW, CAP_SETUID, CAP_SETGID})) {
    return Unexpected{error_exit(program, e->message())};
  }
  const auto args = arguments_from_argv(argc, argv);
  auto parsed = parse_command_line(flavor, program, args);
  if (!parsed) return Unexpected{parsed.error()};
  Options options = std::move(*parsed);
  if (getuid() != 0) {
    if (auto e = check_unprivileged_limits(options, program)) return Unexpected{*e};
  }
  auto target = resolve(options, program);
  if (!target) return Unexpected{target.error()};
  const AddressFamily resolved_family =
      target->address.family == Family::kIpv6 ? AddressFamily::kIpv6 : AddressFamily::kIpv4;
  if (auto e = check_payload_size(options, resolved_family, program)) return Unexpected{*e};

  if (auto e = add_route_source(options, *target)) return Unexpected{error_exit(program, *e)};

  auto socket = IcmpSocket::open(address_family(target->address));
  if (!socket) return Unexpected{error_exit(program, privilege_message(socket.error()))};
  const auto identifier = static_cast<std::uint16_t>(getpid() & 0xFFFF);
  if (auto e = socket->apply(socket_settings(options), identifier)) {
    return Unexpected{error_exit(program, e->message())};
  }
  // The socket exists: nothing later needs privilege. Under sudo, stop being root too.
  if (auto e = switch_to_invoking_user()) return Unexpected{error_exit(program, e->message())};
  if (auto e = drop_all_capabilities()) return Unexpected{error_exit(program, e->message())};

  // better_ping also hears about its watchdog (SIGCHLD; SIGIO when the channel breaks) and
  // job control (Ctrl-Z, fg).
  auto signals = flavor == CommandFlavor::kBetterPing
                     ? SignalCatcher::install({SIGINT, SIGTERM, SIGQUIT, SIGCHLD, SIGIO, SIGTSTP, SIGCONT})
                     : SignalCatcher::install({SIGINT, SIGTERM, SIGQUIT});
  if (!signals) return Unexpected{error_exit(program, signals.error().message())};
  return PingSetup{std::move(options), std::move(*target), std::move(*socket), std::move(*signals)};
}

}  // namespace bp
