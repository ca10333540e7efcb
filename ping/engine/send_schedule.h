#pragma once
// SendSchedule: when the pinger sends, and when the run ends (-i, -l, -f, -c, -w, -W).
// Pure: it is handed `now` (read once per loop turn) and the tracker's in-flight count.
//
// A loop turn, with the clock read once:
//   while (schedule.should_send(now, tracker.in_flight())) { send; tracker.on_sent(now);
//                                                            schedule.on_sent(now); }
//   wait for a packet or until schedule.next_wakeup(tracker.in_flight()); read the clock;
//   First reply: schedule.on_reply(now, rtt);  error quoting our probe: schedule.on_error();
//   if (schedule.finished(now)) stop; exit code = schedule.exit_status().
// After every reply the loop must ask should_send again: in flood mode a reply can make the
// next probe due at once.
//
// Pacing (iputils pinger(), token bucket). Credit accumulates with elapsed time, capped at
// interval * preload + catch_up; a probe costs one interval. The first probe is due at `start`
// and leaves interval * (preload - 1) of credit, which is the preload burst (-l N: N probes at
// once). The cap decides what a late loop turn does. Up to
// catch_up = min(interval / 2, max_catch_up) of lateness is made up, so the next probe is due on
// time again: the loop's sleep may end up to 40 ms late at HZ 250 (a socket timeout on the
// kernel's timer wheel, timer_wheel.h), and that must not add up to drift (iputils', at 1 s, is
// +15-24 ms per probe: iputils #483). Lateness beyond it
// shifts every later probe, as in iputils: with preload 1, sent at 1.3 s instead of 1 s, the next
// is due at 2.26 s; with preload N up to N - 1 intervals more are made up. After a stall at
// most `preload` probes go out at once (catch_up is under one interval). Credit is kept in
// nanoseconds where iputils keeps whole milliseconds.
//
// Flood (-f): the caller resolves -f to interval 0 unless -i was given (iputils setup()); the
// schedule only looks at the interval. With interval 0, a probe is due at once while fewer
// than `preload` probes are in flight (in_flight as SequenceTracker defines it, iputils'
// in_flight()); otherwise it waits until kFloodBackoff (10 ms, MIN_INTERVAL_MS) after the
// previous send. So a reply to the newest probe makes the next send due at once, and with no
// replies the rate is 100 probes/s ("as fast as replies come back or 100/s", ping(8)).
//
// End of the run (iputils main_loop(), __schedule_exit(), finish()):
//   - count (-c N) without deadline: sending stops after N probes. At the moment the N-th
//     probe is sent, the linger is fixed once: if a reply had come by then, the run ends
//     max(2 * max RTT, interval) after that send; if not, `linger` (-W) after it. With
//     linger 0 (-W 0: wait forever) and no reply yet, no end is set until the first reply
//     arrives; the run then ends max(2 * max RTT, interval) after that reply.
//     "max RTT" is over First replies (iputils' tmax also takes duplicates; a duplicate here
//     must not stretch the run).
//   - deadline (-w D, fractional allowed): everything stops at start + D, exactly at that
//     instant (finished(start + D) is true and nothing is sent then). There is no linger.
//     With a count too, sending goes on past N until N replies arrived or D expires.
//   - in every mode the run ends once received + errors >= count (when a count is set).
//   - iputils also stops at the first ICMP error when -w is set (main_loop: "deadline &&
//     nerrors"), a long-standing complaint (iputils #565). That is opt-in here:
//     stop_on_error_with_deadline.
// Without count and deadline the run never ends by itself (only by a signal).
//
// Exit status (iputils finish()): 1 if no reply came, or a deadline and a count were both set
// and fewer than count replies came; 0 otherwise. (2 and the watchdog codes belong to main.)
//
// -A (adaptive, iputils update_interval()): after each reply the loop hands the schedule a new
// interval, adaptive_interval(EWMA of the RTT, floor): the smoothed RTT rounded to whole
// milliseconds, at least `floor` (2 ms for ordinary users, 0 for root). With an interval of 0
// the flood rule above applies, so on a fast link -A is flood-like, as ping(8) says.
//
// Not here: the socket's transient send failures (iputils retries EAGAIN
// after 10 ms and backs off on ENOBUFS); a hard local send error counts as a send
// (call on_sent), as in iputils.
//
// All operations are O(1) and never allocate.

#include <chrono>
#include <cstdint>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

struct RunPolicy {
  // -i; 0 for flood. interval * preload must fit in a Duration (the options layer bounds both).
  Duration interval = std::chrono::seconds(1);
  std::uint64_t preload = 1;          // -l, at least 1 (0 is taken as 1)
  std::uint64_t count = 0;            // -c; 0 = no count (iputils npackets)
  std::optional<Duration> deadline;   // -w; the options layer maps -w 0 to "none", as iputils
  Duration linger = std::chrono::seconds(10);  // -W; 0 = wait forever for a first reply
  bool stop_on_error_with_deadline = false;    // iputils' -w + ICMP error = stop (see above)
  // The most lateness made up (see Pacing): the loop sets it to its sleeps' worst lateness,
  // timer_wheel_lateness(longest sleep, kernel tick); 40 ms is that at HZ 250.
  Duration max_catch_up = std::chrono::milliseconds(40);
};

class SendSchedule {
 public:
  static constexpr Duration kFloodBackoff = std::chrono::milliseconds(10);

  // `start`: when the run starts; the first probe is due then, and -w counts from it.
  SendSchedule(const RunPolicy& policy, MonoTime start);

  // Whether a probe should be sent now. Call it repeatedly (with on_sent between) until false.
  bool should_send(MonoTime now, std::uint64_t in_flight) const;
  // When the next probe is due (maybe already past); nullopt if no more probes will be sent.
  std::optional<MonoTime> next_send(std::uint64_t in_flight) const;

  void on_sent(MonoTime now);
  // A First reply (not a duplicate) that arrived at `now` with this RTT.
  void on_reply(MonoTime now, Duration rtt);
  // -A: the interval from now on (credit already earned is kept, up to the new cap).
  void set_interval(Duration interval) { policy_.interval = interval; }
  Duration interval() const { return policy_.interval; }
  // An ICMP error that quotes one of our probes.
  void on_error();

  bool finished(MonoTime now) const;
  // The earliest of: next send, deadline, end of linger. nullopt: nothing is scheduled, so wait
  // only for packets or signals. A time at or before now means "act now". Meaningful while
  // !finished(now): ask finished() first.
  std::optional<MonoTime> next_wakeup(std::uint64_t in_flight) const;

  int exit_status() const;

  // From start to the last send: iputils' "time N ms" in the summary.
  Duration elapsed() const;
  // elapsed / (sent - 1), iputils' "ipg"; nullopt with fewer than two probes sent. Truncating
  // it to whole microseconds gives iputils' number exactly.
  std::optional<Duration> inter_packet_gap() const;

 private:
  bool sending_allowed() const;
  std::optional<MonoTime> deadline_time() const;
  void fix_end_after(MonoTime from);

  RunPolicy policy_;
  MonoTime start_;
  MonoTime last_send_{};
  Duration credit_{};
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t errors_ = 0;
  Duration max_rtt_{};
  bool waiting_for_first_reply_ = false;  // count reached under -W 0 with no reply yet
  std::optional<MonoTime> linger_end_;
};

// -A: iputils' interval for an EWMA round trip `ewma` (nothing before the first reply: the
// current interval stays): (ewma + 500 us) / 1 ms whole milliseconds, at least `floor`.
Duration adaptive_interval(Duration ewma, Duration floor);

}  // namespace bp
