#pragma once
// Name resolution at the edges of the run: the target once at start (getaddrinfo), and
// reverse names for printing, looked up on a worker thread so that a slow resolver never
// stalls the ping loop (iputils blocks its loop on every reverse lookup).

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "ping/packet/ip_address.h"
#include "ping/net/socket_address.h"
#include "shared/expected.h"

namespace bp {

struct ResolvedTarget {
  std::string name;    // as printed in the header: the canonical name, or the text given
  IpAddress address;
  bool numeric;        // the user gave an address, not a name
};

// `family` is AF_UNSPEC, AF_INET or AF_INET6. The error is getaddrinfo's text.
Expected<ResolvedTarget, std::string> resolve_target(const std::string& host, int family);

// Synchronous reverse lookup (NI_NAMEREQD); nothing when the address has no name.
std::optional<std::string> reverse_lookup(const IpAddress& address);

// A cache of reverse names filled by one background thread.
class ReverseNames {
 public:
  ReverseNames();
  ~ReverseNames();
  ReverseNames(const ReverseNames&) = delete;
  ReverseNames& operator=(const ReverseNames&) = delete;

  // Stores a name known already (the target's, looked up before the loop starts).
  void remember(const IpAddress& address, std::string name);
  // The cached name; when unknown, queues a lookup and returns nothing at once.
  std::optional<std::string> find(const IpAddress& address);

 private:
  void work(std::stop_token stop);

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::map<std::string, std::optional<std::string>> names_;  // key: numeric text
  std::deque<IpAddress> pending_;
  std::jthread worker_;  // last: started after the members it uses exist
};

}  // namespace bp
