#pragma once
// TextEvents: one target's engine-style events (probe_events.h) as iputils' text, through a
// TextSink. The single-target loop hands its events to a fanout of this and the --json /
// statistics outputs, as the several-targets loop does with TargetsTextSink.

#include <cstddef>
#include <cstdint>

#include "ping/engine/probe_events.h"
#include "ping/output/text_sink.h"

namespace bp {

class TextEvents final : public ProbeEvents {
 public:
  TextEvents(TextSink& text, Family family) : text_(text), family_(family) {}

  void on_sent(std::size_t, std::uint16_t) override { text_.on_sent(); }
  void on_send_failed(std::size_t, int err) override { text_.on_send_failed(err); }
  void on_reply(std::size_t, const ReplyEvent& event) override { text_.on_reply(event); }
  void on_icmp_error(std::size_t, const IcmpErrorEvent& event) override {
    text_.on_icmp_error(event, family_);
  }
  void on_local_error(std::size_t, int err, std::uint32_t info) override {
    text_.on_local_error(err, info, family_);
  }

 private:
  TextSink& text_;
  Family family_;
};

}  // namespace bp
