#include "ping/app/targets_loop.h"

#include <poll.h>
#include <pthread.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>

#include "ping/app/turn_output.h"
#include "ping/engine/probe_engine.h"
#include "ping/net/receive_batch.h"
#include "ping/net/resolver.h"
#include "ping/output/targets_text_sink.h"
#include "ping/app/run_outputs.h"
#include "ping/packet/payload.h"
#include "shared/mono_clock.h"

namespace bp {
namespace {

// Dense schedule: the next thing due sooner than this; the loop then sleeps kMinTurn at least.
constexpr Duration kDenseBelow = std::chrono::milliseconds(5);
constexpr Duration kMinTurn = std::chrono::milliseconds(4);
// Replies are read kBatchSlots at a time (recvmmsg), at most kMaxBatchesPerTurn batches from
// one socket per turn, so that sends stay on time under a flood.
constexpr std::size_t kBatchSlots = 64;
constexpr int kMaxBatchesPerTurn = 64;
// Room in a batch slot beyond the ICMP message we send: the largest IPv4 header, and more.
constexpr std::size_t kSlotHeadroom = 512;
// Room in each socket for the replies between two reads (the kernel caps it at rmem_max).
constexpr int kReceiveBufferBytes = 8 << 20;

std::uint64_t random_nonce() {
  std::uint64_t nonce = 0;
  if (getrandom(&nonce, sizeof nonce, 0) != sizeof nonce) {
    nonce = static_cast<std::uint64_t>(read_monotonic_clock().time_since_epoch().count()) ^
            (static_cast<std::uint64_t>(getpid()) << 32);
  }
  return nonce;
}

EngineConfig engine_config(const Options& o, FamilySockets sockets) {
  EngineConfig c;
  c.identifiers[0] = sockets.ipv4 != nullptr ? sockets.ipv4->identifier() : 0;
  c.identifiers[1] = sockets.ipv6 != nullptr ? sockets.ipv6->identifier() : 0;
  c.payload.resize(o.payload_size);
  if (o.pattern) {
    fill_payload(c.payload, *o.pattern);
  } else {
    fill_payload(c.payload);
  }
  c.nonce = random_nonce();
  c.interval = o.interval;
  c.count = o.count ? static_cast<std::uint64_t>(*o.count) : 0;
  c.deadline = o.deadline;
  c.wait = o.linger;
  c.transmit_stamps = !o.user_latency;  // -U: user to user, nothing stamped in the kernel
  return c;
}

TextSinkSettings text_settings(const Options& o, FamilySockets sockets, std::string_view program) {
  TextSinkSettings t;
  t.program = std::string(program);
  t.quiet = o.quiet;
  t.timestamps = o.print_timestamps;
  const IcmpSocket* any = sockets.ipv4 != nullptr ? sockets.ipv4 : sockets.ipv6;
  t.show_identifier = o.verbose && any != nullptr && any->kind() == SocketKind::Raw;
  t.three_decimals = o.rtt_three_decimals;
  t.audible = o.audible;
  return t;
}

// An address no reply comes from: TextSink then names every address through its lookup.
IpAddress no_address() {
  IpAddress a{Family::kIpv6, {}};
  a.bytes.fill(0xFF);
  return a;
}

std::vector<IpAddress> addresses(std::span<const PingTarget> targets) {
  std::vector<IpAddress> out;
  out.reserve(targets.size());
  for (const PingTarget& t : targets) out.push_back(t.address);
  return out;
}

std::vector<std::string> names(std::span<const PingTarget> targets) {
  std::vector<std::string> out;
  out.reserve(targets.size());
  for (const PingTarget& t : targets) out.push_back(t.name);
  return out;
}

class SocketNetwork final : public Network {
 public:
  explicit SocketNetwork(FamilySockets sockets) : sockets_(sockets) {}
  int send(std::span<const std::uint8_t> icmp, const IpAddress& to) override {
    const IcmpSocket* socket = sockets_.of(to.family);
    return socket != nullptr ? socket->send(icmp, to) : EAFNOSUPPORT;
  }
  MonoTime now() override { return read_monotonic_clock(); }

 private:
  FamilySockets sockets_;
};

// better_ping's heartbeat: any valid first reply from any target.
class HeartbeatSink final : public ProbeEvents {
 public:
  HeartbeatSink(PingObserver& observer, const MonoTime& now) : observer_(observer), now_(now) {}
  void on_reply(std::size_t, const ReplyEvent& event) override {
    if (event.valid() && event.rtt) observer_.on_valid_reply(event.sequence, *event.rtt, now_);
  }

