#pragma once
// Everything between argv and the first probe, shared by ping and better_ping: option parsing,
// capability limiting, name resolution, the ICMP socket, dropping privileges, signals.
// Errors come back as an EarlyExit (the text and the exit code), never as exit() from here.

#include <optional>
#include <string_view>

#include "ping/net/icmp_socket.h"
#include "ping/cli/options.h"
#include "ping/app/ping_loop.h"
#include "shared/expected.h"
#include "ping/app/signal_catcher.h"

namespace bp {

struct PingSetup {
  Options options;
  PingTarget target;
  IcmpSocket socket;
  SignalCatcher signals;
};

Expected<PingSetup, EarlyExit> prepare_ping(CommandFlavor flavor, std::string_view program,
                                            int argc, char** argv);

// Writes the texts of an EarlyExit and returns its exit code.
int report_early_exit(const EarlyExit& exit);

}  // namespace bp
