#include "ping/cli/options.h"

#include <climits>
#include <utility>

#include "ping/cli/option_values.h"
#include "ping/cli/usage.h"
#include "shared/seconds_text.h"

namespace bp {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr std::string_view kValueLetters = "ceFIilmMNpQsStTwW";
// iputils: -T tsprespec takes up to 4 addresses before the destination.
constexpr std::size_t kMaxPrespecified = 4;
constexpr std::size_t kMaxIpv4Payload = 65535 - 20 - 8;
constexpr std::size_t kMaxIpv6Payload = 65535 - 8;

bool contains(std::string_view letters, char c) { return letters.find(c) != std::string_view::npos; }

EarlyExit error_exit(std::string_view program, std::string_view message) {
  return EarlyExit{"", std::string(program) + ": " + std::string(message) + "\n", 2};
}

std::string quoted_char(char c) { return std::string("'") + c + "'"; }

// Walks argv once, in order, like GNU getopt with permutation: the first error wins, -h and
// --help stop at once, -V/--version take effect after the whole line was read (as in iputils).
class CommandLineParser {
 public:
  CommandLineParser(CommandFlavor flavor, std::string_view program,
                    std::span<const std::string_view> args)
      : flavor_(flavor), program_(program), args_(args) {}

  ParseResult run() {
    if (program_.ends_with('4')) options_.family = Family::kIpv4;
    if (program_.ends_with('6')) options_.family = Family::kIpv6;
    for (index_ = 0; index_ < args_.size(); ++index_) {
      const std::string_view arg = args_[index_];
      if (operands_only_ || arg.size() < 2 || arg[0] != '-') {
        operands_.push_back(arg);
        continue;
      }
      if (arg == "--") {
        operands_only_ = true;
        continue;
      }
      std::optional<EarlyExit> stop = arg.starts_with("--") ? long_option(arg) : short_options(arg);
      if (stop) return Unexpected{std::move(*stop)};
    }
    return finish();
  }

 private:
  EarlyExit usage_error(std::string_view message) const {
    EarlyExit exit = error_exit(program_, message);
    exit.stderr_text += usage_text(flavor_, program_);
    return exit;
  }

  // The value of an option: the rest of this argument, else the next argument.
  std::optional<std::string_view> take_value(std::string_view rest) {
    if (!rest.empty()) return rest;
    if (index_ + 1 < args_.size()) return args_[++index_];
    return std::nullopt;
  }

  std::optional<EarlyExit> short_options(std::string_view arg) {
    for (std::size_t at = 1; at < arg.size(); ++at) {
      const char letter = arg[at];
      if (contains(kValueLetters, letter)) {
        const std::optional<std::string_view> value = take_value(arg.substr(at + 1));
        if (!value) return usage_error("option requires an argument -- " + quoted_char(letter));
        return apply_value(letter, *value);
      }
      if (std::optional<EarlyExit> stop = apply_flag(letter)) return stop;
    }
    return std::nullopt;
  }

  std::optional<EarlyExit> set_family(Family family) {
    if (options_.family && options_.family != family) {
      return error_exit(program_, "only one -4 or -6 option may be specified");
    }
    options_.family = family;
    return std::nullopt;
  }

  std::optional<EarlyExit> apply_flag(char letter) {
    switch (letter) {
      case '3': options_.rtt_three_decimals = true; return std::nullopt;
      case '4': return set_family(Family::kIpv4);
      case '6': return set_family(Family::kIpv6);
      case 'a': options_.audible = true; return std::nullopt;
      case 'A': options_.adaptive = true; return std::nullopt;
      case 'b': options_.allow_broadcast = true; return std::nullopt;
      case 'B': options_.sticky_source = true; return std::nullopt;
      case 'C': options_.connect_socket = true; return std::nullopt;
      case 'd': options_.socket_debug = true; return std::nullopt;
      case 'D': options_.print_timestamps = true; return std::nullopt;
      case 'f': options_.flood = true; return std::nullopt;
      case 'h': return EarlyExit{"", usage_text(flavor_, program_), 2};
      case 'H': options_.force_reverse_lookup = true; return std::nullopt;
      case 'L': options_.no_multicast_loop = true; return std::nullopt;
      case 'n': options_.numeric = true; return std::nullopt;
      case 'O': options_.report_outstanding = true; return std::nullopt;
      case 'q': options_.quiet = true; return std::nullopt;
      case 'r': options_.dont_route = true; return std::nullopt;
      case 'R': return set_record_route();
      case 'U': options_.user_latency = true; return std::nullopt;
      case 'v': options_.verbose = true; return std::nullopt;
      case 'V': version_requested_ = true; return std::nullopt;
      default: break;
    }
    return usage_error("invalid option -- " + quoted_char(letter));
  }

