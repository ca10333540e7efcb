#pragma once
// SpreadSchedule: when each of N targets is probed (-i, -c, -w, -W with several targets). Pure:
// it is handed `now` and never reads a clock.
//
// Every target is probed once per interval, and the targets' probes are spread evenly over it:
// probe number r (a "round", from 0) of target i (from 0) is due at
//
//     start + r * interval + i * interval / N
//
// so with 10 000 targets at 1 s one probe is due every 100 us, never a burst. Due times are
// computed from `start`, never from the previous send, so a late loop turn shifts nothing that
// follows: the probes it missed go out at once (in order), and the next ones are due on time
// again. There is no drift at any N or over any length of run.
//
// The probes form one sequence in due order, (round 0: target 0 .. N-1), (round 1: ...), ...;
// the schedule keeps a cursor into it: the next probe to send. So the number of probes a target
// has been sent follows from the cursor alone (no per-target counter), and so do its sequence
// numbers: round r carries seq (r + 1) mod 65536, iputils' numbering.
//
// End of the run:
//   - -c N: sending stops after round N - 1. The run ends when nothing is pending any more:
//     every probe answered, or lost after waiting -W (the caller reports `pending`).
//   - -w D: sending stops at start + D, and the run ends then, pending or not.
//   - neither: the run goes on until a signal.
//   - stop_sending() (the exporter's reload): no probe is sent after it, and the run ends when
//     nothing is pending, as with -c.
//   - -W 0 ("wait forever"): with -c and no -w, the run ends when every probe is answered.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

struct SpreadPolicy {
  Duration interval = std::chrono::seconds(1);  // > 0 (flood is refused with several targets)
  std::size_t targets = 1;                      // N >= 1
  std::uint64_t count = 0;                      // -c; 0 = no count
  std::optional<Duration> deadline;             // -w
};

// A probe in due order: its round and its target.
struct ProbeSlot {
  std::uint64_t round = 0;
  std::size_t target = 0;
  friend bool operator==(const ProbeSlot&, const ProbeSlot&) = default;
  friend auto operator<=>(const ProbeSlot&, const ProbeSlot&) = default;
};

class SpreadSchedule {
 public:
  SpreadSchedule(const SpreadPolicy& policy, MonoTime start);

  // When probe (round, target) is due.
  MonoTime due(ProbeSlot slot) const;
  // The next probe to send, if any is left (count and deadline not reached).
  std::optional<ProbeSlot> next(MonoTime now) const;
  // When the next probe is due; nothing if no more will be sent.
  std::optional<MonoTime> next_due(MonoTime now) const;
  // The next probe (next()) was sent or failed: move on.
  void advance();
  // From now on nothing more is sent; the probes in flight still get their replies or -W.
  void stop_sending() { stopped_ = true; }

  // Probes sent to `target` so far (rounds it has had).
  std::uint64_t sent_to(std::size_t target) const {
    return cursor_.round + (target < cursor_.target ? 1 : 0);
  }
  // Whether any probe is still to be sent at or after `now`.
  bool sending(MonoTime now) const { return next(now).has_value(); }
  // The run is over: the deadline passed, or sending is over and nothing is `pending`.
  bool finished(MonoTime now, std::uint64_t pending) const;
  std::optional<MonoTime> deadline() const;

  // The next probe in due order (sent or not): every probe before it has been sent.
  ProbeSlot cursor() const { return cursor_; }
  const SpreadPolicy& policy() const { return policy_; }
  MonoTime start() const { return start_; }

 private:
  SpreadPolicy policy_;
  MonoTime start_;
  ProbeSlot cursor_;
  bool stopped_ = false;
};

}  // namespace bp
