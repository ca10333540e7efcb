#pragma once
// Helpers for the command-line tests: parse an argument list as ping or better_ping would.

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "ping/cli/options.h"

namespace bp::test {

// `program` prefixes the messages; by default the flavor's own name.
inline ParseResult parse(std::initializer_list<std::string_view> args,
                         CommandFlavor flavor = CommandFlavor::kPing, std::string_view program = {}) {
  const std::vector<std::string_view> list(args);
  if (program.empty()) program = flavor == CommandFlavor::kPing ? "ping" : "better_ping";
  return parse_command_line(flavor, program, list);
}

inline Options parsed(std::initializer_list<std::string_view> args,
                      CommandFlavor flavor = CommandFlavor::kPing) {
  ParseResult result = parse(args, flavor);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().stderr_text);
  return result ? result.value() : Options{};
}

// The stderr text of a failed parse, checking it is an exit-2 error with nothing on stdout.
inline std::string error_of(std::initializer_list<std::string_view> args,
                            CommandFlavor flavor = CommandFlavor::kPing) {
  ParseResult result = parse(args, flavor);
  if (result) {
    ADD_FAILURE() << "parse succeeded";
    return "";
  }
  EXPECT_EQ(result.error().exit_code, 2);
  EXPECT_EQ(result.error().stdout_text, "");
  return result.error().stderr_text;
}

}  // namespace bp::test
