#include "ping/app/ping_loop.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "ping/app/turn_output.h"
#include "ping/packet/icmp_error_text.h"
#include "shared/mono_clock.h"
#include "ping/packet/icmp_packet.h"
#include "ping/packet/ip_options.h"
#include "ping/engine/kernel_stamps.h"
#include "ping/packet/payload.h"
#include "ping/engine/probe_session.h"
#include "ping/output/text_events.h"
#include "ping/output/text_sink.h"
#include "ping/app/run_outputs.h"
#include "ping/engine/timeout_scanner.h"
#include "ping/output/report.h"
#include "ping/net/resolver.h"
#include "ping/stats/rtt_stats.h"
#include "ping/engine/send_schedule.h"
#include "ping/engine/sequence_tracker.h"
#include "ping/engine/timer_wheel.h"

namespace bp {
namespace {

constexpr std::size_t kReceiveBufferSize = 65536 + 512;
constexpr Duration kSendRetryDelay = std::chrono::milliseconds(10);  // iputils, on EAGAIN
// Room for a turn's output, so appending a reply line never allocates (flush() keeps it).
constexpr std::size_t kOutputReserve = 4096;

WallClockTime wall_now() { return std::chrono::system_clock::now(); }


// The longest single sleep. SO_RCVTIMEO is a timer on the kernel's timer wheel, late by up to a
// granule that grows with the timeout (timer_wheel.h). Capping each sleep at 2 s bounds the
// lateness of a wake-up whatever the interval: 40 ms at HZ 250, 66 ms at HZ 1000. SendSchedule
// makes up that much (max_catch_up), so it never accumulates into drift.
constexpr Duration kMaxSleep = std::chrono::seconds(2);

RunPolicy make_policy(const Options& o) {
  RunPolicy policy;
  policy.max_catch_up = timer_wheel_lateness(kMaxSleep, kernel_tick());
  policy.interval = o.interval;
  policy.preload = static_cast<std::uint64_t>(o.preload);
  policy.count = o.count ? static_cast<std::uint64_t>(*o.count) : 0;
  policy.deadline = o.deadline;
  policy.linger = o.linger;
  return policy;
}

SessionConfig session_config(const Options& o, const PingTarget& target, const IcmpSocket& socket) {
  SessionConfig config;
  config.target = target.address;
  config.identifier = socket.identifier();
  config.payload.resize(o.payload_size);
  if (o.pattern) {
    fill_payload(config.payload, *o.pattern);
  } else {
    fill_payload(config.payload);
  }
  config.late_after = o.linger;
  config.kernel_tx_stamps = !o.flood && !o.user_latency;
  return config;
}

TextSinkSettings text_settings(const Options& o, const IcmpSocket& socket, std::string_view program) {
  TextSinkSettings t;
  t.program = std::string(program);
  t.quiet = o.quiet;
  t.flood = o.flood;
  t.flood_marks = o.flood && !o.quiet && isatty(STDOUT_FILENO) == 1;
  t.timestamps = o.print_timestamps;
  t.show_identifier = o.verbose && socket.kind() == SocketKind::Raw;
  t.three_decimals = o.rtt_three_decimals;
  t.audible = o.audible;
  return t;
}

class PingLoop {
 public:
  PingLoop(const Options& options, const PingTarget& target, IcmpSocket& socket,
           SignalCatcher& signals, PingObserver* observer, std::string_view program)
      : options_(options),
        target_(target),
        socket_(socket),
        signals_(signals),
        observer_(observer),
        program_(program),
        family_(target.address.family),
        session_(session_config(options, target, socket)),
        receive_storage_(new std::uint8_t[kReceiveBufferSize]),  // untouched until used
        receive_buffer_(receive_storage_.get(), kReceiveBufferSize),
        flood_path_(options.interval == Duration::zero() && !options.adaptive),
        // iputils' MIN_USER_INTERVAL_MS for -A: ordinary users are not allowed to flood.
        adaptive_floor_(getuid() == 0 ? Duration::zero() : Duration(std::chrono::milliseconds(2))),
        names_(target.numeric ? nullptr : std::make_unique<ReverseNames>()),
        text_(text_settings(options, socket, program), target.address, wall_now, name_lookup(),
              output_.out, output_.err),
        show_text_(!options.json),
        text_events_(text_, target.address.family),
        outputs_(program, options, std::span<const PingTarget>(&target_, 1), read_monotonic_clock(),
                 event_now_, output_) {
    if (outputs_.active()) timeouts_.emplace(options.linger);
    wire_sinks();
    const SessionConfig& config = session_.config();
    packet_.resize(kIcmpHeaderSize + config.payload.size());
    build_echo_request(family_, config.identifier, 1, config.payload, packet_);
    if (names_ && target_.reverse_name) {
      names_->remember(target_.address, *target_.reverse_name);
      text_.target_name_known();
    }
    output_.out.reserve(kOutputReserve);
  }

