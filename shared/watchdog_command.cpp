#include "shared/watchdog_command.h"

#include "shared/seconds_text.h"

namespace bp {
namespace {

std::string option(std::string_view name, std::string_view value) {
  return std::string(name) + "=" + std::string(value);
}

}  // namespace

std::vector<std::string> watchdog_arguments(const WatchdogArguments& arguments) {
  std::vector<std::string> argv = {
      option(kChannelFdOption, std::to_string(arguments.channel_fd)),
      option(kPidfdOption, std::to_string(arguments.pidfd)),
      option(kTimeoutOption, format_seconds(arguments.timeout)),
      option(kTargetOption, arguments.target),
  };
  if (arguments.grace) argv.push_back(option(kGraceOption, format_seconds(*arguments.grace)));
  return argv;
}

}  // namespace bp
