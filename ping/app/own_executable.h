#pragma once
// The path of the running program's executable, as the kernel knows it (/proc/self/exe).

#include <optional>
#include <string>

namespace bp {

// Nothing when it cannot be read (no /proc, a path too long).
std::optional<std::string> own_executable_path();

}  // namespace bp