  // -R and -T both fill the IPv4 option space: iputils takes one of them.
  std::optional<EarlyExit> set_record_route() {
    if (options_.timestamp_option) return error_exit(program_, "only one of -T or -R may be used");
    options_.record_route = true;
    return std::nullopt;
  }

  std::optional<EarlyExit> set_timestamp_option(std::string_view value) {
    if (options_.record_route) return error_exit(program_, "only one of -T or -R may be used");
    auto kind = parse_timestamp_option(value);
    if (!kind) return error_exit(program_, kind.error());
    options_.timestamp_option = *kind;
    return std::nullopt;
  }

  // -N: iputils' keywords; "help" lists them on stdout (exit 0), a wrong one on stderr (exit 2).
  std::optional<EarlyExit> set_node_info(std::string_view value) {
    const NodeInfoRequest request = parse_node_info_option(value);
    if (request == NodeInfoRequest::kHelp) return EarlyExit{std::string(node_info_help_text()), "", 0};
    if (request == NodeInfoRequest::kInvalid) return EarlyExit{"", std::string(node_info_help_text()), 2};
    options_.node_info = std::string(value);
    return std::nullopt;
  }

  // Like every other option given twice, the last --targets wins.
  std::optional<EarlyExit> set_targets_file(std::string_view file) {
    if (file.empty()) {
      return error_exit(program_,
                        "--targets: empty file name (give a file, or - for standard input)");
    }
    options_.targets_file = std::string(file);
    return std::nullopt;
  }

  // Stores a parsed value, or turns the parser's message into the error exit.
  template <typename T, typename Store>
  std::optional<EarlyExit> store(Expected<T, std::string> parsed, Store&& assign) {
    if (!parsed) return error_exit(program_, parsed.error());
    assign(std::move(parsed.value()));
    return std::nullopt;
  }

  std::optional<EarlyExit> apply_value(char letter, std::string_view value) {
    Options& o = options_;
    switch (letter) {
      case 'c':
        return store(parse_integer_option(value, 1, LLONG_MAX), [&](std::int64_t v) { o.count = v; });
      case 'e':
        return store(parse_integer_option(value, 0, 0xFFFF),
                     [&](std::int64_t v) { o.identifier = static_cast<std::uint16_t>(v); });
      case 'F':
        return store(parse_flow_label_option(value), [&](std::uint32_t v) { o.flow_label = v; });
      case 'm':
        return store(parse_integer_option(value, 0, UINT32_MAX),
                     [&](std::int64_t v) { o.mark = static_cast<std::uint32_t>(v); });
      case 'M':
        return store(parse_pmtu_option(value), [&](PmtuDiscovery v) { o.pmtu = v; });
      case 'N':
        return set_node_info(value);
      case 'S':
        return store(parse_integer_option(value, 1, INT_MAX),
                     [&](std::int64_t v) { o.send_buffer = static_cast<int>(v); });
      case 'T':
        return set_timestamp_option(value);
      case 'I':
        return store(parse_interface_option(value),
                     [&](InterfaceOrSource v) { o.interface_or_source = std::move(v); });
      case 'i':
        return store(parse_interval_option(value), [&](nanoseconds v) {
          o.interval = v;
          o.interval_given = true;
        });
      case 'l':
        return store(parse_integer_option(value, 1, 65536), [&](std::int64_t v) {
          o.preload = static_cast<int>(v);
          o.preload_given = true;
        });
      case 'p':
        return store(parse_pattern_option(value),
                     [&](PayloadPattern v) { o.pattern = v; });
      case 'Q':
        return store(parse_tos_option(value), [&](std::uint8_t v) { o.tos = v; });
      case 's':
        return store(parse_integer_option(value, 0, INT_MAX),
                     [&](std::int64_t v) { o.payload_size = static_cast<std::size_t>(v); });
      case 't':
        return store(parse_integer_option(value, 0, 255),
                     [&](std::int64_t v) { o.ttl = static_cast<std::uint8_t>(v); });
      case 'w':
        return store(parse_deadline_option(value), [&](nanoseconds v) {
          o.deadline = v.count() > 0 ? std::optional<nanoseconds>(v) : std::nullopt;
        });
      case 'W':
        return store(parse_linger_option(value), [&](nanoseconds v) { o.linger = v; });
      default:
        return usage_error("invalid option -- " + quoted_char(letter));
    }
  }

  std::vector<std::string_view> long_option_names() const {
    std::vector<std::string_view> names{"help", "version", "targets", "json", "stats",
                                        "summary-every"};
    if (flavor_ == CommandFlavor::kBetterPing) {
      names.push_back("watchdog-timeout");
    } else {
      names.insert(names.end(), {"metrics-listen", "metrics-allow-remote", "metrics-names",
                                 "metrics-buckets"});
    }
    return names;
  }