  LoopResult run();

 private:
  void print_header();
  void send_due_probes(MonoTime now);
  void send_probe(MonoTime now);
  static constexpr int kAuxPollEvery = 64;
  bool wait_and_handle();
  void tick_observer(MonoTime now);
  LoopProgress progress() const;
  bool output_closed() const;
  std::optional<MonoTime> next_wakeup() const;
  bool receive_one_blocking();
  void sleep_in_socket(std::optional<MonoTime> until);
  void set_receive_timeout(std::optional<MonoTime> until, MonoTime now);
  bool handle_signals();
  void report(const SysError& error);  // "ping: recvmsg: ..." on stderr
  int drain_error_queue();  // returns how many entries it read
  bool read_error_queue_once();
  bool read_socket_once(bool wait);  // whether anything was read
  void report_unanswered_previous();
  void on_packet(const ReceivedPacket& packet, std::span<const std::uint8_t> bytes, MonoTime now);
  void on_reply(const ReplyEvent& event, MonoTime now);
  void on_remote_error(const RemoteError& error);
  void on_local_error(const LocalError& error);
  NameLookup name_lookup();
  Summary summary() const;
  SummaryOf summary_of() const {
    return [this](std::size_t) { return summary(); };
  }
  void wire_sinks();
  void flush_turn(MonoTime now);
  void serve_outputs(MonoTime now);
  void expire_probes(MonoTime now);
  void print_summary();

  const Options& options_;
  const PingTarget& target_;
  IcmpSocket& socket_;
  SignalCatcher& signals_;
  PingObserver* observer_;
  std::string_view program_;
  Family family_;

  ProbeSession session_;
  std::optional<SendSchedule> schedule_;  // starts with the first probe, as iputils' clock

