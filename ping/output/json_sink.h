#pragma once
// JsonSink: JSON Lines (docs/JSON.md, docs/schema/better_ping.schema.json) from the engine's
// events (probe_events.h), for one target or many. Pure: it appends lines to a string that the
// loop writes at the end of each turn (so `| jq` is live), reads the wall clock only through
// the function it is given (for events without a kernel stamp), and takes the statistics
// beyond iputils' from TargetStatistics, which must see each event first.
//
// Lines: start (once, first), then per event reply / corrupt / error / local_error / timeout,
// interval (--summary-every) and status (SIGQUIT) per target, and summary per target at the
// end. With -q only start, interval, status and summary lines are written.
//
// What each field holds, where it is not obvious:
//   reply.rtt_ms     the RTT, microsecond precision (3 decimals), from the kernel stamps
//   reply.reordered  present (true) when a reply to a later probe came first
//   reply.from       present when the reply came from another address than the target's
//   corrupt          a reply with a bad checksum (counted in summary.corrupt, as iputils
//                    counts "corrupted") or with a wrong payload byte (counted as received,
//                    as iputils counts it, and reported here with reason "payload")
//   error            an ICMP error quoting our probe (from the error queue or, raw IPv4, in band)
//   summary          iputils' counts and min/avg/max/mdev (the text's figures, to the
//                    microsecond) and the rest from ReplyStats; null RTT figures without replies

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ping/cli/options.h"
#include "ping/engine/probe_events.h"
#include "ping/output/report.h"
#include "ping/stats/target_stats.h"
#include "shared/mono_time.h"

namespace bp {

class JsonLine;

// A target as the JSON lines name it.
struct JsonTarget {
  std::string target;   // as given (command line or targets file)
  std::string address;  // numeric
  Family family = Family::kIpv4;
};

struct JsonSinkSettings {
  std::string program;  // "ping" or "better_ping": argv[0]'s base name
  bool quiet = false;   // -q: no per-probe lines
};

class JsonSink final : public ProbeEvents {
 public:
  // The schema version in every start line: raised when a field changes meaning or goes away
  // (new fields and types do not raise it: readers ignore what they do not know).
  static constexpr int kSchemaVersion = 1;

  JsonSink(JsonSinkSettings settings, std::vector<JsonTarget> targets, const TargetStatistics& stats,
           std::function<WallClockTime()> wall_clock, std::string& out);

  void start(const Options& options);
  void on_send_failed(std::size_t target, int err) override;
  void on_reply(std::size_t target, const ReplyEvent& event) override;
  void on_icmp_error(std::size_t target, const IcmpErrorEvent& event) override;
  void on_local_error(std::size_t target, int err, std::uint32_t info) override;
  void on_lost(std::size_t target, std::uint16_t sequence) override;
  // --summary-every: target's figures over the interval just closed.
  void interval(std::size_t target, const IntervalFigures& figures);
  // SIGQUIT: target's figures so far, in the interval line's shape.
  void status(std::size_t target, const Summary& summary, MonoTime now);
  // The end: target's final figures. `summary` is what the text output would print.
  void summary(std::size_t target, const Summary& summary, MonoTime now);

 private:
  // The fields every per-target line starts with.
  JsonLine& begin(JsonLine& line, std::string_view type, std::size_t target);
  void write_reply(std::size_t target, const ReplyEvent& event);
  void write_corrupt(std::size_t target, const ReplyEvent& event, std::string_view reason);
  void write_local_error(std::size_t target, std::string_view message);
  void write_rtt(JsonLine& line, const Summary& summary, const ReplyStats& stats);
  WallClockTime event_time(const std::optional<KernelTime>& kernel) const;

  JsonSinkSettings settings_;
  std::vector<JsonTarget> targets_;
  std::vector<std::string> members_;  // per target: its "target" and "address", escaped once
  const TargetStatistics& stats_;
  std::function<WallClockTime()> wall_clock_;
  std::string& out_;
};

// The text of a local error, as iputils words it after "ping: local error: " (EMSGSIZE with
// its MTU: "message too long, mtu=1400").
std::string local_error_text(int err, std::uint32_t info, Family family);

}  // namespace bp
