#pragma once
// A small blocking HTTP/1.1 client for the exporter tests (issue 14): it talks to servers on
// 127.0.0.1 inside a test's network namespace (the exporter, Prometheus), and gives the raw
// pieces the listener abuse needs (bare connections, partial writes, pipelined responses).
//
// A socket belongs to the network namespace it was created in, whichever thread uses it
// later: the sockets here are created by a short-lived thread that has entered the namespace
// (setns), so the test process itself stays where it is.
//
// Test code: every wait is bounded by a deadline; failures are values (nullopt, false) with a
// reason for the assertion message, not exceptions, except for setup failures.
//
// Network rule: only 127.0.0.1 of a namespace the test created.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/unique_fd.h"

namespace bp::it {

using HttpClock = std::chrono::steady_clock;

// `count` TCP sockets (IPv4, blocking, close-on-exec) created inside `netns`. Throws
// std::runtime_error if the namespace cannot be entered or a socket cannot be made.
std::vector<bp::UniqueFd> tcp_sockets_in(const std::string& netns, std::size_t count);

// Connects a socket of tcp_sockets_in() to 127.0.0.1:`port` of its namespace.
bool connect_to_loopback(int fd, int port);

// A connection to 127.0.0.1:`port` inside `netns`; an invalid fd if it cannot be made.
bp::UniqueFd connect_loopback(const std::string& netns, int port);
// `count` of them at once (one namespace entry); stops at the first that fails, so the result
// may be shorter.
std::vector<bp::UniqueFd> connect_loopback_many(const std::string& netns, int port,
                                                std::size_t count);

// Writes all of `data` before `deadline`; false on an error, a closed peer or the deadline.
bool send_all(int fd, std::string_view data, HttpClock::time_point deadline);

// Closes with a reset (SO_LINGER 0): unread data is thrown away and the peer's next write fails.
void close_with_reset(bp::UniqueFd& fd);

// Whether the peer has closed the connection (EOF or reset), waiting until `deadline` and
// throwing away whatever it sends meanwhile.
bool peer_closes(int fd, HttpClock::time_point deadline);

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;  // chunked transfer decoded
  // The value of the first header called `name` (lower case), empty if there is none.
  std::string header(std::string_view name) const;
};

// Reads HTTP/1.x responses from one connection in order, keeping the bytes of a next response
// that came in the same read (pipelining).
class ResponseReader {
 public:
  explicit ResponseReader(int fd) : fd_(fd) {}

  // The next response (a response to HEAD has no body: say so with `to_head`), or nullopt with
  // the reason in `why` when the connection closes, the deadline passes or the bytes are not
  // HTTP.
  std::optional<HttpResponse> next(HttpClock::time_point deadline, bool to_head = false,
                                   std::string* why = nullptr);

 private:
  // Reads more bytes into buffer_; false on EOF, error or deadline (reason in why_).
  bool fill(HttpClock::time_point deadline);
  // Waits until buffer_ holds `n` bytes from the start.
  bool have(std::size_t n, HttpClock::time_point deadline);
  // The position of `what` in buffer_ at or after `from`, reading until it comes.
  std::optional<std::size_t> find(std::string_view what, std::size_t from,
                                  HttpClock::time_point deadline);
  std::optional<std::string> chunked_body(HttpClock::time_point deadline);

  int fd_;
  std::string buffer_;
  std::string why_;
};

// One request on a new connection to 127.0.0.1:`port` in `netns`: "METHOD TARGET HTTP/1.1"
// with Host, Connection: close and `extra_headers` (each "Name: value\r\n"). nullopt with the
// reason in `why` if it fails within `timeout`.
std::optional<HttpResponse> http_request(const std::string& netns, int port,
                                         const std::string& method, const std::string& target,
                                         const std::string& extra_headers = {},
                                         std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                         std::string* why = nullptr);

inline std::optional<HttpResponse> http_get(const std::string& netns, int port,
                                            const std::string& target,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                            std::string* why = nullptr) {
  return http_request(netns, port, "GET", target, {}, timeout, why);
}

// `text` percent-encoded for a URL query value (RFC 3986 unreserved characters pass).
std::string url_encode(std::string_view text);

}  // namespace bp::it
