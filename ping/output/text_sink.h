#pragma once
// TextSink: iputils' text, line for line, from a probe session's events (probe_session.h). It
// is the first output sink; JSON Lines and metrics will be others, fed the same events.
//
// Pure: it appends to two strings (stdout's and stderr's text for this loop turn; the loop
// writes them), reads the wall clock only through the function it is given (for -D stamps of
// lines that are not replies) and names addresses only through the lookup it is given (the
// loop's reverse-name cache; none with -n). Which stream: everything on stdout except local
// and send errors, which iputils writes to stderr.
//
// What each option changes here: -q prints neither replies nor errors (the summary only); -f
// prints marks instead of lines, and only to a terminal (`flood_marks`), so logs and pipes get
// no animation; -D stamps lines ([seconds.micros], never going backwards: a reply read after a
// line written later is raised to that line's stamp); -v shows the identifier (raw sockets);
// -3 three decimals; -a a bell; -R / -T the options under each reply.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ping/packet/ip_options.h"
#include "ping/engine/probe_session.h"
#include "ping/output/report.h"
#include "ping/stats/rtt_stats.h"

namespace bp {

struct TextSinkSettings {
  std::string program;            // prefix of stderr messages: argv[0] as invoked
  bool quiet = false;             // -q
  bool flood = false;             // -f: marks instead of lines
  bool flood_marks = false;       // -f, not -q, stdout a terminal: the marks are written
  bool timestamps = false;        // -D
  bool show_identifier = false;   // -v on a raw socket
  bool three_decimals = false;    // -3
  bool audible = false;           // -a
};

// The wall clock, for -D stamps of lines that are not replies.
using WallClock = std::function<WallClockTime()>;
// A reverse name for an address: nothing while unknown (or with -n: pass an empty function).
using NameLookup = std::function<std::optional<std::string>(const IpAddress&)>;

// iputils' rtt figures (min/avg/max/mdev and the EWMA) of `stats`; nothing without samples.
std::optional<RttFigures> rtt_figures_of(const RttStats& stats);

class TextSink {
 public:
  TextSink(TextSinkSettings settings, IpAddress target, WallClock wall_clock, NameLookup names,
           std::string& out, std::string& err);

  // The target's reverse name is known (looked up before the loop): its text is final.
  void target_name_known();

  void on_header(const HeaderLine& header, const std::optional<PayloadPattern>& pattern);
  void on_sent();
  void on_send_failed(int err);                  // a hard local error that the queue did not explain
  void on_no_answer_yet(std::uint16_t sequence);  // -O
  void on_reply(const ReplyEvent& event);
  void on_icmp_error(const IcmpErrorEvent& event, Family family);
  void on_local_error(int err, std::uint32_t info, Family family);
  // `after`: lines that follow the block's rtt line (--stats), before its empty last line if
  // it has one.
  void on_summary(const Summary& summary, std::string_view after = {});
  // SIGQUIT: one status line on stderr ("\r" first only for a terminal).
  void on_status(const Summary& summary, bool stderr_is_terminal);

 private:
  void mark(FloodMark m);
  std::optional<WallClockTime> stamp(std::optional<KernelTime> kernel);
  std::string_view peer(const IpAddress& address);
  std::string peer_text(const IpAddress& address) const;
  ReplyLine reply_line(const ReplyEvent& event);

  TextSinkSettings settings_;
  IpAddress target_;
  WallClock wall_clock_;
  NameLookup names_;
  std::string& out_;
  std::string& err_;
  std::optional<std::string> target_peer_;   // the target's text, once it is final
  std::string other_peer_;                   // any other address's, for the line being built
  std::optional<WallClockTime> last_stamp_;  // -D: the latest stamp printed
  RecordRouteMemory route_memory_;           // -R: "(same route)"
  std::string options_text_;                 // the options text of the line being built
};

}  // namespace bp