 private:
  PingObserver& observer_;
  const MonoTime& now_;
};

class TargetsLoop {
 public:
  TargetsLoop(std::string_view program, const Options& options, std::span<const PingTarget> targets,
              FamilySockets sockets, SignalCatcher& signals, PingObserver* observer,
              ProbeEvents* metrics);
  LoopResult run();

 private:
  void set_up_sockets();
  void turn_clock();
  void read_sockets();
  void read_socket(IcmpSocket& socket);
  void on_packet(const IcmpSocket& socket, const ReceivedPacket& packet,
                 std::span<const std::uint8_t> bytes);
  void drain_error_queue(IcmpSocket& socket);
  void on_error_entry(Family family, const ErrorQueueEntry& entry, std::span<const std::uint8_t> quoted);
  void sleep();
  bool handle_signals();
  void tick_observer();
  LoopProgress progress() const;
  bool output_closed() const;
  NameLookup name_lookup();
  void wire_sinks();
  Summary summary_of(std::size_t target) const { return sink_.summary(target); }

  std::string_view program_;
  const Options& options_;
  std::span<const PingTarget> targets_;
  FamilySockets sockets_;
  SignalCatcher& signals_;
  PingObserver* observer_;
  ProbeEvents* metrics_;
  MonoTime now_;
  MonoTime read_at_;            // the clock after the latest batch of replies was read
  Duration wall_minus_mono_{};  // this turn's CLOCK_REALTIME - CLOCK_MONOTONIC
  ProbeEngine engine_;
  SocketNetwork network_;
  TargetIndex named_;  // targets given by name: their replies are shown with the name
  std::unique_ptr<ReverseNames> names_;
  TurnOutput output_;
  TextSink text_;
  TargetsTextSink sink_;
  RunOutputs outputs_;  // --json, --stats, --summary-every
  std::optional<HeartbeatSink> heartbeat_;
  std::optional<ProbeEventsFanout> fanout_;
  ProbeEvents* events_ = nullptr;
  ReceiveBatch batch_;
  sigset_t unblocked_{};  // the mask inside ppoll(): ours with the caught signals unblocked
  std::optional<int> exit_override_;
  std::optional<CaughtSignal> stop_signal_;
  bool reloading_ = false;  // SIGHUP: sending stopped, waiting for the probes in flight
};

std::vector<IpAddress> named_addresses(std::span<const PingTarget> targets) {
  std::vector<IpAddress> out;
  for (const PingTarget& t : targets) {
    if (!t.numeric) out.push_back(t.address);
  }
  return out;
}

TargetsLoop::TargetsLoop(std::string_view program, const Options& options,
                         std::span<const PingTarget> targets, FamilySockets sockets,
                         SignalCatcher& signals, PingObserver* observer, ProbeEvents* metrics)
    : program_(program),
      options_(options),
      targets_(targets),
      sockets_(sockets),
      signals_(signals),
      observer_(observer),
      metrics_(metrics),
      now_(read_monotonic_clock()),
      read_at_(now_),
      engine_(engine_config(options, sockets), addresses(targets), now_),
      network_(sockets),
      named_(named_addresses(targets)),
      names_(named_addresses(targets).empty() ? nullptr : std::make_unique<ReverseNames>()),
      text_(text_settings(options, sockets, program), no_address(),
            [] { return WallClockTime(std::chrono::system_clock::now()); }, name_lookup(), output_.out,
            output_.err),
      sink_(engine_, names(targets), text_, output_.err),
      outputs_(program, options, targets, now_, read_at_, output_),
      batch_(kBatchSlots, kIcmpHeaderSize + options.payload_size + kSlotHeadroom) {
  wire_sinks();
}

// The engine's events go to the exporter's metrics, the statistics and JSON (the JSON reads
// the statistics), then to the text (none with --json), then to better_ping's heartbeat.
void TargetsLoop::wire_sinks() {
  std::vector<ProbeEvents*> sinks;
  if (metrics_ != nullptr) sinks.push_back(metrics_);
  if (outputs_.active()) sinks.push_back(&outputs_.events());
  if (!outputs_.json()) sinks.push_back(&sink_);
  if (observer_ != nullptr) {
    heartbeat_.emplace(*observer_, now_);
    sinks.push_back(&*heartbeat_);
  }
  if (sinks.size() == 1) {
    events_ = sinks.front();
    return;
  }
  fanout_.emplace(std::move(sinks));
  events_ = &*fanout_;
}

// Names come from the reverse-lookup worker's cache, for targets given by name only (a target
// given as an address is shown as one, as with one target).
NameLookup TargetsLoop::name_lookup() {
  if (!names_) return {};
  return [this](const IpAddress& address) -> std::optional<std::string> {
    if (!named_.find(address)) return std::nullopt;
    return names_->find(address);
  };
}

LoopResult TargetsLoop::run() {
  if (outputs_.json()) {
    outputs_.start();
  } else if (!options_.quiet) {
    std::vector<HeaderLine> headers;
    headers.reserve(targets_.size());
    for (const PingTarget& t : targets_) headers.push_back(header_line(options_, t));
    sink_.headers(headers);
  }
  output_.flush();
  set_up_sockets();
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals_.mask(), &previous);
  unblocked_ = previous;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&signals_.mask(), sig) == 1) sigdelset(&unblocked_, sig);
  }
  for (;;) {
    turn_clock();
    read_sockets();
    engine_.expire(now_, *events_);
    outputs_.interval(now_, [this](std::size_t i) { return summary_of(i); });
    tick_observer();
    if (engine_.finished(now_) || output_closed()) break;
    engine_.send_due(now_, network_, *events_);
    output_.flush();
    if (output_closed()) break;
    sleep();
    if (handle_signals() || exit_override_) break;
    output_.flush();
  }
  engine_.finish(*events_);
  // A reload ends this run only to start the next: its summaries would be a run's middle. A
  // stop signal during the reload's wait is an ordinary end, summaries included.
  const bool reload = reloading_ && !stop_signal_ && !exit_override_;
  if (!output_closed() && !reload) {
    const MonoTime end = read_monotonic_clock();
    if (outputs_.json()) {
      outputs_.summaries(end, [this](std::size_t i) { return summary_of(i); });
    } else {
      sink_.summaries([&](std::size_t i, const Summary& s) { return outputs_.stats_lines(i, s, end); });
    }
    output_.flush();
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (observer_ != nullptr) observer_->on_finish(progress());
  LoopResult result;
  result.exit_code = exit_override_.value_or(engine_.exit_status());
  result.stop_signal = stop_signal_;
  result.output_closed = output_closed();
  result.reload = reload;
  return result;
}

