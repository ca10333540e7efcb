#include "ping/net/resolver.h"

#include "ping/app/signal_catcher.h"

#include <netdb.h>
#include <sys/socket.h>

#include <memory>

namespace bp {

Expected<ResolvedTarget, std::string> resolve_target(const std::string& host, int family) {
  if (auto numeric = parse_numeric_address(host)) {
    if (family != AF_UNSPEC && address_family(*numeric) != family) {
      return Unexpected{std::string("Address family for hostname not supported")};
    }
    return ResolvedTarget{host, *numeric, true};
  }
  // As iputils: ask without a family filter and filter afterwards. With -6 and a name that
  // /etc/hosts knows only for IPv4 ("localhost" without "::1"), a filtered query would go on to
  // ask DNS (a delay, and a leak); this one is answered from the file.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_RAW;
  hints.ai_flags = AI_CANONNAME;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) return Unexpected{std::string(gai_strerror(rc))};
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(list, freeaddrinfo);
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (family != AF_UNSPEC && ai->ai_family != family) continue;
    if (auto address = from_sockaddr(ai->ai_addr, ai->ai_addrlen)) {
      const std::string name = list->ai_canonname != nullptr ? list->ai_canonname : host;
      return ResolvedTarget{name, *address, false};
    }
  }
  return Unexpected{std::string(gai_strerror(EAI_ADDRFAMILY))};
}

std::optional<std::string> reverse_lookup(const IpAddress& address) {
  sockaddr_storage sa{};
  const socklen_t len = to_sockaddr(address, sa);
  char name[NI_MAXHOST] = {};
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&sa), len, name, sizeof name, nullptr, 0,
                  NI_NAMEREQD) != 0) {
    return std::nullopt;
  }
  return std::string(name);
}

// The worker never takes a signal: they must interrupt the loop's receive (SignalCatcher).
ReverseNames::ReverseNames()
    : worker_(with_signals_blocked([this] { return std::jthread([this](std::stop_token stop) { work(stop); }); })) {}

ReverseNames::~ReverseNames() {
  worker_.request_stop();
  // A lookup in progress finishes first; the thread is joined by jthread's destructor.
}

void ReverseNames::remember(const IpAddress& address, std::string name) {
  std::lock_guard lock(mutex_);
  names_[address_text(address)] = std::move(name);
}

std::optional<std::string> ReverseNames::find(const IpAddress& address) {
  std::lock_guard lock(mutex_);
  const auto [it, inserted] = names_.try_emplace(address_text(address));
  if (inserted) {
    pending_.push_back(address);
    wake_.notify_one();
  }
  return it->second;
}

void ReverseNames::work(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (wake_.wait(lock, stop, [this] { return !pending_.empty(); })) {
    const IpAddress address = pending_.front();
    pending_.pop_front();
    lock.unlock();
    auto name = reverse_lookup(address);
    lock.lock();
    names_[address_text(address)] = std::move(name);
  }
}

}  // namespace bp
