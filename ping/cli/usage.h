#pragma once
// Help and version texts. iputils' layout ("\nUsage\n  ping [options] <destination>\n...\nOptions:
// ..."), our own words, every option we support, and the exit codes.

#include <string>
#include <string_view>

#include "ping/cli/options.h"

namespace bp {

// The usage text, starting with an empty line as iputils' does. `program` is shown in the
// synopsis; better_ping's text adds --watchdog-timeout and the exit codes 124 and 125.
std::string usage_text(CommandFlavor flavor, std::string_view program);

// "ping (better_ping) 0.1.0\n" (the version is BP_VERSION from CMake).
std::string version_text(std::string_view program);

}  // namespace bp
