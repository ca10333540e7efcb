// better_ping: the pinger under supervision. Same set-up and loop as ping; after dropping every
// capability it starts the watchdog, which stops it after --watchdog-timeout of silence.

#include <csignal>
#include <cstdio>

#include "ping/app/ping_setup.h"
#include "ping/supervise/supervision.h"
#include "ping/supervise/watchdog_link.h"
#include "shared/mono_clock.h"
#include "ping/app/signal_catcher.h"

int main(int argc, char** argv) {
  const auto program = bp::message_prefix_from_argv0(argc > 0 ? argv[0] : nullptr, "better_ping");
  // iputils dies of SIGPIPE once the reader of its output has gone (`ping HOST | head -3`);
  // better_ping does too, but says goodbye to its watchdog first. If whoever started it ignores
  // SIGPIPE (systemd does), a closed output ends nothing, as with iputils.
  const bool dies_of_sigpipe = bp::ignore_broken_pipe_signal();
  // Read (and unset, so the watchdog does not inherit it) systemd's keep-alive request first.
  auto systemd = bp::SystemdNotifier::from_environment();
  auto setup = bp::prepare_ping(bp::CommandFlavor::kBetterPing, program, argc, argv);
  if (!setup) return bp::report_early_exit(setup.error());

  auto link = bp::WatchdogLink::start(
      {std::string(bp::program_name_from_argv0(program)), setup->label(), setup->options.watchdog_timeout});
  if (!link) {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(),
                 link.error().c_str());
    return bp::kExitWatchdogFailed;
  }
  bp::Supervision supervision(*link, std::move(systemd), setup->label(), dies_of_sigpipe);
  supervision.ready(bp::read_monotonic_clock());
  const bp::LoopResult result = bp::run_ping(program, *setup, &supervision);
  if (result.stop_signal && link->sent_by_watchdog(*result.stop_signal)) {
    link->abandon();
    return bp::kExitStoppedByWatchdog;
  }
  link->finish();
  if (result.output_closed) bp::die_of_signal(SIGPIPE);
  return result.exit_code;
}
