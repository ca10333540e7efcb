#include "tests/integration/prom_http.h"

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

int remaining_ms(HttpClock::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - HttpClock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// Runs `work` on a thread that has entered `netns`: setns changes only the calling thread's
// namespace, and that thread ends with the call, so no other code runs in the namespace by
// accident. Returns the error text, empty on success.
template <typename Work>
std::string in_namespace(const std::string& netns, Work work) {
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

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

std::vector<bp::UniqueFd> tcp_sockets_in(const std::string& netns, std::size_t count) {
  std::vector<bp::UniqueFd> sockets;
  std::string failure;
  const std::string error = in_namespace(netns, [&] {
    for (std::size_t i = 0; i < count; ++i) {
      bp::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
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

bool connect_to_loopback(int fd, int port) {
  const sockaddr_in address = loopback(port);
  // Loopback connects complete at once or are refused: no timeout needed.
  return ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

std::vector<bp::UniqueFd> connect_loopback_many(const std::string& netns, int port,
                                                std::size_t count) {
  std::vector<bp::UniqueFd> connected;
  for (bp::UniqueFd& fd : tcp_sockets_in(netns, count)) {
    if (!connect_to_loopback(fd.get(), port)) break;
    connected.push_back(std::move(fd));
  }
  return connected;
}

bp::UniqueFd connect_loopback(const std::string& netns, int port) {
  auto one = connect_loopback_many(netns, port, 1);
  return one.empty() ? bp::UniqueFd() : std::move(one.front());
}

bool send_all(int fd, std::string_view data, HttpClock::time_point deadline) {
  while (!data.empty()) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
      if (HttpClock::now() >= deadline) return false;
      continue;  // EINTR
    }
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
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
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
      if (HttpClock::now() >= deadline) return false;
      continue;
    }
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return true;  // reset
  }
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

bool ResponseReader::fill(HttpClock::time_point deadline) {
  while (true) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
      if (HttpClock::now() >= deadline) {
        why_ = "no more bytes before the deadline (" + std::to_string(buffer_.size()) +
               " buffered)";
        return false;
      }
      continue;
    }
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0) {
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
  while (buffer_.size() < n) {
    if (!fill(deadline)) return false;
  }
  return true;
}

std::optional<std::size_t> ResponseReader::find(std::string_view what, std::size_t from,
                                                HttpClock::time_point deadline) {
  while (true) {
    const auto at = buffer_.find(what, from);
    if (at != std::string::npos) return at;
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> ResponseReader::chunked_body(HttpClock::time_point deadline) {
  std::string body;
  while (true) {
    const auto line_end = find("\r\n", 0, deadline);
    if (!line_end) return std::nullopt;
    std::size_t size = 0;
    try {
      size = std::stoul(buffer_.substr(0, *line_end), nullptr, 16);
    } catch (const std::exception&) {
      why_ = "bad chunk size line: " + buffer_.substr(0, std::min<std::size_t>(*line_end, 40));
      return std::nullopt;
    }
    buffer_.erase(0, *line_end + 2);
    if (size == 0) {
      // Trailer lines, if any, then an empty line.
      while (true) {
        const auto end = find("\r\n", 0, deadline);
        if (!end) return std::nullopt;
        buffer_.erase(0, *end + 2);
        if (*end == 0) return body;
      }
    }
    if (!have(size + 2, deadline)) return std::nullopt;
    body.append(buffer_, 0, size);
    buffer_.erase(0, size + 2);
  }
}

std::optional<HttpResponse> ResponseReader::next(HttpClock::time_point deadline, bool to_head,
                                                 std::string* why) {
  why_.clear();
  auto fail = [&]() -> std::optional<HttpResponse> {
    if (why) *why = why_;
    return std::nullopt;
  };
  const auto head_end = find("\r\n\r\n", 0, deadline);
  if (!head_end) return fail();
  const std::string head = buffer_.substr(0, *head_end);
  buffer_.erase(0, *head_end + 4);

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
    const std::size_t size = std::stoul(length);
    if (!have(size, deadline)) return fail();
    response.body = buffer_.substr(0, size);
    buffer_.erase(0, size);
    return response;
  }
  // Neither: the body runs to the end of the connection.
  while (fill(deadline)) {
  }
  if (why_ != "connection closed by the server") return fail();
  response.body = std::move(buffer_);
  buffer_.clear();
  return response;
}

std::optional<HttpResponse> http_request(const std::string& netns, int port,
                                         const std::string& method, const std::string& target,
                                         const std::string& extra_headers,
                                         std::chrono::milliseconds timeout, std::string* why) {
  const auto deadline = HttpClock::now() + timeout;
  bp::UniqueFd fd = connect_loopback(netns, port);
  if (!fd) {
    if (why) *why = "cannot connect to 127.0.0.1:" + std::to_string(port) + " in " + netns;
    return std::nullopt;
  }
  const std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                              std::to_string(port) + "\r\nConnection: close\r\n" + extra_headers +
                              "\r\n";
  if (!send_all(fd.get(), request, deadline)) {
    if (why) *why = "cannot send the request";
    return std::nullopt;
  }
  ResponseReader reader(fd.get());
  return reader.next(deadline, method == "HEAD", why);
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

}  // namespace bp::it
