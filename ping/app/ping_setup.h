#pragma once
// Everything between argv and the first probe, shared by ping and better_ping: option parsing,
// capability limiting, name resolution, the ICMP socket, dropping privileges, signals.
// Errors come back as an EarlyExit (the text and the exit code), never as exit() from here.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ping/net/icmp_socket.h"
#include "ping/cli/options.h"
#include "ping/app/ping_loop.h"
#include "shared/expected.h"
#include "ping/app/signal_catcher.h"

namespace bp {

struct PingSetup {
  Options options;
  std::vector<PingTarget> targets;  // at least one; with one, the run is iputils' own
  IcmpSocket socket;                // for targets[0]'s family
  std::optional<IcmpSocket> other_socket;  // the other family's, when the targets mix them
  SignalCatcher signals;
  bool some_unresolved = false;     // a name did not resolve (reported): the exit code is 2

  // How the run is named to the watchdog and systemd: the target, or the first and a count.
  std::string label() const;
};

Expected<PingSetup, EarlyExit> prepare_ping(CommandFlavor flavor, std::string_view program,
                                            int argc, char** argv);

// Runs the loop: one target as iputils does, several through the engine (targets_loop.h).
LoopResult run_ping(std::string_view program, PingSetup& setup, PingObserver* observer);

// Writes the texts of an EarlyExit and returns its exit code.
int report_early_exit(const EarlyExit& exit);

}  // namespace bp
