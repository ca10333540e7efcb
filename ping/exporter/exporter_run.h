#pragma once
// ping --metrics-listen: the Prometheus exporter (issue 14, docs/PROMETHEUS.md). It serves
// /metrics from its own thread (metrics_server.h) and runs the many-targets loop, one target or
// many, until SIGINT or SIGTERM (or -c / -w when given). Silence is what it measures: a target
// that never answers does not end it.
//
// SIGHUP reads the targets again (the --targets file and the operands): the loop stops sending,
// lets the probes in flight get their replies or time out (at most -W, so that nothing in
// flight is miscounted), and starts again on the new list. A target in both lists keeps its
// counters; a removed one leaves /metrics; a new one starts at 0. A bad file is reported in one
// line and the old list kept. A family without a socket (it was not in the list at the start
// and the privilege to open one is gone) is refused the same way.
//
// -w is the deadline of the whole run, across reloads; -c counts each target's probes from the
// last reload (the counters in /metrics go on).
//
// Exit: 0 when stopped by a signal, whatever the replies; with -c / -w the iputils code; 2 when
// it cannot listen (before any probe).

#include <string_view>

#include "ping/app/ping_setup.h"

namespace bp {

int run_exporter(std::string_view program, PingSetup& setup);

}  // namespace bp
