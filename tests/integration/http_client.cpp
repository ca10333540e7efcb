#include "tests/integration/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace bp::it {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

int remaining_ms(HttpClock::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - HttpClock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

// Waits until `fd` is ready for `events` (or has an error or hang-up to report), false once
// the deadline passes. EINTR is retried here and only here.
bool wait_for(int fd, short events, HttpClock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, remaining_ms(deadline));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
    if (HttpClock::now() >= deadline) return false;
  }
}

void set_reason(std::string* why, std::string text) {
  if (why != nullptr) *why = std::move(text);
}

// The endpoint as a socket address; false if the address is not numeric.
bool to_sockaddr(const HttpEndpoint& where, sockaddr_storage& out, socklen_t& length) {
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, where.address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(where.port);
    length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, where.address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(where.port);
    length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// The address family of `where`, or AF_UNSPEC (reason in *why) if it is not numeric.
int family_of(const HttpEndpoint& where, std::string* why) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (to_sockaddr(where, address, length)) return address.ss_family;
  set_reason(why, "not a numeric address: " + where.address);
  return AF_UNSPEC;
}

// Runs `work` on a thread that has entered `netns`: setns changes only the calling thread's
// namespace, and that thread ends with the call, so no other code runs in the namespace by
// accident. Returns the error text, empty on success.
template <typename Work>
std::string in_namespace(const std::string& netns, Work work) {
  if (netns.empty()) {
    work();
    return {};
  }
  std::string error;
  std::thread([&] {
    bp::UniqueFd ns(::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns || ::setns(ns.get(), CLONE_NEWNET) != 0) {
      error = "cannot enter namespace " + netns + ": " + std::strerror(errno);
      return;
    }
    work();
  }).join();
  return error;
}

std::string request_text(const HttpEndpoint& where, const HttpRequest& request) {
  const bool v6 = where.address.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + where.address + "]" : where.address;
  std::string text = request.method + " " + request.target + " HTTP/1.1\r\n";
  text += "Host: " + host + ":" + std::to_string(where.port) + "\r\n";
  text += "Connection: close\r\n";
  for (const auto& [name, value] : request.headers) text += name + ": " + value + "\r\n";
  if (!request.body.empty()) text += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  return text + "\r\n" + request.body;
}

}  // namespace

std::string HttpResponse::header(std::string_view lower_case_name) const {
  for (const auto& [key, value] : headers) {
    if (key == lower_case_name) return value;
  }
  return {};
}

// --- one exchange ------------------------------------------------------------------------------

std::optional<HttpResponse> http_exchange(const HttpEndpoint& where, const HttpRequest& request,
                                          std::chrono::milliseconds timeout, std::string* why) {
  const auto deadline = HttpClock::now() + timeout;
  const bp::UniqueFd fd = connect_to(where, deadline, why);
  if (!fd || !send_all(fd.get(), request_text(where, request), deadline, why)) return std::nullopt;
  ResponseReader reader(fd.get());
  return reader.next(deadline, request.method == "HEAD", why);
}

bool tcp_accepts(const HttpEndpoint& where, std::chrono::milliseconds timeout) {
  return static_cast<bool>(connect_to(where, HttpClock::now() + timeout));
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

// --- sockets and connections -------------------------------------------------------------------

std::vector<bp::UniqueFd> sockets_in_namespace(const std::string& netns, int domain, int type,
                                               std::size_t count) {
  std::vector<bp::UniqueFd> sockets;
  std::string failure;
  const std::string error = in_namespace(netns, [&] {
    for (std::size_t i = 0; i < count; ++i) {
      bp::UniqueFd fd(::socket(domain, type | SOCK_CLOEXEC, 0));
      if (!fd) {
        failure = std::string("socket: ") + std::strerror(errno);
        return;
      }
      sockets.push_back(std::move(fd));
    }
  });
  if (!error.empty()) throw std::runtime_error(error);
  if (!failure.empty()) throw std::runtime_error(failure);
  return sockets;
}

bp::UniqueFd socket_in_namespace(const std::string& netns, int domain, int type) {
  return std::move(sockets_in_namespace(netns, domain, type, 1).front());
}

bool connect_socket(int fd, const HttpEndpoint& where, HttpClock::time_point deadline,
                    std::string* why) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (!to_sockaddr(where, address, length)) {
    set_reason(why, "not a numeric address: " + where.address);
    return false;
  }
  // Non-blocking for the connect only, so that it is bounded by the deadline.
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int error = 0;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    error = errno;
    if (error == EINPROGRESS) {
      socklen_t error_length = sizeof error;
      error = ETIMEDOUT;
      if (wait_for(fd, POLLOUT, deadline)) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &error_length);
    }
  }
  ::fcntl(fd, F_SETFL, flags);
  if (error != 0) {
    set_reason(why, "connect to " + where.address + ":" + std::to_string(where.port) +
                        (where.netns.empty() ? "" : " in " + where.netns) + ": " +
                        std::strerror(error));
  }
  return error == 0;
}

bp::UniqueFd connect_to(const HttpEndpoint& where, HttpClock::time_point deadline,
                        std::string* why) {
  const int family = family_of(where, why);
  if (family == AF_UNSPEC) return {};
  bp::UniqueFd fd = socket_in_namespace(where.netns, family, SOCK_STREAM);
  if (!connect_socket(fd.get(), where, deadline, why)) return {};
  return fd;
}

