#include "ping/app/ping_setup.h"

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "ping/packet/ip_options.h"
#include "ping/app/target_list.h"
#include "ping/app/targets_loop.h"
#include "ping/engine/probe_token.h"
#include "ping/output/report.h"
#include "ping/net/resolver.h"
#include "ping/cli/usage.h"
#include "ping/net/route_probe.h"
#include "shared/capabilities.h"
#include "ping/app/own_executable.h"
#include "shared/text_file.h"

namespace bp {
namespace {

EarlyExit error_exit(std::string_view program, const std::string& message) {
  EarlyExit e;
  e.stderr_text = std::string(program) + ": " + message + "\n";
  e.exit_code = 2;
  return e;
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
  text += own_executable_path().value_or("ping");
  text += "', or let your group (gid " + std::to_string(getgid()) +
          ") use ICMP datagram sockets: net.ipv4.ping_group_range is \"" + ping_group_range() + "\"";
  if (read_capability_state().no_new_privs) {
    text += " (no_new_privs is set here, so file capabilities are ignored: containers, systemd "
            "NoNewPrivileges=)";
  }
  return text;
}

int pmtu_value(PmtuDiscovery p) {
  switch (p) {
    case PmtuDiscovery::kDo: return IP_PMTUDISC_DO;
    case PmtuDiscovery::kDont: return IP_PMTUDISC_DONT;
    case PmtuDiscovery::kWant: return IP_PMTUDISC_WANT;
    case PmtuDiscovery::kProbe: return IP_PMTUDISC_PROBE;
  }
  return IP_PMTUDISC_WANT;
}

SocketChoices socket_choices(const Options& o, std::vector<std::uint8_t> ip_options) {
  SocketChoices c;
  if (o.ttl) c.ttl = *o.ttl;
  if (o.tos) c.tos = *o.tos;
  if (o.pmtu) c.pmtu = pmtu_value(*o.pmtu);
  c.mark = o.mark;
  c.send_buffer = o.send_buffer;
  c.broadcast = o.allow_broadcast;
  c.debug = o.socket_debug;
  c.dont_route = o.dont_route;
  c.no_multicast_loop = o.no_multicast_loop;
  c.ip_options = std::move(ip_options);
  return c;
}

SocketSettings socket_settings(const Options& o, const PingTarget& target) {
  SocketSettings s;
  // -U measures user to user: no kernel stamps, the loop's own clock readings around the calls.
  s.timestamps = !o.flood && !o.user_latency;
  s.options = plan_socket_options(socket_choices(o, target.ip_options), address_family(target.address));
  if (o.interface_or_source) {
    s.interface = o.interface_or_source->device;
    if (!o.interface_or_source->address.empty()) {
      s.source = parse_numeric_address(o.interface_or_source->address);
    }
  }
  // -B: keep the source the route chose at start, even if the routes change later.
  if (o.sticky_source && !s.source) s.source = target.source;
  if (target.address.family == Family::kIpv6 && o.flow_label) {
    s.flow_label = o.flow_label;
    s.flow_destination = target.address;
  }
  if (o.connect_socket) s.connect_to = target.address;
  s.datagram_identifier = o.identifier;
  return s;
}

// Fails at once when there is no route (iputils: "connect: Network is unreachable", exit 2),
// and finds the source address the header shows with -I.
std::optional<std::string> add_route_source(const Options& o, PingTarget& target) {
  const std::string device = o.interface_or_source ? o.interface_or_source->device : std::string();
  ScopedCapability net_raw(CAP_NET_RAW);  // SO_BINDTODEVICE needs it on older kernels
  auto source = probe_source_address(target.address, device, o.allow_broadcast);
  if (!source && source.error().err == ENODEV && target.address.family == Family::kIpv6) {
    return "unknown iface: " + device;  // iputils' words for IPv6 (IPv4 names the call)
  }
  if (!source && source.error().err == EACCES && !o.allow_broadcast) {
    return std::string("Do you want to ping broadcast? Then -b. If not, check your local firewall rules");
  }
  if (!source) return source.error().message();
  if (o.sticky_source) target.source = *source;
  if (o.interface_or_source) {
    const auto& given = o.interface_or_source->address;
    target.source = given.empty() ? *source : parse_numeric_address(given).value_or(*source);
  }
  return std::nullopt;
}

// -R / -T: the IPv4 options every probe carries (iputils ignores them for IPv6 targets).
Expected<std::vector<std::uint8_t>, EarlyExit> probe_ip_options(const Options& o, const PingTarget& target,
                                                                std::string_view program) {
  if ((!o.record_route && !o.timestamp_option) || target.address.family != Family::kIpv4) {
    return std::vector<std::uint8_t>{};
  }
  if (o.record_route) return build_record_route_option();
  std::vector<IpAddress> hops;
  for (const std::string& hop : o.prespecified) {
    auto resolved = resolve_target(hop, AF_INET);
    if (!resolved) return Unexpected{error_exit(program, hop + ": " + resolved.error())};
    hops.push_back(resolved->address);
  }
  TimestampFlag flag = TimestampFlag::kTimestampsOnly;
  if (*o.timestamp_option == TimestampKind::kTsAndAddr) flag = TimestampFlag::kTimestampsAndAddresses;
  if (*o.timestamp_option == TimestampKind::kTsPrespec) flag = TimestampFlag::kPrespecified;
  auto bytes = build_timestamp_option(flag, hops);
  if (!bytes) return Unexpected{EarlyExit{"", usage_text(CommandFlavor::kPing, program), 2}};
  return std::move(*bytes);
}

// The socket for one family, with the run's settings (`first`: that family's first target).
Expected<IcmpSocket, EarlyExit> open_socket(const Options& options, const PingTarget& first,
                                            std::string_view program) {
  auto socket = IcmpSocket::open(address_family(first.address));
  if (!socket) return Unexpected{error_exit(program, privilege_message(socket.error()))};
  SocketSettings settings = socket_settings(options, first);
  const auto identifier = options.identifier.value_or(static_cast<std::uint16_t>(getpid() & 0xFFFF));
  if (auto e = socket->apply(settings, identifier)) return Unexpected{error_exit(program, e->message())};
  for (const std::string& warning : socket->warnings()) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(), warning.c_str());
  }
  return std::move(*socket);
}

