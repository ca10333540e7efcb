#pragma once
// The loop for several targets: the thin I/O shell around ProbeEngine (engine/probe_engine.h).
// It owns what the engine must not: the ICMP sockets (one per address family, shared by all
// targets), the clock, signals, and the output. Each turn it reads the clock, takes what the
// sockets hold, lets the engine expire and send, writes the turn's text, and sleeps.
//
// Sleeping. With a dense schedule (the next probe due in under 5 ms: from about 200 targets at
// 1 s) it sleeps 4 ms at least without watching the sockets, then reads every reply that came
// meanwhile in one go (recvmmsg): replies carry the kernel's receive stamp, so reading them late
// does not change their RTT, and the loop wakes about 250 times a second whatever the number
// of targets, not once per reply. The probes due meanwhile go out together at the next turn,
// each with its own send time: a probe leaves up to 4 ms late, its RTT is exact, and the
// schedule, which counts from the start, does not drift. (At 5 000 targets a 1 ms turn cost
// about 1.5 times the CPU per probe of a 4 ms one: bench/many_targets.) With a sparse one it waits in ppoll() on the sockets, so replies
// are shown as they come. The signals it catches are blocked except inside ppoll(), so one
// that arrives while the loop works is taken at the next sleep, without a race.

#include <span>
#include <string_view>
#include <vector>

#include "ping/app/ping_loop.h"
#include "ping/engine/probe_events.h"

namespace bp {

// The sockets of a run with several targets: one per family that some target has.
struct FamilySockets {
  IcmpSocket* ipv4 = nullptr;
  IcmpSocket* ipv6 = nullptr;
  IcmpSocket* of(Family f) const { return f == Family::kIpv4 ? ipv4 : ipv6; }
};

// Runs several targets until the schedule ends, a stop signal arrives, or the observer ends the
// run; prints the headers first (not with -q) and each target's summary last.
// `metrics` (the exporter's sink) gets every engine event too. When the signal set holds SIGHUP,
// SIGHUP stops the sending, and the run ends once every probe in flight is answered or lost,
// without summaries, with LoopResult::reload set (the exporter then reads its targets again).
LoopResult run_targets_loop(std::string_view program, const Options& options,
                            std::span<const PingTarget> targets, FamilySockets sockets,
                            SignalCatcher& signals, PingObserver* observer,
                            ProbeEvents* metrics = nullptr);

}  // namespace bp