void TargetsLoop::set_up_sockets() {
  for (IcmpSocket* socket : {sockets_.ipv4, sockets_.ipv6}) {
    if (socket == nullptr) continue;
    // Best effort: a smaller buffer only means replies may be dropped under a heavy load.
    (void)socket->set_receive_buffer(kReceiveBufferBytes);
  }
}

void TargetsLoop::turn_clock() {
  timespec wall{};
  clock_gettime(CLOCK_REALTIME, &wall);
  now_ = read_monotonic_clock();
  const Duration wall_ns = std::chrono::seconds(wall.tv_sec) + Duration(wall.tv_nsec);
  wall_minus_mono_ = wall_ns - now_.time_since_epoch();
}

void TargetsLoop::read_sockets() {
  for (IcmpSocket* socket : {sockets_.ipv4, sockets_.ipv6}) {
    if (socket == nullptr) continue;
    drain_error_queue(*socket);
    read_socket(*socket);
  }
}

void TargetsLoop::read_socket(IcmpSocket& socket) {
  for (int i = 0; i < kMaxBatchesPerTurn; ++i) {
    auto received = batch_.receive(socket);
    if (!received) {
      // With IP_RECVERR a queued ICMP error fails the receive; the details are in the queue.
      drain_error_queue(socket);
      continue;
    }
    read_at_ = read_monotonic_clock();
    for (std::size_t k = 0; k < *received; ++k) on_packet(socket, batch_.packet(k), batch_.bytes(k));
    if (*received < kBatchSlots) return;
  }
}

void TargetsLoop::on_packet(const IcmpSocket& socket, const ReceivedPacket& packet,
                            std::span<const std::uint8_t> bytes) {
  const Family family = socket.family() == AF_INET6 ? Family::kIpv6 : Family::kIpv4;
  Envelope envelope;
  envelope.source = packet.from;
  if (packet.ttl) envelope.ttl = static_cast<std::uint8_t>(*packet.ttl);
  const bool with_ip_header = family == Family::kIpv4 && socket.kind() == SocketKind::Raw;
  const ReceivedIcmp parsed =
      with_ip_header ? parse_ipv4_datagram(bytes) : parse_icmp_message(family, bytes, envelope);
  if (const auto* reply = std::get_if<EchoReply>(&parsed.message)) {
    ReadMeta meta;
    meta.from = packet.from;
    meta.cut_by_buffer = packet.truncated;
    meta.kernel_rx = packet.kernel_rx;
    if (packet.kernel_rx) meta.kernel_rx_mono = MonoTime(*packet.kernel_rx - wall_minus_mono_);
    meta.read_at = read_at_;
    engine_.on_echo_reply(*reply, parsed.envelope, meta, *events_);
  } else if (const auto* error = std::get_if<IcmpError>(&parsed.message)) {
    engine_.on_in_band_error(*error, parsed.envelope, *events_);
  }
}