  std::vector<std::uint8_t> packet_;
  std::unique_ptr<std::uint8_t[]> receive_storage_;
  std::span<std::uint8_t> receive_buffer_;
  bool flood_path_;  // interval 0: a reply makes the next probe due at once
  Duration adaptive_floor_;  // -A: the shortest interval it may choose
  int packets_since_aux_poll_ = 0;
  std::optional<MonoTime> send_blocked_until_;
  std::optional<int> exit_override_;
  std::optional<CaughtSignal> stop_signal_;
  // The socket's receive timeout as last set: for which wake-up (nothing: none), and when.
  struct ReceiveTimeout {
    std::optional<MonoTime> until;
    MonoTime set_at;
  };
  std::optional<ReceiveTimeout> receive_timeout_;  // nothing: not known
  TurnOutput output_;
  std::unique_ptr<ReverseNames> names_;  // none for numeric output
  TextSink text_;                        // after output_ and names_, which it uses
  bool show_text_;                       // no iputils text with --json
  TextEvents text_events_;               // text_ as a sink of events
  MonoTime event_now_{};                 // the clock reading of the event being handed on
  RunOutputs outputs_;                   // --json, --stats, --summary-every
  std::optional<TimeoutScanner> timeouts_;  // probes past -W, for those outputs
  std::optional<ProbeEventsFanout> fanout_;
  ProbeEvents* events_ = nullptr;        // the text, the outputs, or both
};

LoopResult PingLoop::run() {
  print_header();
  output_.flush();
  // The loop sleeps in the socket's blocking receive (see sleep_in_socket); a signal cuts the
  // receive short, and its handler the receive timeout too.
  signals_.watch_receiver(socket_.fd());
  const Duration first_timeout = flood_path_ ? SendSchedule::kFloodBackoff : kMaxSleep;
  if (auto e = socket_.prepare_blocking_receive(first_timeout)) {
    report(*e);
    output_.flush();
    LoopResult failed;
    failed.exit_code = 2;
    return failed;
  }
  schedule_.emplace(make_policy(options_), read_monotonic_clock());
  for (;;) {
    const MonoTime now = read_monotonic_clock();
    if (schedule_->finished(now)) break;
    tick_observer(now);
    serve_outputs(now);
    send_due_probes(now);
    flush_turn(now);
    if (schedule_->finished(now) || output_closed()) break;
    const bool stop = flood_path_ ? receive_one_blocking() : wait_and_handle();
    flush_turn(now);
    if (stop || exit_override_ || output_closed()) break;
  }
  if (!output_closed()) {
    print_summary();
    output_.flush();
  }
  if (observer_ != nullptr) observer_->on_finish(progress());
  LoopResult result;
  result.exit_code = exit_override_.value_or(schedule_->exit_status());
  result.stop_signal = stop_signal_;
  result.output_closed = output_closed();
  return result;
}

// A flood with --json has a line per reply: its output is written in batches (16 KiB or 20 ms,
// so `| jq` still sees it live), not once per packet, which costs the flood half its rate.
// Everything else is written every turn, as iputils writes every line.
void PingLoop::flush_turn(MonoTime now) {
  static constexpr std::size_t kBatchBytes = 16 * 1024;
  static constexpr Duration kBatchDelay = std::chrono::milliseconds(20);
  if (flood_path_ && options_.json) {
    output_.flush_batched(now, kBatchBytes, kBatchDelay);
  } else {
    output_.flush();
  }
}

// The session's events go to the statistics and JSON first (the JSON reads the statistics),
// then to the text (none with --json).
void PingLoop::wire_sinks() {
  if (!outputs_.active()) {
    events_ = &text_events_;
  } else if (!show_text_) {
    events_ = &outputs_.events();
  } else {
    fanout_.emplace(std::vector<ProbeEvents*>{&outputs_.events(), &text_events_});
    events_ = &*fanout_;
  }
}

// The per-turn duties of --json, --stats and --summary-every: probes past their -W, and the
// interval report when it is due.
void PingLoop::serve_outputs(MonoTime now) {
  if (!outputs_.active()) return;
  expire_probes(now);
  outputs_.interval(now, summary_of());
}

void PingLoop::expire_probes(MonoTime now) {
  if (!timeouts_) return;
  event_now_ = now;
  timeouts_->expire(session_.tracker(), now, [&](std::uint16_t seq) { outputs_.events().on_lost(0, seq); });
}

void PingLoop::print_summary() {
  const MonoTime now = read_monotonic_clock();
  if (timeouts_) {
    event_now_ = now;
    timeouts_->finish(session_.tracker(), [&](std::uint16_t seq) { outputs_.events().on_lost(0, seq); });
  }
  if (outputs_.json()) {
    outputs_.summaries(now, summary_of());
    return;
  }
  const Summary s = summary();
  text_.on_summary(s, outputs_.stats_lines(0, s, now));
}

bool PingLoop::output_closed() const {
  return output_.closed() && observer_ != nullptr && observer_->end_on_closed_output();
}

void PingLoop::tick_observer(MonoTime now) {
  if (observer_ == nullptr) return;
  const auto due = observer_->next_tick();
  if (!due || now < *due) return;
  observer_->on_tick(now, progress());
}

LoopProgress PingLoop::progress() const {
  const SessionCounts c = session_.counts();
  return LoopProgress{c.transmitted, c.received, session_.last_rtt()};
}

std::optional<MonoTime> PingLoop::next_wakeup() const {
  auto wake = schedule_->next_wakeup(session_.in_flight());
  const auto earlier = [&](std::optional<MonoTime> t) {
    if (t && (!wake || *t < *wake)) wake = t;
  };
  if (timeouts_) earlier(timeouts_->next_deadline(session_.tracker()));
  earlier(outputs_.next_interval());
  if (observer_ != nullptr) {
    if (const auto tick = observer_->next_tick(); tick && (!wake || *tick < *wake)) wake = tick;
  }
  return wake;
}

bool PingLoop::wait_and_handle() {
  sleep_in_socket(next_wakeup());
  return handle_signals();
}

// Sleeps in a blocking receive on the ICMP socket until a packet comes (it is handled), `until`
// (give or take the timer's granularity: never early), or a signal. Waking from this costs
// clearly less CPU than waking from ppoll() on a high-resolution timer (bench/, README), and
// the receive is the read as well. Signals: see SignalCatcher.
void PingLoop::sleep_in_socket(std::optional<MonoTime> until) {
  const MonoTime now = read_monotonic_clock();
  if (until && *until <= now) {  // due already: only take what is queued
    read_socket_once(/*wait=*/false);
    return;
  }
  set_receive_timeout(until, now);
  if (signals_.pending()) return;  // a signal after this check cuts the timeout (SignalCatcher)
  read_socket_once(/*wait=*/true);
}

// The timeout counts from the start of each receive. One set for the same wake-up less than
// kTimeoutReuse ago is kept: the receive then ends at most that much late (the wait for a reply
// right after a send is followed by the sleep to the next send, both aiming at that send).
void PingLoop::set_receive_timeout(std::optional<MonoTime> until, MonoTime now) {
  static constexpr Duration kTimeoutReuse = std::chrono::milliseconds(1);
  const bool cut = signals_.take_timeout_cut();
  if (!cut && receive_timeout_ && receive_timeout_->until == until && now - receive_timeout_->set_at <= kTimeoutReuse) {
    return;
  }
  std::optional<Duration> timeout;
  if (until) timeout = std::min(*until - now, kMaxSleep);
  if (auto e = socket_.set_receive_timeout(timeout)) {
    report(*e);
    receive_timeout_.reset();
    return;
  }
  receive_timeout_ = ReceiveTimeout{until, now};
}

// Flood mode's per-packet path: one blocking receive (bounded by the 10 ms back-off) per
// reply, then straight back to sending; iputils needs the same two calls per packet. Signals
// are taken every kAuxPollEvery packets and whenever the receive comes back empty (timeout
// or signal).
bool PingLoop::receive_one_blocking() {
  auto received = socket_.receive(receive_buffer_, /*wait=*/true);
  const bool timed_out = received && !received->has_value();
  if (received && received->has_value()) {
    const ReceivedPacket& packet = **received;
    on_packet(packet, std::span<const std::uint8_t>(receive_buffer_.data(), packet.length),
              read_monotonic_clock());
  } else if (!received) {
    // With IP_RECVERR a pending ICMP error fails the receive; the details are in the queue.
    drain_error_queue();
  }
  if (!timed_out && ++packets_since_aux_poll_ < kAuxPollEvery) return false;
  packets_since_aux_poll_ = 0;
  tick_observer(read_monotonic_clock());
  if (handle_signals()) return true;
  // A signal handler cuts the receive timeout (SignalCatcher): flood's own comes back.
  if (signals_.take_timeout_cut()) {
    if (auto e = socket_.set_receive_timeout(SendSchedule::kFloodBackoff)) {
      report(*e);
    }
  }
  // Entries that did not fail a receive (local errors) wait in the queue: one look per round.
  drain_error_queue();
  return false;
}

void PingLoop::print_header() {
  if (outputs_.json()) {
    outputs_.start();
  } else {
    text_.on_header(header_line(options_, target_), options_.pattern);
  }
}

void PingLoop::send_due_probes(MonoTime now) {
  if (send_blocked_until_ && now < *send_blocked_until_) return;
  send_blocked_until_.reset();
  while (schedule_->should_send(now, session_.in_flight())) {
    send_probe(now);
    if (send_blocked_until_) return;
  }
}

void PingLoop::send_probe(MonoTime now) {
  if (options_.report_outstanding) report_unanswered_previous();
  const std::uint16_t seq = session_.next_sequence();
  set_echo_sequence(family_, packet_, seq);
  // -U: user to user, so the send time is read right before the call, not at the turn's start.
  const MonoTime sent_at = options_.user_latency ? read_monotonic_clock() : now;
  const int err = socket_.send(packet_, target_.address);
  if (err == EAGAIN || err == ENOBUFS || err == ENOMEM) {
    // The kernel's queue is full: not a send; try again shortly, as iputils does.
    send_blocked_until_ = now + kSendRetryDelay;
    return;
  }
  session_.on_sent(sent_at, err == 0);
  if (timeouts_) timeouts_->on_sent(seq);
  schedule_->on_sent(now);
  if (err == 0) {
    if (session_.config().kernel_tx_stamps) {
      // The TX_SCHED stamp is queued before send() returns: read it now, while the reply to
      // compute its RTT with is still to come.
      read_error_queue_once();
    }
    events_->on_sent(0, seq);
    return;
  }
  // A hard local error still counts as transmitted (iputils). As iputils' pinger(), the error
  // queue is read first: when it explains the failure ("local error: message too long,
  // mtu=1500" for -M do), that is the one message and the one error counted; nothing else would
  // wake us for it, since the loop sleeps in a receive that such entries do not fail.
  if (drain_error_queue() > 0) return;
  session_.on_local_error();
  events_->on_send_failed(0, err);
}

// -O: a reply already waiting in the socket is an answer, so it is read first; otherwise the
// line would be wrong, and stamped after the reply line that follows it.
void PingLoop::report_unanswered_previous() {
  if (!show_text_ || !session_.unanswered_previous()) return;
  for (int i = 0; i < kAuxPollEvery && session_.unanswered_previous(); ++i) {
    if (!read_socket_once(/*wait=*/false)) break;
  }
  if (auto previous = session_.unanswered_previous()) text_.on_no_answer_yet(*previous);
}

bool PingLoop::handle_signals() {
  while (auto info = signals_.take()) {
    const int sig = info->signo;
    if (sig == SIGINT || sig == SIGTERM) {
      stop_signal_ = *info;
      return true;
    }
    if (sig == SIGQUIT && outputs_.json()) {
      outputs_.status(read_monotonic_clock(), summary_of());
    } else if (sig == SIGQUIT) {
      text_.on_status(summary(), isatty(STDERR_FILENO) == 1);
    } else if (observer_ != nullptr) {
      if (auto code = observer_->on_other_signal(*info)) {
        exit_override_ = *code;
        return true;
      }
    }
  }
  return false;
}

void PingLoop::report(const SysError& error) {
  output_.err += std::string(program_) + ": " + error.message() + "\n";
}

int PingLoop::drain_error_queue() {
  int entries = 0;
  while (read_error_queue_once()) ++entries;
  return entries;
}

bool PingLoop::read_error_queue_once() {
  auto entry = socket_.receive_error(receive_buffer_);
  if (!entry) {
    report(entry.error());
    return false;
  }
  if (const auto* tx = std::get_if<TxTimestamp>(&*entry)) {
    session_.on_tx_stamp(tx->key, tx->when);
  } else if (const auto* remote = std::get_if<RemoteError>(&*entry)) {
    on_remote_error(*remote);
  } else if (const auto* local = std::get_if<LocalError>(&*entry)) {
    on_local_error(*local);
  } else {
    return false;  // the queue is empty
  }
  return true;
}

bool PingLoop::read_socket_once(bool wait) {
  auto received = socket_.receive(receive_buffer_, wait);
  if (!received) {
    // With IP_RECVERR a queued ICMP error also fails the next receive (iputils' main_loop
    // reads the error queue then); only a failure with nothing queued is worth a message.
    const int entries = drain_error_queue();
    if (entries == 0) report(received.error());
    return entries > 0;
  }
  if (!received->has_value()) return false;
  const ReceivedPacket& packet = **received;
  on_packet(packet, std::span<const std::uint8_t>(receive_buffer_.data(), packet.length),
            read_monotonic_clock());
  return true;
}

void PingLoop::on_packet(const ReceivedPacket& packet, std::span<const std::uint8_t> bytes,
                         MonoTime now) {
  event_now_ = now;
  Envelope envelope;
  envelope.source = packet.from;
  if (packet.ttl) envelope.ttl = static_cast<std::uint8_t>(*packet.ttl);
  const bool with_ip_header = family_ == Family::kIpv4 && socket_.kind() == SocketKind::Raw;
  const ReceivedIcmp parsed =
      with_ip_header ? parse_ipv4_datagram(bytes) : parse_icmp_message(family_, bytes, envelope);
  if (const auto* reply = std::get_if<EchoReply>(&parsed.message)) {
    const ReplyMeta meta{packet.from, packet.truncated, packet.kernel_rx, now};
    if (auto event = session_.on_echo_reply(*reply, parsed.envelope, meta)) on_reply(*event, now);
  } else if (const auto* error = std::get_if<IcmpError>(&parsed.message)) {
    if (auto event = session_.on_in_band_error(*error, parsed.envelope)) {
      events_->on_icmp_error(0, *event);
    }
  }
  // Echo requests (our own, seen on loopback), other ICMP and malformed data are not ours.
}

void PingLoop::on_reply(const ReplyEvent& event, MonoTime now) {
  if (event.status == ReplyStatus::kFirst) {
    schedule_->on_reply(now, *event.rtt);
    if (options_.adaptive) {
      const Duration ewma = session_.rtt_stats().ewma().value_or(*event.rtt);
      schedule_->set_interval(adaptive_interval(ewma, adaptive_floor_));
    }
    if (observer_ != nullptr && event.valid()) observer_->on_valid_reply(event.sequence, *event.rtt, now);
    if (timeouts_) timeouts_->on_settled(event.sequence);
  }
  events_->on_reply(0, event);
}

void PingLoop::on_remote_error(const RemoteError& error) {
  const auto event = session_.on_queued_error(
      std::span<const std::uint8_t>(receive_buffer_.data(), error.quoted_length), error.type,
      error.code, error.info, error.offender);
  if (!event) return;
  schedule_->on_error();
  if (timeouts_) timeouts_->on_settled(event->sequence);
  events_->on_icmp_error(0, *event);
}

void PingLoop::on_local_error(const LocalError& error) {
  session_.on_local_error();
  events_->on_local_error(0, error.err, error.info);
}

// Names come from the reverse-lookup worker's cache: nothing until a lookup has finished, so a
// lookup never stalls the loop.
NameLookup PingLoop::name_lookup() {
  if (!names_) return {};
  return [this](const IpAddress& address) { return names_->find(address); };
}

Summary PingLoop::summary() const {
  const SessionCounts c = session_.counts();
  Summary s;
  s.host = target_.name;
  s.counts.transmitted = static_cast<std::int64_t>(c.transmitted);
  s.counts.received = static_cast<std::int64_t>(c.received);
  s.counts.duplicates = static_cast<std::int64_t>(c.duplicates);
  s.counts.corrupted = static_cast<std::int64_t>(c.corrupted);
  s.counts.errors = static_cast<std::int64_t>(c.errors);
  s.counts.elapsed = schedule_->elapsed();
  s.rtt = rtt_figures_of(session_.rtt_stats());
  s.pipe = static_cast<int>(session_.max_in_flight());
  s.fast_mode = options_.flood || options_.adaptive || options_.interval == Duration::zero();
  return s;
}

}  // namespace

HeaderLine header_line(const Options& options, const PingTarget& target) {
  const bool v6 = target.address.family == Family::kIpv6;
  HeaderLine header;
  header.host = target.name;
  header.family = target.address.family;
  // iputils 20221126 shows the IPv6 destination as it shows a peer ("name (addr)").
  const std::string address = address_text(target.address);
  header.address = v6 && !target.numeric && target.reverse_name
                       ? format_peer(address, *target.reverse_name)
                       : address;
  if (v6) header.flow_label = options.flow_label;
  // iputils counts its whole 40-byte option space in "56(124)", whatever -T sends.
  if (!target.ip_options.empty()) header.ip_options_size = kIpOptionsHeaderLineLength;
  header.payload_size = options.payload_size;
  if (target.source) header.source_address = address_text(*target.source);
  if (options.interface_or_source) header.device = options.interface_or_source->device;
  return header;
}

LoopResult run_ping_loop(std::string_view program, const Options& options,
                         const PingTarget& target, IcmpSocket& socket, SignalCatcher& signals,
                         PingObserver* observer) {
  PingLoop loop(options, target, socket, signals, observer, program);
  return loop.run();
}

}  // namespace bp
