#pragma once
// TargetsTextSink: iputils' text for several targets, from the engine's events
// (probe_events.h). Pure, like TextSink, which it drives for the lines themselves: a reply line
// already names its address, so the lines are iputils' own. What differs from one target:
//   - a header line per target first (headers()), none with -q;
//   - each target's summary block at the end, in target order (summaries());
//   - SIGQUIT: a status line per target, named ("198.19.0.1: 3/3 packets, 0% loss, ...").
// Lost probes print nothing, as iputils prints nothing for them.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ping/engine/probe_engine.h"
#include "ping/engine/probe_events.h"
#include "ping/output/report.h"
#include "ping/output/text_sink.h"

namespace bp {

class TargetsTextSink final : public ProbeEvents {
 public:
  // `names`: each target as its header and summary name it. `text` writes the lines (its
  // target is none of ours, so it names every address through its lookup).
  TargetsTextSink(const ProbeEngine& engine, std::vector<std::string> names, TextSink& text,
                  std::string& err);

  void headers(const std::vector<HeaderLine>& lines);
  // Each target's block; `after(i, summary)` gives lines after its rtt line (--stats).
  void summaries(const std::function<std::string(std::size_t, const Summary&)>& after = {});
  void status();

  void on_sent(std::size_t target, std::uint16_t sequence) override;
  void on_send_failed(std::size_t target, int err) override;
  void on_reply(std::size_t target, const ReplyEvent& event) override;
  void on_icmp_error(std::size_t target, const IcmpErrorEvent& event) override;
  void on_local_error(std::size_t target, int err, std::uint32_t info) override;

  // Target `i`'s figures in iputils' summary form.
  Summary summary(std::size_t target) const;

 private:
  const ProbeEngine& engine_;
  std::vector<std::string> names_;
  TextSink& text_;
  std::string& err_;
};

}  // namespace bp
