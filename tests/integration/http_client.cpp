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

using Clock = std::chrono::steady_clock;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

int remaining_ms(Clock::time_point until) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
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

// A socket connected to `where` within the deadline, or an invalid one with *error set.
bp::UniqueFd connect_to(const HttpEndpoint& where, Clock::time_point until, std::string* error) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (!to_sockaddr(where, address, length)) {
    *error = "not a numeric address: " + where.address;
    return {};
  }
  bp::UniqueFd fd = socket_in_namespace(where.netns, address.ss_family, SOCK_STREAM);
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0) return fd;
  if (errno != EINPROGRESS) {
    *error = std::string("connect: ") + std::strerror(errno);
    return {};
  }
  pollfd p{fd.get(), POLLOUT, 0};
  if (::poll(&p, 1, remaining_ms(until)) != 1) {
    *error = "connect: timed out";
    return {};
  }
  int so_error = 0;
  socklen_t so_length = sizeof so_error;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &so_error, &so_length);
  if (so_error != 0) {
    *error = std::string("connect: ") + std::strerror(so_error);
    return {};
  }
  return fd;
}

bool send_all(int fd, const std::string& data, Clock::time_point until, std::string* error) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      *error = std::string("send: ") + std::strerror(errno);
      return false;
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(until)) != 1) {
      *error = "send: timed out";
      return false;
    }
  }
  return true;
}

std::string request_text(const HttpEndpoint& where, const HttpRequest& request) {
  const bool v6 = where.address.find(':') != std::string::npos;
  std::string host = v6 ? "[" + where.address + "]" : where.address;
  std::string text = request.method + " " + request.target + " HTTP/1.1\r\n";
  text += "Host: " + host + ":" + std::to_string(where.port) + "\r\n";
  text += "Connection: close\r\n";
  for (const auto& [name, value] : request.headers) text += name + ": " + value + "\r\n";
  if (!request.body.empty()) text += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  return text + "\r\n" + request.body;
}

// The body of chunked transfer coding (RFC 9112 7.1), nullopt until it is complete.
std::optional<std::string> dechunk(const std::string& data) {
  std::string body;
  std::size_t at = 0;
  while (true) {
    const std::size_t line_end = data.find("\r\n", at);
    if (line_end == std::string::npos) return std::nullopt;
    std::size_t size = 0;
    try {
      size = std::stoul(data.substr(at, line_end - at), nullptr, 16);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    at = line_end + 2;
    if (size == 0) return body;  // trailers, if any, are not read
    if (data.size() < at + size + 2) return std::nullopt;
    body.append(data, at, size);
    at += size + 2;
  }
}

// Parses what was read so far: the response once it is complete (`closed`: the server ended
// the connection, which ends a body framed by nothing else).
std::optional<HttpResponse> parse_response(const std::string& data, bool head, bool closed) {
  const std::size_t header_end = data.find("\r\n\r\n");
  if (header_end == std::string::npos) return std::nullopt;
  HttpResponse response;
  std::size_t line_end = data.find("\r\n");
  const std::string status_line = data.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) return std::nullopt;
  response.status = std::atoi(status_line.substr(9, 3).c_str());
  while (line_end < header_end) {
    const std::size_t start = line_end + 2;
    line_end = data.find("\r\n", start);
    const std::string line = data.substr(start, line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    response.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
  }
  const std::string rest = data.substr(header_end + 4);
  if (head || response.status == 204 || response.status == 304) return response;
  if (lower(response.header("transfer-encoding")).find("chunked") != std::string::npos) {
    auto body = dechunk(rest);
    if (!body) return std::nullopt;
    response.body = std::move(*body);
    return response;
  }
  if (const std::string length = response.header("content-length"); !length.empty()) {
    const std::size_t n = std::stoul(length);
    if (rest.size() < n) return std::nullopt;
    response.body = rest.substr(0, n);
    return response;
  }
  if (!closed) return std::nullopt;
  response.body = rest;
  return response;
}

// A cheap test before the full parse, which copies the body: parsing after every read made a
// scrape of megabytes quadratic (seconds of copying). A chunked body can only be complete when
// the data ends with the last chunk; a sized one when the data is long enough.
bool may_be_complete(const std::string& data, bool head) {
  const std::size_t header_end = data.find("\r\n\r\n");
  if (header_end == std::string::npos) return false;
  if (head) return true;
  const std::string headers = lower(data.substr(0, header_end));
  if (headers.find("transfer-encoding: chunked") != std::string::npos) return data.ends_with("0\r\n\r\n");
  const std::size_t length_at = headers.find("content-length:");
  if (length_at == std::string::npos) return true;  // the status decides (204, 304) or the close
  const std::size_t n = std::strtoul(headers.c_str() + length_at + 15, nullptr, 10);
  return data.size() - (header_end + 4) >= n;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_case_name) const {
  const auto it = headers.find(lower_case_name);
  return it == headers.end() ? "" : it->second;
}

bp::UniqueFd socket_in_namespace(const std::string& netns, int domain, int type) {
  if (netns.empty()) {
    bp::UniqueFd fd(::socket(domain, type | SOCK_CLOEXEC, 0));
    if (!fd) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    return fd;
  }
  // setns() moves only the calling thread: a short-lived thread enters the namespace, so the
  // test's own threads stay where they are.
  int fd = -1;
  std::string failure;
  std::thread([&] {
    bp::UniqueFd ns(::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns || ::setns(ns.get(), CLONE_NEWNET) != 0) {
      failure = "cannot enter " + netns + ": " + std::strerror(errno);
      return;
    }
    fd = ::socket(domain, type | SOCK_CLOEXEC, 0);
    if (fd < 0) failure = std::string("socket: ") + std::strerror(errno);
  }).join();
  if (fd < 0) throw std::runtime_error(failure);
  return bp::UniqueFd(fd);
}

std::optional<HttpResponse> http_exchange(const HttpEndpoint& where, const HttpRequest& request,
                                          std::chrono::milliseconds timeout, std::string* error) {
  std::string ignored;
  if (error == nullptr) error = &ignored;
  const Clock::time_point until = Clock::now() + timeout;
  const bp::UniqueFd fd = connect_to(where, until, error);
  if (!fd || !send_all(fd.get(), request_text(where, request), until, error)) return std::nullopt;
  const bool head = request.method == "HEAD";
  std::string data;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n > 0) {
      data.append(buffer, static_cast<std::size_t>(n));
      if (!may_be_complete(data, head)) continue;
      if (auto response = parse_response(data, head, false)) return response;
      continue;
    }
    if (n == 0) {
      if (auto response = parse_response(data, head, true)) return response;
      *error = "connection closed before a complete response: '" + data + "'";
      return std::nullopt;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      *error = std::string("recv: ") + std::strerror(errno) + " after '" + data + "'";
      return std::nullopt;
    }
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(until)) != 1) {
      *error = "timed out after '" + data + "'";
      return std::nullopt;
    }
  }
}

bool tcp_accepts(const HttpEndpoint& where, std::chrono::milliseconds timeout) {
  std::string error;
  return static_cast<bool>(connect_to(where, Clock::now() + timeout, &error));
}

}  // namespace bp::it