// The exporter's reloads may bring targets of the family that the file does not have yet, and
// once the capabilities are dropped no socket can be opened: so it opens that family's socket
// too, at the start, when it can (best effort: without one, such a reload is refused).
std::optional<IcmpSocket> other_family_for_reloads(const Options& options, const PingTarget& first,
                                                   std::string_view program) {
  if (options.family) return std::nullopt;  // -4 / -6: one family only, by request
  PingTarget stand_in = first;
  stand_in.address = IpAddress{first.address.family == Family::kIpv4 ? Family::kIpv6 : Family::kIpv4, {}};
  auto opened = open_socket(options, stand_in, program);
  if (!opened) return std::nullopt;
  return std::move(*opened);
}

// One target: everything iputils checks before its first probe, in its order.
std::optional<EarlyExit> check_single_target(const Options& options, PingTarget& target,
                                             std::string_view program) {
  if (!target.numeric) target.reverse_name = reverse_lookup(target.address);
  if (auto e = check_payload_size(options, target.address.family, program)) return e;
  if (auto e = add_route_source(options, target)) return error_exit(program, *e);
  if (getuid() != 0) {
    if (auto e = check_unprivileged_interval(options, program)) {
      e->stdout_text = format_header(header_line(options, target));  // iputils' order
      return e;
    }
  }
  if (options.node_info && target.address.family == Family::kIpv6) {
    // iputils ignores -N for IPv4 targets, and so do we; see README for why it is refused here.
    return error_exit(program, "-N: IPv6 node information queries (RFC 4620) are not "
                               "implemented; no host answers them by default");
  }
  auto ip_options = probe_ip_options(options, target, program);
  if (!ip_options) return ip_options.error();
  target.ip_options = std::move(*ip_options);
  return std::nullopt;
}

