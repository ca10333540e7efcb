// libFuzzer target: the Prometheus exposition (issue 14), the RTT bucket-list parser, and the
// two readers of a stranger's text on the exporter's side: the Accept header of a request and
// the --metrics-listen address.
//
// Input: split at the first two 0x00 bytes into a bucket list, a target name and RTT bytes
// (each 4 bytes of the rest one RTT in microseconds, little-endian).
//
// Invariants: no crash, whatever the bytes. The bucket parser either gives strictly increasing,
// positive, finite bounds (at most 64) or one line of printable ASCII. A scrape of one target
// named by the input, in both formats and both naming schemes: valid UTF-8; every line ends in
// '\n' and there is no other newline (a name's newline is escaped); every quote inside a label
// value is escaped; the histogram's +Inf bucket is its count; OpenMetrics ends with "# EOF".
// The whole input as an Accept header gives one of the two formats; as a listen address, an
// address and port, or one line of printable ASCII.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "ping/cli/listen_address.h"
#include "ping/metrics/accept_format.h"
#include "ping/metrics/exposition.h"
#include "ping/metrics/rtt_histogram.h"
#include "ping/output/utf8_scan.h"
#include "tests/fuzz/fuzz_check.h"

namespace bp {
namespace {

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Sequence s = scan_utf8(text.substr(i));
    if (!s.well_formed) return false;
    i += s.length;
  }
  return true;
}

void check_buckets(std::string_view list) {
  const auto parsed = parse_rtt_buckets(list);
  if (!parsed) {
    for (char c : parsed.error()) BP_FUZZ_CHECK(c >= 0x20 && c <= 0x7e);
    return;
  }
  const auto bounds = parsed->upper_bounds();
  BP_FUZZ_CHECK(!bounds.empty() && bounds.size() <= kMaxRttBounds);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    BP_FUZZ_CHECK(bounds[i] > 0 && bounds[i] < 1e300);
    if (i > 0) BP_FUZZ_CHECK(bounds[i] > bounds[i - 1]);
  }
}

// Every '"' inside the text comes after an even number of backslashes only where it opens or
// closes a label value: checked per line by walking the quoting state.
void check_lines(std::string_view text) {
  BP_FUZZ_CHECK(!text.empty() && text.back() == '\n');
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string_view line = text.substr(start, end - start);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (quoted && line[i] == '\\') {
        ++i;  // an escape: the next byte is data
      } else if (line[i] == '"') {
        quoted = !quoted;
      }
    }
    BP_FUZZ_CHECK(!quoted);
    start = end + 1;
  }
}

void check_scrape(std::string_view name, std::string_view rtts) {
  MetricsSink sink({Family::kIpv4}, RttBuckets::default_buckets());
  for (std::size_t i = 0; i + 4 <= rtts.size() && i < 4096; i += 4) {
    std::uint32_t us = 0;
    std::memcpy(&us, rtts.data() + i, 4);
    sink.on_sent(0, static_cast<std::uint16_t>(i / 4 + 1));
    ReplyEvent reply;
    reply.sequence = static_cast<std::uint16_t>(i / 4 + 1);
    reply.rtt = std::chrono::microseconds(us);
    reply.ttl = static_cast<std::uint8_t>(us);
    sink.on_reply(0, reply);
  }
  const std::vector<TargetLabels> labels{{std::string(name), "198.18.0.2", Family::kIpv4}};
  const std::vector<TargetSnapshot> snapshots{sink.snapshot(0)};
  const Scrape scrape{labels, snapshots, sink.buckets().upper_bounds(), sink.exporter_snapshot(), "0.1.0"};
  for (const auto format : {ExpositionFormat::kPrometheusText, ExpositionFormat::kOpenMetrics}) {
    for (const auto names : {MetricNames::kBetterPing, MetricNames::kSmokeping}) {
      const std::string text = format_scrape(scrape, format, names);
      BP_FUZZ_CHECK(is_valid_utf8(text));
      check_lines(text);
      if (format == ExpositionFormat::kOpenMetrics) BP_FUZZ_CHECK(text.ends_with("# EOF\n"));
    }
  }
  BP_FUZZ_CHECK(snapshots[0].rtt.cumulative().back() == snapshots[0].rtt.count());
}

void check_request_texts(std::string_view input) {
  const ExpositionFormat format = format_for_accept(input);
  BP_FUZZ_CHECK(format == ExpositionFormat::kPrometheusText || format == ExpositionFormat::kOpenMetrics);
  const auto listen = parse_listen_address(input);
  if (listen) {
    const auto again = parse_listen_address(listen_address_text(*listen));
    BP_FUZZ_CHECK(again && *again == *listen);
    return;
  }
  for (char c : listen.error()) BP_FUZZ_CHECK(c >= 0x20 && c <= 0x7e);
}

}  // namespace
}  // namespace bp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t first = input.find('\0');
  const std::string_view list = input.substr(0, first);
  const std::string_view rest = first == std::string_view::npos ? std::string_view{} : input.substr(first + 1);
  const std::size_t second = rest.find('\0');
  const std::string_view name = rest.substr(0, second);
  const std::string_view rtts = second == std::string_view::npos ? std::string_view{} : rest.substr(second + 1);
  bp::check_buckets(list);
  bp::check_scrape(name, rtts);
  bp::check_request_texts(input);
  return 0;
}
