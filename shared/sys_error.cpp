#include "shared/sys_error.h"

#include <cstring>

namespace bp {

std::string SysError::message() const { return call + ": " + std::strerror(err); }

}  // namespace bp
