#include "ping/exporter/exporter_run.h"

#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ping/app/target_list.h"
#include "ping/app/targets_loop.h"
#include "ping/exporter/exporter_observer.h"
#include "ping/exporter/metrics_server.h"
#include "ping/net/socket_address.h"
#include "shared/mono_clock.h"

namespace bp {
namespace {

void print_line(std::string_view program, const std::string& text) {
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(), text.c_str());
  std::fflush(stderr);
}

std::shared_ptr<TargetMetrics> metrics_for(const std::vector<PingTarget>& targets, const Options& o) {
  std::vector<TargetLabels> labels;
  labels.reserve(targets.size());
  for (const PingTarget& t : targets) labels.push_back({t.name, address_text(t.address), t.address.family});
  return std::make_shared<TargetMetrics>(std::move(labels),
                                         o.metrics_buckets.value_or(RttBuckets::default_buckets()));
}

FamilySockets sockets_of(PingSetup& setup) {
  FamilySockets sockets;
  for (IcmpSocket* s : {&setup.socket, setup.other_socket ? &*setup.other_socket : nullptr}) {
    if (s != nullptr) (s->family() == AF_INET6 ? sockets.ipv6 : sockets.ipv4) = s;
  }
  return sockets;
}

// The targets again, for a reload; nothing (reported) when the old list must stay.
std::optional<std::vector<PingTarget>> read_targets_again(std::string_view program, const Options& o,
                                                          FamilySockets sockets) {
  auto hosts = gather_hosts(o, program);
  if (!hosts) {
    // One line: the file's own error (its first line, program prefix included), then why
    // nothing changed.
    const std::string& text = hosts.error().stderr_text;
    std::fprintf(stderr, "%s; reload refused, the targets are unchanged\n", text.substr(0, text.find('\n')).c_str());
    std::fflush(stderr);
    return std::nullopt;
  }
  ResolvedTargets resolved = resolve_hosts(*hosts, o, program);
  if (resolved.targets.empty()) {
    print_line(program, "reload refused: no target resolved, the targets are unchanged");
    return std::nullopt;
  }
  for (const PingTarget& t : resolved.targets) {
    if (sockets.of(t.address.family) == nullptr) {
      print_line(program, "reload refused: " + t.name + " is " +
                              (t.address.family == Family::kIpv6 ? "IPv6" : "IPv4") +
                              ", and no socket of that family was opened at the start (restart "
                              "to add one), the targets are unchanged");
      return std::nullopt;
    }
  }
  return std::move(resolved.targets);
}

std::string status_text(const std::vector<PingTarget>& targets, const MetricsServer& server) {
  return std::to_string(targets.size()) + (targets.size() == 1 ? " target" : " targets") +
         ", metrics at http://" + listen_address_text(server.address()) + "/metrics";
}

}  // namespace

int run_exporter(std::string_view program, PingSetup& setup) {
  const Options& o = setup.options;
  auto server = MetricsServer::start(*o.metrics_listen, o.metrics_names);
  if (!server) {
    print_line(program, server.error());
    return 2;
  }
  const FamilySockets sockets = sockets_of(setup);
  std::vector<PingTarget> targets = setup.targets;
  std::shared_ptr<TargetMetrics> metrics = metrics_for(targets, o);
  (*server)->publish(metrics);
  // Once this line is out, a scrape gets the metrics (every counter at 0), never "starting".
  print_line(program, "metrics at http://" + listen_address_text((*server)->address()) + "/metrics");
  ExporterObserver observer(SystemdNotifier::from_environment());
  observer.ready(status_text(targets, **server));
  const MonoTime started = read_monotonic_clock();
  Options run_options = o;
  for (;;) {
    const LoopResult result =
        run_targets_loop(program, run_options, targets, sockets, setup.signals, &observer, &metrics->sink());
    const auto finished = [&] {
      observer.stopping();
      if (result.stop_signal) return 0;
      return setup.some_unresolved && result.exit_code < 2 ? 2 : result.exit_code;
    };
    if (!result.reload) return finished();
    // -w is the whole run's deadline, reloads or not: the next run gets what is left of it.
    if (o.deadline) {
      const Duration left = *o.deadline - (read_monotonic_clock() - started);
      if (left <= Duration::zero()) return finished();
      run_options.deadline = left;
    }
    observer.reloading();
    if (auto fresh = read_targets_again(program, o, sockets)) {
      targets = std::move(*fresh);
      auto next = metrics_for(targets, o);
      next->carry_over(*metrics);
      metrics = std::move(next);
      (*server)->publish(metrics);
      print_line(program, "reloaded: " + std::to_string(targets.size()) + " targets");
    }
    observer.ready(status_text(targets, **server));
  }
}

}  // namespace bp
