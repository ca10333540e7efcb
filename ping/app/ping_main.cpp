// ping: the unsupervised pinger. Parse, resolve, open the socket with the least privilege,
// drop every capability, run the loop, map the outcome to iputils' exit codes; or, with
// --metrics-listen, run as a Prometheus exporter (exporter/exporter_run.h).

#include <unistd.h>

#include <cstdio>
#include <string>

#include "ping/app/ping_setup.h"
#include "ping/exporter/exporter_run.h"

int main(int argc, char** argv) {
  // Messages start with argv[0] as invoked ("/usr/bin/ping: ..."), as iputils' do.
  const auto program = bp::message_prefix_from_argv0(argc > 0 ? argv[0] : nullptr, "ping");
  auto setup = bp::prepare_ping(bp::CommandFlavor::kPing, program, argc, argv);
  if (!setup) return bp::report_early_exit(setup.error());
  if (setup->options.metrics_listen) return bp::run_exporter(program, *setup);
  return bp::run_ping(program, *setup, nullptr).exit_code;
}