std::vector<bp::UniqueFd> connect_many(const HttpEndpoint& where, std::size_t count,
                                       HttpClock::time_point deadline) {
  std::vector<bp::UniqueFd> connected;
  const int family = family_of(where, nullptr);
  if (family == AF_UNSPEC) return connected;
  for (bp::UniqueFd& fd : sockets_in_namespace(where.netns, family, SOCK_STREAM, count)) {
    if (!connect_socket(fd.get(), where, deadline)) break;
    connected.push_back(std::move(fd));
  }
  return connected;
}

bool send_all(int fd, std::string_view data, HttpClock::time_point deadline, std::string* why) {
  while (!data.empty()) {
    if (!wait_for(fd, POLLOUT, deadline)) {
      set_reason(why, "send: timed out");
      return false;
    }
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      set_reason(why, std::string("send: ") + std::strerror(errno));
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void close_with_reset(bp::UniqueFd& fd) {
  const linger hard{1, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  fd.reset();
}

bool peer_closes(int fd, HttpClock::time_point deadline) {
  while (wait_for(fd, POLLIN, deadline)) {
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return true;  // reset
  }
  return false;
}

// --- responses -------------------------------------------------------------------------------

bool ResponseReader::fill(HttpClock::time_point deadline) {
  // Read bytes go only now, when what is left unread is short: the erase stays cheap.
  buffer_.erase(0, start_);
  start_ = 0;
  while (true) {
    if (!wait_for(fd_, POLLIN, deadline)) {
      why_ = "no more bytes before the deadline (" + std::to_string(buffer_.size()) + " buffered)";
      return false;
    }
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) {
      closed_ = true;
      why_ = "connection closed by the server";
      return false;
    }
    if (errno != EAGAIN && errno != EINTR) {
      why_ = std::string("recv: ") + std::strerror(errno);
      return false;
    }
  }
}

bool ResponseReader::have(std::size_t n, HttpClock::time_point deadline) {
  while (buffer_.size() - start_ < n) {
    if (!fill(deadline)) return false;
  }
  return true;
}

std::optional<std::size_t> ResponseReader::find(std::string_view what,
                                                HttpClock::time_point deadline) {
  std::size_t from = 0;  // from the first unread byte; what was searched is not searched again
  while (true) {
    const auto at = buffer_.find(what, start_ + from);
    if (at != std::string::npos) return at - start_;
    const std::size_t unread = buffer_.size() - start_;
    from = unread >= what.size() ? unread - what.size() + 1 : 0;
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> ResponseReader::chunked_body(HttpClock::time_point deadline) {
  std::string body;
  while (true) {
    const auto line_end = find("\r\n", deadline);
    if (!line_end) return std::nullopt;
    const std::string line = buffer_.substr(start_, *line_end);
    std::size_t size = 0;
    try {
      size = std::stoul(line, nullptr, 16);  // a chunk extension after ';' is not read
    } catch (const std::exception&) {
      why_ = "bad chunk size line: " + line.substr(0, 40);
      return std::nullopt;
    }
    consume(*line_end + 2);
    if (size == 0) {
      // Trailer lines, if any, then an empty line.
      while (true) {
        const auto end = find("\r\n", deadline);
        if (!end) return std::nullopt;
        consume(*end + 2);
        if (*end == 0) return body;
      }
    }
    if (!have(size + 2, deadline)) return std::nullopt;
    body.append(buffer_, start_, size);
    consume(size + 2);
  }
}

std::optional<HttpResponse> ResponseReader::next(HttpClock::time_point deadline, bool to_head,
                                                 std::string* why) {
  why_.clear();
  auto fail = [&]() -> std::optional<HttpResponse> {
    set_reason(why, why_);
    return std::nullopt;
  };
  const auto head_end = find("\r\n\r\n", deadline);
  if (!head_end) return fail();
  const std::string head = buffer_.substr(start_, *head_end);
  consume(*head_end + 4);

  HttpResponse response;
  std::size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    why_ = "not an HTTP status line: " + status_line;
    return fail();
  }
  response.status = std::atoi(status_line.c_str() + 9);
  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos
                                                                              : line_end - start);
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers.emplace_back(lower(line.substr(0, colon)), trim(line.substr(colon + 1)));
  }
  const bool no_body = to_head || response.status / 100 == 1 || response.status == 204 ||
                       response.status == 304;
  if (no_body) return response;
  if (lower(response.header("transfer-encoding")).find("chunked") != std::string::npos) {
    auto body = chunked_body(deadline);
    if (!body) return fail();
    response.body = std::move(*body);
    return response;
  }
  if (const std::string length = response.header("content-length"); !length.empty()) {
    const std::size_t size = std::strtoul(length.c_str(), nullptr, 10);
    if (!have(size, deadline)) return fail();
    response.body = buffer_.substr(start_, size);
    consume(size);
    return response;
  }
  // Neither: the body runs to the end of the connection.
  while (fill(deadline)) {
  }
  if (!closed_) return fail();
  response.body = buffer_.substr(start_);
  buffer_.clear();
  start_ = 0;
  return response;
}

}  // namespace bp::it
