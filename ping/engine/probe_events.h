#pragma once
// What the many-targets engine (probe_engine.h) reports, as events to sinks: the iputils text,
// better_ping's heartbeat, and later JSON Lines and metrics. Each event names its target by
// index (the order of the targets given to the engine). Every method has an empty default, so
// a sink overrides only what it shows.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "ping/engine/probe_session.h"

namespace bp {

class ProbeEvents {
 public:
  virtual ~ProbeEvents() = default;
  // A probe left for `target` carrying `sequence`.
  virtual void on_sent(std::size_t /*target*/, std::uint16_t /*sequence*/) {}
  // The send failed (the probe still counts as transmitted, as in iputils); `err` is errno.
  virtual void on_send_failed(std::size_t /*target*/, int /*err*/) {}
  // An echo reply to one of our probes: first, duplicate, or with a bad checksum; a wrong
  // payload byte shows in event.mismatch.
  virtual void on_reply(std::size_t /*target*/, const ReplyEvent& /*event*/) {}
  // An ICMP error quoting one of our probes to `target`.
  virtual void on_icmp_error(std::size_t /*target*/, const IcmpErrorEvent& /*event*/) {}
  // A local error (e.g. EMSGSIZE) for a probe to `target`.
  virtual void on_local_error(std::size_t /*target*/, int /*err*/, std::uint32_t /*info*/) {}
  // No reply within -W (or none before the probe's slot was needed again): the probe is lost.
  virtual void on_lost(std::size_t /*target*/, std::uint16_t /*sequence*/) {}
  // The run is over for `target`: its figures are final.
  virtual void on_target_done(std::size_t /*target*/) {}
};

// Hands every event to each of its sinks, in order.
class ProbeEventsFanout final : public ProbeEvents {
 public:
  explicit ProbeEventsFanout(std::vector<ProbeEvents*> sinks) : sinks_(std::move(sinks)) {}
  void on_sent(std::size_t t, std::uint16_t s) override { each([&](ProbeEvents& e) { e.on_sent(t, s); }); }
  void on_send_failed(std::size_t t, int err) override {
    each([&](ProbeEvents& e) { e.on_send_failed(t, err); });
  }
  void on_reply(std::size_t t, const ReplyEvent& r) override { each([&](ProbeEvents& e) { e.on_reply(t, r); }); }
  void on_icmp_error(std::size_t t, const IcmpErrorEvent& r) override {
    each([&](ProbeEvents& e) { e.on_icmp_error(t, r); });
  }
  void on_local_error(std::size_t t, int err, std::uint32_t info) override {
    each([&](ProbeEvents& e) { e.on_local_error(t, err, info); });
  }
  void on_lost(std::size_t t, std::uint16_t s) override { each([&](ProbeEvents& e) { e.on_lost(t, s); }); }
  void on_target_done(std::size_t t) override { each([&](ProbeEvents& e) { e.on_target_done(t); }); }

 private:
  template <typename F>
  void each(F&& f) {
    for (ProbeEvents* sink : sinks_) f(*sink);
  }
  std::vector<ProbeEvents*> sinks_;
};

}  // namespace bp
