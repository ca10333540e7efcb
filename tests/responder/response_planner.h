#pragma once
// The test responder's timing: which datagrams go out when. Each request's replies are due at
// its arrival + the configured delay; all pending sends sit in one queue ordered by due time,
// so the delays of consecutive requests overlap as they would on a slow link (a 20 ms delay at
// a 10 ms interval keeps two replies in flight). The system shell arms one timerfd at
// next_due() and calls take_due() when it fires.
//
// Reorder: the reply to every other request is held back and sent right after the reply to
// the next request (same due time, queued behind it), or alone once the hold limit passes.
//
// Spread: each request's replies wait spread_delay() more, so with a spread the replies to
// consecutive requests can overtake each other; the queue sends each at its own due time.
//
// Pure: the caller passes the time in; no clock, no I/O.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "shared/mono_time.h"
#include "tests/responder/reply_builder.h"
#include "tests/responder/responder_config.h"

namespace bp::responder {

// The extra delay of the request (identifier, sequence) under a spread: uniform in
// [0, spread) with nanosecond steps, from a fixed hash of the pair (no state, no seed), so the
// same request always gets the same delay and a test knows the distribution it measures.
// 0 when the spread is 0 or less.
std::chrono::nanoseconds spread_delay(std::uint16_t identifier, std::uint16_t sequence,
                                      std::chrono::nanoseconds spread);

struct ResponderCounts {
  std::uint64_t requests = 0;  // echo requests taken in (not counting those past the maximum)
  std::uint64_t ignored = 0;   // echo requests past --max-packets
  std::uint64_t replies = 0;   // datagrams handed out by take_due() in answer to requests
  std::uint64_t noise = 0;     // unrelated datagrams handed out by take_due()
};

class ResponsePlanner {
 public:
  explicit ResponsePlanner(ResponderConfig config) : config_(std::move(config)) {}

  // An echo request that arrived at `arrival`: plans its noise (due at once) and its replies
  // (due at arrival + delay). Past --max-packets requests are counted as ignored.
  void on_request(const EchoRequestIn& request, MonoTime arrival);

  // Everything due at `now`, in send order (earliest first; equal times in planning order).
  std::vector<Datagram> take_due(MonoTime now);

  // When the next datagram is due (a held reorder reply counts with its hold limit).
  std::optional<MonoTime> next_due() const;

  // All --max-packets requests are in and nothing is left to send: the run is over.
  bool finished() const { return counts_.requests >= config_.max_packets && idle(); }
  bool idle() const { return queue_.empty() && !held_; }

  const ResponderCounts& counts() const { return counts_; }

 private:
  struct Pending {
    Datagram datagram;
    bool noise = false;
  };
  struct Held {
    std::vector<Datagram> replies;
    MonoTime due;      // when they would have gone out
    MonoTime release;  // when they go out alone
  };
  // Ordered by (due time, planning order).
  using Key = std::pair<MonoTime, std::uint64_t>;

  void enqueue(MonoTime due, Datagram datagram, bool noise);
  Scenario scenario_for(std::uint64_t request_number) const;

  ResponderConfig config_;
  std::map<Key, Pending> queue_;
  std::optional<Held> held_;
  std::uint64_t next_order_ = 0;
  std::size_t noise_planned_ = 0;  // also picks the next noise kind
  ResponderCounts counts_;
};

}  // namespace bp::responder