// Several targets: the options they cannot use, and each family's payload limit.
std::optional<EarlyExit> check_several_targets(const Options& options,
                                               const std::vector<PingTarget>& targets,
                                               std::string_view program) {
  if (auto e = several_targets_conflict(options, program)) return e;
  // Each probe's payload starts with an 8-byte token (engine/probe_token.h): without room for
  // it another process's replies on our identifier could count.
  if (options.payload_size < kProbeTokenBytes) {
    return error_exit(program, "-s below " + std::to_string(kProbeTokenBytes) +
                                   " cannot be used with several targets (each probe carries an "
                                   "8-byte token)");
  }
  bool checked[2] = {false, false};
  for (const PingTarget& t : targets) {
    const int f = t.address.family == Family::kIpv6 ? 1 : 0;
    if (checked[f]) continue;
    checked[f] = true;
    if (auto e = check_payload_size(options, t.address.family, program)) return e;
  }
  if (getuid() != 0) {
    if (auto e = check_unprivileged_interval(options, program)) return e;
  }
  return std::nullopt;
}

const PingTarget* first_of_other_family(const std::vector<PingTarget>& targets) {
  for (const PingTarget& t : targets) {
    if (t.address.family != targets.front().address.family) return &t;
  }
  return nullptr;
}

}  // namespace

std::string PingSetup::label() const {
  if (targets.size() == 1) return targets.front().name;
  const std::size_t more = targets.size() - 1;
  return targets.front().name + " and " + std::to_string(more) + (more == 1 ? " more target" : " more targets");
}

LoopResult run_ping(std::string_view program, PingSetup& setup, PingObserver* observer) {
  LoopResult result;
  if (setup.targets.size() == 1) {
    result = run_ping_loop(program, setup.options, setup.targets.front(), setup.socket,
                           setup.signals, observer);
  } else {
    FamilySockets sockets;
    for (IcmpSocket* s : {&setup.socket, setup.other_socket ? &*setup.other_socket : nullptr}) {
      if (s == nullptr) continue;
      (s->family() == AF_INET6 ? sockets.ipv6 : sockets.ipv4) = s;
    }
    result = run_targets_loop(program, setup.options, setup.targets, sockets, setup.signals, observer);
  }
  // A name that did not resolve is an error, whatever the others did (0 and 1 become 2; the
  // watchdog's own codes stay).
  if (setup.some_unresolved && result.exit_code < 2) result.exit_code = 2;
  return result;
}

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
  auto hosts = gather_hosts(options, program);
  if (!hosts) return Unexpected{hosts.error()};
  ResolvedTargets resolved = resolve_hosts(*hosts, options, program);
  std::vector<PingTarget>& targets = resolved.targets;
  if (targets.empty()) return Unexpected{EarlyExit{"", "", 2}};  // each failure was reported

  // The exporter runs the many-targets engine even for one target.
  const bool several = targets.size() > 1 || options.metrics_listen.has_value();
  auto problem = several ? check_several_targets(options, targets, program)
                         : check_single_target(options, targets.front(), program);
  if (problem) return Unexpected{*problem};

  auto socket = open_socket(options, targets.front(), program);
  if (!socket) return Unexpected{socket.error()};
  std::optional<IcmpSocket> other;
  if (const PingTarget* first_other = first_of_other_family(targets)) {
    auto opened = open_socket(options, *first_other, program);
    if (!opened) return Unexpected{opened.error()};
    other.emplace(std::move(*opened));
  } else if (options.metrics_listen && options.targets_file) {
    other = other_family_for_reloads(options, targets.front(), program);
  }
  // The sockets exist: nothing later needs privilege. Under sudo, stop being root too.
  if (auto e = switch_to_invoking_user()) return Unexpected{error_exit(program, e->message())};
  if (auto e = drop_all_capabilities()) return Unexpected{error_exit(program, e->message())};

  // better_ping also hears about its watchdog (SIGCHLD; SIGIO when the channel breaks) and
  // job control (Ctrl-Z, fg).
  // The exporter reads its targets again on SIGHUP.
  auto signals = flavor == CommandFlavor::kBetterPing
                     ? SignalCatcher::install({SIGINT, SIGTERM, SIGQUIT, SIGCHLD, SIGIO, SIGTSTP, SIGCONT})
                 : options.metrics_listen
                     ? SignalCatcher::install({SIGINT, SIGTERM, SIGQUIT, SIGHUP})
                     : SignalCatcher::install({SIGINT, SIGTERM, SIGQUIT});
  if (!signals) return Unexpected{error_exit(program, signals.error().message())};
  return PingSetup{std::move(options), std::move(targets), std::move(*socket), std::move(other),
                   std::move(*signals), resolved.some_unresolved};
}

}  // namespace bp
