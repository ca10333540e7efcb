#pragma once
// RunOutputs: what both loops (one target, several) add to iputils' text for issue 13's
// options, in one place: the statistics beyond iputils' (TargetStatistics), JSON Lines
// (--json), the --stats lines and the --summary-every interval reports.
//
// A loop hands its engine events to events() (statistics first, then JSON), and asks for the
// run-level lines: start(), interval(), status(), summaries(). Figures per target come from the
// loop through a SummaryOf function, so the JSON summary holds exactly the text's figures.
// Without any of the options nothing is kept and the loop runs as before.

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ping/app/ping_loop.h"
#include "ping/app/turn_output.h"
#include "ping/cli/options.h"
#include "ping/engine/probe_events.h"
#include "ping/output/json_sink.h"
#include "ping/output/report.h"
#include "ping/stats/target_stats.h"
#include "shared/mono_time.h"

namespace bp {

// Target i's figures in iputils' summary form, as the loop has them now.
using SummaryOf = std::function<Summary(std::size_t)>;

class RunOutputs {
 public:
  // `now` is the loop's clock reading, which it keeps current while it hands in events.
  RunOutputs(std::string_view program, const Options& options, std::span<const PingTarget> targets,
             MonoTime start, const MonoTime& now, TurnOutput& output);

  // Whether anything beyond iputils' text is asked for; without it events() is not to be used.
  bool active() const { return stats_.has_value(); }
  bool json() const { return json_.has_value(); }
  ProbeEvents& events() { return fanout_ ? static_cast<ProbeEvents&>(*fanout_) : *stats_; }

  void start();  // the JSON start line
  // The next --summary-every report is due then; nothing without the option.
  std::optional<MonoTime> next_interval() const { return next_interval_; }
  // Writes the interval reports when one is due by `now`.
  void interval(MonoTime now, const SummaryOf& summary_of);
  // SIGQUIT with --json (the text loops print their own status lines otherwise).
  void status(MonoTime now, const SummaryOf& summary_of);
  // --json: the summary lines.
  void summaries(MonoTime now, const SummaryOf& summary_of);
  // --stats: the lines after target's text summary block; empty without the option.
  std::string stats_lines(std::size_t target, const Summary& summary, MonoTime now) const;

 private:
  const Options& options_;
  std::span<const PingTarget> targets_;
  TurnOutput& output_;
  std::optional<TargetStatistics> stats_;
  std::optional<JsonSink> json_;
  std::optional<ProbeEventsFanout> fanout_;
  std::optional<MonoTime> next_interval_;
};

}  // namespace bp
