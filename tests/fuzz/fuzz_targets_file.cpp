// libFuzzer target: the --targets file parser.
//
// Input: the file's text, parsed as "targets.txt". Its first 32 bytes, taken as a path, also
// name a file through targets_file_display_name().
//
// Invariants: no crash, whatever the bytes. On success: at least one target; each is non-empty,
// printable ASCII without blanks or '#', and appears once; targets and duplicates together are
// no more than the lines; the targets written one per line parse back to themselves with no
// duplicate, and written twice (the second time with CR LF line ends) give every one of them
// once more as a duplicate; a cap of exactly the number of targets still parses, one less
// fails on the line of the last target. On error: one line of printable ASCII that starts
// with the display name, then ": no targets" or ":LINE: " with LINE among the file's lines.
// Display names are one line of printable ASCII too, and errors start with them.

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ping/cli/targets_file.h"
#include "tests/fuzz/fuzz_check.h"

namespace bp {
namespace {

constexpr std::string_view kName = "targets.txt";

bool is_one_printable_line(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

std::size_t line_count(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

std::string joined(const std::vector<std::string>& targets, std::string_view line_end) {
  std::string text;
  for (const std::string& target : targets) {
    text += target;
    text += line_end;
  }
  return text;
}

// The LINE of "targets.txt:LINE: ...", or 0 for "targets.txt: no targets".
std::size_t error_line(std::string_view error) {
  BP_FUZZ_CHECK(error.starts_with(kName));
  std::string_view rest = error.substr(kName.size());
  if (rest == ": no targets") return 0;
  BP_FUZZ_CHECK(rest.starts_with(":"));
  rest.remove_prefix(1);
  std::size_t line = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), line);
  BP_FUZZ_CHECK(ec == std::errc{} && line >= 1);
  BP_FUZZ_CHECK(std::string_view(end, static_cast<std::size_t>(rest.data() + rest.size() - end))
                    .starts_with(": "));
  return line;
}

void check_success(std::string_view text, const TargetsFileResult& result) {
  const std::vector<std::string>& targets = result.targets;
  BP_FUZZ_CHECK(!targets.empty());
  BP_FUZZ_CHECK(targets.size() + result.duplicates <= line_count(text));
  std::set<std::string_view> distinct;
  for (const std::string& target : targets) {
    BP_FUZZ_CHECK(!target.empty());
    BP_FUZZ_CHECK(is_one_printable_line(target));
    BP_FUZZ_CHECK(target.find_first_of(" \t#") == std::string::npos);
    BP_FUZZ_CHECK(target.size() <= kTargetsFileMaxLineBytes);
    BP_FUZZ_CHECK(distinct.insert(target).second);
  }

  const auto again = parse_targets_file(joined(targets, "\n"), kName);
  BP_FUZZ_CHECK(again.has_value());
  BP_FUZZ_CHECK(again->targets == targets);
  BP_FUZZ_CHECK(again->duplicates == 0);

  const auto twice = parse_targets_file(joined(targets, "\n") + joined(targets, "\r\n"), kName);
  BP_FUZZ_CHECK(twice.has_value());
  BP_FUZZ_CHECK(twice->targets == targets);
  BP_FUZZ_CHECK(twice->duplicates == targets.size());

  const auto capped = parse_targets_file(text, kName, targets.size());
  BP_FUZZ_CHECK(capped.has_value() && capped->targets == targets);
  const auto over = parse_targets_file(text, kName, targets.size() - 1);
  BP_FUZZ_CHECK(!over.has_value());
  BP_FUZZ_CHECK(
      over.error().ends_with(": more than " + std::to_string(targets.size() - 1) + " targets"));
  BP_FUZZ_CHECK(error_line(over.error()) >= targets.size());
}

void check_error(std::string_view text, const std::string& error) {
  BP_FUZZ_CHECK(is_one_printable_line(error));
  BP_FUZZ_CHECK(error_line(error) <= line_count(text));
}

void check_display_name(std::string_view path) {
  const std::string name = targets_file_display_name(path);
  BP_FUZZ_CHECK(is_one_printable_line(name));
  if (path == "-") BP_FUZZ_CHECK(name == "(standard input)");
  const auto result = parse_targets_file("a b\n", name);
  BP_FUZZ_CHECK(!result.has_value());
  BP_FUZZ_CHECK(result.error() == name + ":1: more than one host on a line: 'a b'");
}

}  // namespace
}  // namespace bp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = bp::parse_targets_file(text, bp::kName);
  if (result) {
    bp::check_success(text, *result);
  } else {
    bp::check_error(text, result.error());
  }
  bp::check_display_name(text.substr(0, 32));
  return 0;
}
