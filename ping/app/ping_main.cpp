// ping: the unsupervised pinger. Parse, resolve, open the socket with the least privilege,
// drop every capability, run the loop, map the outcome to iputils' exit codes.

#include <unistd.h>

#include <cstdio>
#include <string>

#include "ping/app/ping_setup.h"

int main(int argc, char** argv) {
  // Messages start with argv[0] as invoked ("/usr/bin/ping: ..."), as iputils' do.
  const auto program = bp::message_prefix_from_argv0(argc > 0 ? argv[0] : nullptr, "ping");
  auto setup = bp::prepare_ping(bp::CommandFlavor::kPing, program, argc, argv);
  if (!setup) return bp::report_early_exit(setup.error());
  return bp::run_ping(program, *setup, nullptr).exit_code;
}
