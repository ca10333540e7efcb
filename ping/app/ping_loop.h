#pragma once
// The pinger's event loop: sends probes on the schedule, reads replies, errors and transmit
// timestamps from the socket, reacts to signals, and prints iputils' lines. The clock is read
// once per turn and handed to the pure core (SequenceTracker, SendSchedule, RttStats).
//
// better_ping reuses this loop unchanged and plugs in through PingObserver: it hears about
// every valid echo reply (its heartbeat) and about the signals of its own set (its watchdog's
// end, its channel breaking, job control), which can end the run.
//
// The loop sleeps in a blocking receive on the ICMP socket, bounded by a socket timeout set to
// the next thing due (SO_RCVTIMEO): at a 1 s interval it wakes once per probe, cache-cold, and
// waking from that costs clearly less than waking from ppoll() on a high-resolution timer
// (README, bench/). Signals interrupt the receive (SignalCatcher), and better_ping's channel
// reports a break by SIGIO. The socket timeout may fire late by its timer's granularity (for sleeps
// of up to 2 s, the longest the loop takes: 40 ms at HZ 250, timer_wheel.h); SendSchedule makes
// that up.

#include <signal.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ping/net/icmp_socket.h"
#include "ping/packet/ip_address.h"
#include "shared/mono_time.h"
#include "ping/cli/options.h"
#include "ping/output/report.h"
#include "ping/output/service_status.h"
#include "ping/app/signal_catcher.h"

namespace bp {

struct PingTarget {
  std::string name;    // as printed: canonical name or the text given
  IpAddress address;
  bool numeric = true;  // print addresses only (-n, numeric target, flood)
  std::optional<std::string> reverse_name;  // the target's own name, looked up before the loop
  std::optional<IpAddress> source;  // with -I or -B: the source address, shown in the header
  std::vector<std::uint8_t> ip_options;  // -R / -T (IPv4): the options every probe carries
};

// What the loop has seen so far, for periodic status reports.
using LoopProgress = ServiceProgress;

class PingObserver {
 public:
  virtual ~PingObserver() = default;
  // A valid echo reply: our identifier, a sequence we sent, intact checksum and payload,
  // from the target, not a duplicate. `at`: the loop's clock reading at which it read it.
  virtual void on_valid_reply(std::uint16_t sequence, Duration rtt, MonoTime at) = 0;
  // A signal other than SIGINT/SIGTERM/SIGQUIT from the loop's signal set arrived (better_ping:
  // its watchdog's SIGCHLD, SIGIO from its channel, job control). An exit code ends the run;
  // the summary is still printed.
  virtual std::optional<int> on_other_signal(const CaughtSignal&) { return std::nullopt; }
  // A periodic duty (systemd's keep-alive and status): when it is next due (CLOCK_MONOTONIC),
  // and the call the loop makes once that time has come. The loop wakes for it.
  virtual std::optional<MonoTime> next_tick() const { return std::nullopt; }
  virtual void on_tick(MonoTime /*now*/, const LoopProgress& /*progress*/) {}
  // The run is over (the summary is written): the final figures.
  virtual void on_finish(const LoopProgress& /*progress*/) {}
  // Whether the run ends at once when a write to stdout or stderr fails with EPIPE (their
  // reader has gone and SIGPIPE is ignored). Otherwise the loop goes on without its output, as
  // iputils does when SIGPIPE is ignored (a service whose journal went away).
  virtual bool end_on_closed_output() const { return false; }
};

struct LoopResult {
  int exit_code = 0;                            // iputils' 0/1, or the observer's code
  std::optional<CaughtSignal> stop_signal;  // SIGINT/SIGTERM that ended the run
  bool output_closed = false;  // the reader of our output went away, and the observer ended the run
  bool reload = false;         // SIGHUP (the exporter): the probes in flight are settled, no summary
};

// The first line's contents (the loop prints it first; set-up also prints it before an error
// that iputils reports after its header).
HeaderLine header_line(const Options& options, const PingTarget& target);

// Runs until the schedule ends, a stop signal arrives, or the observer ends the run; prints
// the header first and the summary last.
// `program` prefixes messages on stderr ("ping: sendmsg: ...").
LoopResult run_ping_loop(std::string_view program, const Options& options,
                         const PingTarget& target, IcmpSocket& socket, SignalCatcher& signals,
                         PingObserver* observer);

}  // namespace bp
