#include "ping/app/run_outputs.h"

#include <chrono>

#include "ping/net/socket_address.h"
#include "ping/output/stats_text.h"

namespace bp {
namespace {

WallClockTime wall_now() { return std::chrono::system_clock::now(); }

std::vector<JsonTarget> json_targets(std::span<const PingTarget> targets) {
  std::vector<JsonTarget> out;
  out.reserve(targets.size());
  for (const PingTarget& t : targets) out.push_back({t.name, address_text(t.address), t.address.family});
  return out;
}

// "better_ping" or "ping": which program, whatever name it was installed or invoked under
// (the pinger is installed as bping).
std::string program_kind(std::string_view argv0) {
  return program_name_from_argv0(argv0) == "better_ping" ? "better_ping" : "ping";
}

std::uint64_t count_of(std::int64_t n) { return n > 0 ? static_cast<std::uint64_t>(n) : 0; }

}  // namespace

RunOutputs::RunOutputs(std::string_view program, const Options& options,
                       std::span<const PingTarget> targets, MonoTime start, const MonoTime& now,
                       TurnOutput& output)
    : options_(options), targets_(targets), output_(output) {
  if (!options.json && !options.stats && !options.summary_every) return;
  stats_.emplace(targets.size(), start, now);
  if (options.summary_every) next_interval_ = start + *options.summary_every;
  if (!options.json) return;
  JsonSinkSettings settings{program_kind(program), options.quiet};
  json_.emplace(std::move(settings), json_targets(targets), *stats_, wall_now, output.out);
  fanout_.emplace(std::vector<ProbeEvents*>{&*stats_, &*json_});
}

void RunOutputs::start() {
  if (json_) json_->start(options_);
}

void RunOutputs::interval(MonoTime now, const SummaryOf& summary_of) {
  if (!next_interval_ || now < *next_interval_) return;
  // The next one is due a whole period after this one; after a long stop (Ctrl-Z) it is due
  // a period from now, not in a burst.
  while (*next_interval_ <= now) *next_interval_ += *options_.summary_every;
  if (!json_) output_.err += format_interval_stamp(wall_now());
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const Summary s = summary_of(i);
    const IntervalFigures f =
        stats_->close_interval(i, count_of(s.counts.transmitted), count_of(s.counts.received), now);
    if (json_) {
      json_->interval(i, f);
    } else {
      output_.err += format_interval_line(s.host, f);
    }
  }
}

void RunOutputs::status(MonoTime now, const SummaryOf& summary_of) {
  for (std::size_t i = 0; i < targets_.size(); ++i) json_->status(i, summary_of(i), now);
}

void RunOutputs::summaries(MonoTime now, const SummaryOf& summary_of) {
  for (std::size_t i = 0; i < targets_.size(); ++i) json_->summary(i, summary_of(i), now);
}

std::string RunOutputs::stats_lines(std::size_t target, const Summary& summary, MonoTime now) const {
  if (!options_.stats || !stats_) return {};
  return format_stats_lines(stats_->of(target), summary, now);
}

}  // namespace bp