  static bool takes_value(std::string_view name) {
    return name == "targets" || name == "summary-every" || name == "watchdog-timeout" ||
           name == "metrics-listen" || name == "metrics-names" || name == "metrics-buckets";
  }

  // getopt_long: an exact name, else every name that `name` abbreviates (one: unambiguous).
  std::vector<std::string_view> match_long_option(std::string_view name) const {
    std::vector<std::string_view> found;
    for (std::string_view candidate : long_option_names()) {
      if (candidate == name) return {candidate};
      if (!name.empty() && candidate.starts_with(name)) found.push_back(candidate);
    }
    return found;
  }

  std::optional<EarlyExit> long_option(std::string_view arg) {
    const std::string_view body = arg.substr(2);
    const std::size_t equals = body.find('=');
    const std::vector<std::string_view> names = match_long_option(body.substr(0, equals));
    if (names.empty()) return usage_error("unrecognized option '" + std::string(arg) + "'");
    if (names.size() > 1) {  // glibc's wording (`--s`: --stats or --summary-every)
      std::string message = "option '" + std::string(arg) + "' is ambiguous; possibilities:";
      for (std::string_view name : names) message += " '--" + std::string(name) + "'";
      return usage_error(message);
    }
    const std::string_view name = names.front();
    const std::string shown = "'--" + std::string(name) + "'";
    if (takes_value(name)) {
      const std::optional<std::string_view> value =
          equals != std::string_view::npos ? body.substr(equals + 1) : take_value({});
      if (!value) return usage_error("option " + shown + " requires an argument");
      return apply_long_value(name, *value);
    }
    if (equals != std::string_view::npos) {
      return usage_error("option " + shown + " doesn't allow an argument");
    }
    if (name == "help") return EarlyExit{usage_text(flavor_, program_), "", 0};
    if (name == "json") options_.json = true;
    if (name == "stats") options_.stats = true;
    if (name == "metrics-allow-remote") options_.metrics_allow_remote = true;
    if (name == "version") version_requested_ = true;
    return std::nullopt;
  }

  std::optional<EarlyExit> apply_long_value(std::string_view name, std::string_view value) {
    if (name == "targets") return set_targets_file(value);
    if (name == "summary-every") {
      return store(parse_summary_every_option(value),
                   [&](nanoseconds v) { options_.summary_every = v; });
    }
    if (name == "metrics-listen") {
      return store(parse_listen_address(value), [&](ListenAddress v) { options_.metrics_listen = v; });
    }
    if (name == "metrics-names") {
      return store(parse_metric_names_option(value), [&](MetricNames v) { options_.metrics_names = v; });
    }
    if (name == "metrics-buckets") {
      auto buckets = parse_rtt_buckets(value);
      if (!buckets) return error_exit(program_, "--metrics-buckets: " + buckets.error());
      options_.metrics_buckets = std::move(*buckets);
      return std::nullopt;
    }
    return store(parse_watchdog_timeout_option(value),
                 [&](nanoseconds v) { options_.watchdog_timeout = v; });
  }

  ParseResult finish() {
    if (version_requested_) return Unexpected{EarlyExit{version_text(program_), "", 0}};
    if (operands_.empty() && !options_.targets_file) {
      return Unexpected{error_exit(program_, "usage error: Destination address required")};
    }
    if (std::optional<EarlyExit> stop = take_operands()) return Unexpected{std::move(*stop)};
    if (options_.flood) {
      options_.numeric = true;
      if (!options_.interval_given) options_.interval = nanoseconds{0};
    }
    if (std::optional<EarlyExit> too_big = check_operand_payload_sizes()) {
      return Unexpected{std::move(*too_big)};
    }
    // Replies come at best once per interval: a shorter silence timeout stops every run.
    if (flavor_ == CommandFlavor::kBetterPing && options_.watchdog_timeout <= options_.interval) {
      return Unexpected{error_exit(
          program_, "--watchdog-timeout " + format_seconds(options_.watchdog_timeout) +
                        " s is not longer than the interval of " + format_seconds(options_.interval) +
                        " s between requests (-i): the watchdog would stop it before the next reply")};
    }
    if (std::optional<std::string> problem = metrics_problem(options_)) {
      return Unexpected{error_exit(program_, *problem)};
    }
    const auto interval_ms = std::chrono::duration_cast<milliseconds>(options_.interval).count();
    if (interval_ms >= INT_MAX / options_.preload) {
      return Unexpected{error_exit(program_, "illegal preload and/or interval: " +
                                                 std::to_string(interval_ms))};
    }
    return options_;
  }

