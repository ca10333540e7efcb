#pragma once
// ProbeWindows: the recent probes of every target, in one flat table of fixed size. Pure.
//
// Target i's probe of round r lives in slot r mod S of row i, so a row holds the last S probes
// and the table never grows, however long the run: S slots of 9 bytes per target (a send time
// and a state). S is chosen once, from -W and -i, so that a probe stays in its slot for its
// whole -W wait and then some: S = the power of two >= W / interval + 2, at least 4 and at most
// kMaxSlots (with -W 10 at -i 1: 16 slots, 144 bytes). When a row is that short for the wait
// (a long -W at a short -i), a probe still pending when its slot is needed again is lost then.
//
// A round is in the window while the target has been sent fewer than S more probes since:
// in_window(sent_to_target, round).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "shared/mono_time.h"

namespace bp {

enum class ProbeState : std::uint8_t {
  kEmpty,     // never used
  kPending,   // sent, waiting for its reply
  kAnswered,  // a first reply came (later ones are duplicates)
  kErrored,   // an ICMP error quoted it: no reply will be counted
  kLost,      // no reply within -W: a later reply is not counted
  kFailed,    // the send failed
};

class ProbeWindows {
 public:
  static constexpr std::size_t kMinSlots = 4;
  static constexpr std::size_t kMaxSlots = 1024;
  // Slots per target for a wait of `wait` (0: -W 0, wait forever) at `interval`.
  static std::size_t slots_for(Duration wait, Duration interval);

  ProbeWindows(std::size_t targets, std::size_t slots);

  std::size_t slots() const { return mask_ + 1; }
  bool in_window(std::uint64_t sent_to_target, std::uint64_t round) const {
    return round < sent_to_target && sent_to_target - round <= slots();
  }
  ProbeState& state(std::size_t target, std::uint64_t round) { return states_[index(target, round)]; }
  ProbeState state(std::size_t target, std::uint64_t round) const { return states_[index(target, round)]; }
  MonoTime sent_at(std::size_t target, std::uint64_t round) const {
    return MonoTime(Duration(sent_ns_[index(target, round)]));
  }
  void set_sent_at(std::size_t target, std::uint64_t round, MonoTime at) {
    sent_ns_[index(target, round)] = at.time_since_epoch().count();
  }

 private:
  std::size_t index(std::size_t target, std::uint64_t round) const {
    return target * slots() + static_cast<std::size_t>(round & mask_);
  }
  std::size_t mask_;
  std::vector<ProbeState> states_;
  std::vector<Duration::rep> sent_ns_;
};

}  // namespace bp