// The error queue holds the kernel's transmit stamps of our probes and the ICMP errors about
// them. It is read before the replies, so that a reply finds its probe's send time already
// stamped by the kernel.
void TargetsLoop::drain_error_queue(IcmpSocket& socket) {
  const Family family = socket.family() == AF_INET6 ? Family::kIpv6 : Family::kIpv4;
  for (int i = 0; i < kMaxBatchesPerTurn; ++i) {
    auto received = batch_.receive_errors(socket);
    if (!received) return;
    for (std::size_t k = 0; k < *received; ++k) on_error_entry(family, batch_.entry(k), batch_.bytes(k));
    if (*received < kBatchSlots) return;
  }
}

void TargetsLoop::on_error_entry(Family family, const ErrorQueueEntry& entry,
                                 std::span<const std::uint8_t> quoted) {
  if (const auto* tx = std::get_if<TxTimestamp>(&entry)) {
    engine_.on_tx_stamp(family, tx->key, MonoTime(tx->when - wall_minus_mono_));
  } else if (const auto* remote = std::get_if<RemoteError>(&entry)) {
    if (remote->destination) {
      engine_.on_queued_error(*remote->destination, quoted.first(remote->quoted_length), remote->type,
                              remote->code, remote->info, remote->offender, *events_);
    }
  }
  // A local error (EMSGSIZE ...) also failed its send, which the engine counted already.
}

void TargetsLoop::sleep() {
  std::optional<MonoTime> wake = engine_.next_wakeup(now_);
  if (const auto report = outputs_.next_interval(); report && (!wake || *report < *wake)) wake = report;
  if (observer_ != nullptr) {
    if (const auto tick = observer_->next_tick(); tick && (!wake || *tick < *wake)) wake = tick;
  }
  const MonoTime now = read_monotonic_clock();
  if (wake && *wake <= now) return;
  std::array<pollfd, 2> fds{};
  nfds_t count = 0;
  std::optional<Duration> timeout;
  if (wake) timeout = *wake - now;
  if (timeout && *timeout < kDenseBelow) {
    timeout = std::max(*timeout, kMinTurn);  // dense: replies are read after the sleep
  } else {
    for (IcmpSocket* socket : {sockets_.ipv4, sockets_.ipv6}) {
      if (socket != nullptr) fds[count++] = pollfd{socket->fd(), POLLIN, 0};
    }
  }
  timespec ts{};
  if (timeout) {
    ts.tv_sec = static_cast<time_t>(timeout->count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(timeout->count() % 1'000'000'000);
  }
  ::ppoll(count > 0 ? fds.data() : nullptr, count, timeout ? &ts : nullptr, &unblocked_);
}

bool TargetsLoop::handle_signals() {
  while (auto info = signals_.take()) {
    const int sig = info->signo;
    if (sig == SIGINT || sig == SIGTERM) {
      stop_signal_ = *info;
      return true;
    }
    if (sig == SIGHUP) {  // only the exporter catches it
      engine_.stop_sending();
      reloading_ = true;
      continue;
    }
    if (sig == SIGQUIT && outputs_.json()) {
      outputs_.status(read_monotonic_clock(), [this](std::size_t i) { return summary_of(i); });
    } else if (sig == SIGQUIT) {
      sink_.status();
    } else if (observer_ != nullptr) {
      if (auto code = observer_->on_other_signal(*info)) {
        exit_override_ = *code;
        return true;
      }
    }
  }
  return false;
}

void TargetsLoop::tick_observer() {
  if (observer_ == nullptr) return;
  const auto due = observer_->next_tick();
  if (!due || now_ < *due) return;
  observer_->on_tick(now_, progress());
}

LoopProgress TargetsLoop::progress() const {
  LoopProgress p{};
  for (std::size_t i = 0; i < engine_.size(); ++i) {
    const TargetFigures f = engine_.figures(i);
    p.transmitted += f.transmitted;
    p.received += f.received;
    if (f.last_rtt) p.last_rtt = f.last_rtt;
  }
  return p;
}

bool TargetsLoop::output_closed() const {
  return output_.closed() && observer_ != nullptr && observer_->end_on_closed_output();
}

}  // namespace

LoopResult run_targets_loop(std::string_view program, const Options& options,
                            std::span<const PingTarget> targets, FamilySockets sockets,
                            SignalCatcher& signals, PingObserver* observer, ProbeEvents* metrics) {
  TargetsLoop loop(program, options, targets, sockets, signals, observer, metrics);
  return loop.run();
}

}  // namespace bp