  // With -T tsprespec the operands before the last are iputils' hops and the last is the one
  // target; otherwise every operand is a target (loose source routing, iputils' other use of
  // extra operands, is not implemented; see README).
  std::optional<EarlyExit> take_operands() {
    std::size_t first_target = 0;
    if (options_.timestamp_option == TimestampKind::kTsPrespec && !operands_.empty()) {
      first_target = operands_.size() - 1;
      if (first_target > kMaxPrespecified) return EarlyExit{"", usage_text(flavor_, program_), 2};
    }
    const auto split = operands_.begin() + static_cast<std::ptrdiff_t>(first_target);
    options_.prespecified.assign(operands_.begin(), split);
    options_.destinations.assign(split, operands_.end());
    if (!options_.destinations.empty()) options_.destination = options_.destinations.back();
    return std::nullopt;
  }

  // The size limit of each numeric target's family (of -4/-6 for names); a name resolved to
  // IPv4 is checked later, by the caller.
  std::optional<EarlyExit> check_operand_payload_sizes() const {
    if (options_.destinations.empty()) {
      return check_payload_size(options_, options_.family, program_);
    }
    for (const std::string& destination : options_.destinations) {
      std::optional<Family> family = literal_address_family(destination);
      if (!family) family = options_.family;
      if (std::optional<EarlyExit> too_big = check_payload_size(options_, family, program_)) {
        return too_big;
      }
    }
    return std::nullopt;
  }

  CommandFlavor flavor_;
  std::string_view program_;
  std::span<const std::string_view> args_;
  std::size_t index_ = 0;
  bool operands_only_ = false;
  bool version_requested_ = false;
  std::vector<std::string_view> operands_;
  Options options_;
};

}  // namespace

ParseResult parse_command_line(CommandFlavor flavor, std::string_view program,
                               std::span<const std::string_view> args) {
  return CommandLineParser(flavor, program, args).run();
}

ParseResult parse_ping_command_line(std::string_view program,
                                    std::span<const std::string_view> args) {
  return parse_command_line(CommandFlavor::kPing, program, args);
}

ParseResult parse_better_ping_command_line(std::string_view program,
                                           std::span<const std::string_view> args) {
  return parse_command_line(CommandFlavor::kBetterPing, program, args);
}

std::string_view program_name_from_argv0(std::string_view argv0) {
  const std::size_t slash = argv0.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  return name.empty() ? std::string_view("ping") : name;
}

std::string_view message_prefix_from_argv0(const char* argv0, std::string_view fallback) {
  if (argv0 == nullptr || *argv0 == '\0') return fallback;
  return argv0;
}

std::vector<std::string_view> arguments_from_argv(int argc, const char* const* argv) {
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return args;
}

std::optional<EarlyExit> check_unprivileged_limits(const Options& options,
                                                   std::string_view program) {
  if (options.preload > 3) {
    return error_exit(program, "cannot set preload to value greater than 3: " +
                                   std::to_string(options.preload));
  }
  return std::nullopt;
}

std::optional<EarlyExit> check_unprivileged_interval(const Options& options,
                                                     std::string_view program) {
  if (options.interval < milliseconds{2}) {
    return error_exit(program, "cannot flood; minimal interval allowed for user is 2ms");
  }
  return std::nullopt;
}

std::optional<EarlyExit> several_targets_conflict(const Options& options,
                                                  std::string_view program) {
  const std::pair<bool, std::string_view> refused[] = {
      {options.flood, "-f"},
      {options.adaptive, "-A"},
      {options.preload_given, "-l"},
      {options.record_route, "-R"},
      {options.timestamp_option.has_value(), "-T"},
      {options.report_outstanding, "-O"},
      {options.connect_socket, "-C"},
      {options.flow_label.has_value(), "-F"},
      {options.node_info.has_value(), "-N"},
  };
  for (const auto& [given, letter] : refused) {
    if (given) {
      return error_exit(program, std::string(letter) + " cannot be used with several targets");
    }
  }
  return std::nullopt;
}

std::size_t max_payload_size(std::optional<Family> family) {
  return family == Family::kIpv4 ? kMaxIpv4Payload : kMaxIpv6Payload;
}

std::optional<EarlyExit> check_payload_size(const Options& options, std::optional<Family> resolved,
                                            std::string_view program) {
  const std::size_t max = max_payload_size(resolved);
  if (options.payload_size <= max) return std::nullopt;
  return error_exit(program, "invalid -s value: '" + std::to_string(options.payload_size) +
                                 "': out of range: 0 <= value <= " + std::to_string(max));
}

}  // namespace bp
