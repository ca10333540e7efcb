#pragma once
// A small blocking HTTP/1.1 client for the exporter's integration tests (issue 14), shared by
// integration_exporter and integration_prometheus. It talks over TCP to a numeric address seen
// from inside a test's network namespace (the exporter, Prometheus), and gives both the
// one-call exchange most tests want and the raw pieces the listener abuse needs (bare
// connections, partial writes, keep-alive and pipelined responses, resets).
//
// A socket belongs to the network namespace it was created in, whichever thread uses it
// later: the sockets here are created by a short-lived thread that has entered the namespace
// (setns), so the test process itself stays where it is.
//
// Test code: every wait is bounded by a deadline or a timeout; failures are values (nullopt,
// false, an invalid fd) with a reason for the assertion message, not exceptions, except for
// setup failures (a namespace that cannot be entered). Not a general client: enough to read a
// status, headers and a body framed by a Content-Length, chunked transfer coding or the end of
// the connection.
//
// Network rule: only addresses of a namespace the test created.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared/unique_fd.h"

namespace bp::it {

using HttpClock = std::chrono::steady_clock;

// Where to connect: a numeric IPv4 or IPv6 address (no brackets, no names) and a port, seen
// from the network namespace `netns` (ip netns name; empty: the test process's own).
struct HttpEndpoint {
  std::string netns;
  std::string address;
  std::uint16_t port = 0;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/metrics";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host and Connection
  std::string body;                                           // sent with a Content-Length
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;                                          // chunked transfer decoded

  // The value of the first header called `lower_case_name`, "" if there is none.
  std::string header(std::string_view lower_case_name) const;
};

// --- one exchange ------------------------------------------------------------------------------

// Sends `request` on a new connection ("Connection: close") and reads its response, all within
// `timeout`. nullopt on any failure (refused, reset, timed out, malformed), with the reason in
// *why if why is not null.
std::optional<HttpResponse> http_exchange(const HttpEndpoint& where, const HttpRequest& request,
                                          std::chrono::milliseconds timeout,
                                          std::string* why = nullptr);

// Whether a TCP connection to `where` is accepted within `timeout`.
bool tcp_accepts(const HttpEndpoint& where, std::chrono::milliseconds timeout);

// `text` percent-encoded for a URL query value (RFC 3986 unreserved characters pass).
std::string url_encode(std::string_view text);

// --- sockets and connections -------------------------------------------------------------------

// `count` sockets of `domain` and `type` (blocking, close-on-exec) created inside `netns`
// (empty: here), entering it once. Throws std::runtime_error if the namespace cannot be
// entered or a socket cannot be made.
std::vector<bp::UniqueFd> sockets_in_namespace(const std::string& netns, int domain, int type,
                                               std::size_t count);
bp::UniqueFd socket_in_namespace(const std::string& netns, int domain, int type);

// Connects the TCP socket `fd` (of `where`'s namespace and family) to `where` before
// `deadline`; the socket is left blocking as it was. False with the reason in *why.
bool connect_socket(int fd, const HttpEndpoint& where, HttpClock::time_point deadline,
                    std::string* why = nullptr);

// A new connection to `where`, made before `deadline`; an invalid fd (reason in *why) if not.
bp::UniqueFd connect_to(const HttpEndpoint& where, HttpClock::time_point deadline,
                        std::string* why = nullptr);
// `count` of them (one namespace entry); stops at the first that fails, so the result may be
// shorter.
std::vector<bp::UniqueFd> connect_many(const HttpEndpoint& where, std::size_t count,
                                       HttpClock::time_point deadline);

// Writes all of `data` before `deadline`; false on an error, a closed peer or the deadline.
bool send_all(int fd, std::string_view data, HttpClock::time_point deadline,
              std::string* why = nullptr);

// Closes with a reset (SO_LINGER 0): unread data is thrown away and the peer's next write fails.
void close_with_reset(bp::UniqueFd& fd);

// Whether the peer has closed the connection (EOF or reset), waiting until `deadline` and
// throwing away whatever it sends meanwhile.
bool peer_closes(int fd, HttpClock::time_point deadline);

// --- responses -------------------------------------------------------------------------------

// Reads HTTP/1.x responses from one connection in order, keeping the bytes of a next response
// that came in the same read (keep-alive, pipelining). It reads incrementally: the head is
// parsed once, then the body is only counted in (Content-Length, chunk sizes) until it is all
// there, so each byte is looked at a bounded number of times. (A client that re-parsed
// everything after each read was quadratic: seconds of copying on a scrape of megabytes.)
class ResponseReader {
 public:
  explicit ResponseReader(int fd) : fd_(fd) {}

  // The next response (a response to HEAD has no body: say so with `to_head`), or nullopt with
  // the reason in `why` when the connection closes ("connection closed ..."), fails ("recv:
  // ..."), the deadline passes or the bytes are not HTTP.
  std::optional<HttpResponse> next(HttpClock::time_point deadline, bool to_head = false,
                                   std::string* why = nullptr);

 private:
  // Reads more bytes into buffer_; false on EOF, error or deadline (reason in why_).
  bool fill(HttpClock::time_point deadline);
  // Waits until `n` unread bytes are buffered.
  bool have(std::size_t n, HttpClock::time_point deadline);
  // The offset from the first unread byte of `what`, reading until it comes.
  std::optional<std::size_t> find(std::string_view what, HttpClock::time_point deadline);
  // Marks `n` bytes read.
  void consume(std::size_t n) { start_ += n; }
  std::optional<std::string> chunked_body(HttpClock::time_point deadline);

  int fd_;
  std::string buffer_;     // bytes received; those before start_ are read already
  std::size_t start_ = 0;  // dropped from buffer_ only when more is read, so never quadratic
  bool closed_ = false;    // the server ended the connection
  std::string why_;
};

}  // namespace bp::it
