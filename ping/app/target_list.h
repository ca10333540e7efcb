#pragma once
// The targets of a run: the HOST operands and the --targets file's hosts, resolved, without
// duplicates. A name that does not resolve is reported on stderr and left out (fping's rule);
// the run then ends with exit 2 whatever the others did.

#include <string>
#include <string_view>
#include <vector>

#include "ping/app/ping_loop.h"
#include "ping/cli/options.h"
#include "shared/expected.h"

namespace bp {

// The hosts to ping, as given: the operands, then the file's, each host once (the first
// spelling kept). A file that cannot be read or holds a bad line is an error (exit 2), before
// anything is resolved or sent.
Expected<std::vector<std::string>, EarlyExit> gather_hosts(const Options& options, std::string_view program);

struct ResolvedTargets {
  std::vector<PingTarget> targets;  // in the order given, one per address
  bool some_unresolved = false;     // some name did not resolve (reported on stderr)
};

// Resolves each host (with -4 / -6, of that family only); reports failures on stderr as
// "PROG: HOST: reason". Targets that resolve to an address already taken are dropped.
ResolvedTargets resolve_hosts(const std::vector<std::string>& hosts, const Options& options,
                              std::string_view program);

}  // namespace bp
