#pragma once
// A small blocking HTTP/1.1 client for the exporter's integration tests: one request per
// connection ("Connection: close"), over TCP to a numeric address, from inside a network
// namespace that the test made (the exporter listens on that namespace's loopback). Every call
// is bounded by a timeout. Not a general client: enough to read a status, headers and a body
// framed by the connection's end, a Content-Length or chunked transfer coding.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shared/unique_fd.h"

namespace bp::it {

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
  std::map<std::string, std::string> headers;  // names in lower case; a repeated one: the last
  std::string body;

  // The header's value, or "" if there is none.
  std::string header(const std::string& lower_case_name) const;
};

// A socket of `domain` and `type` (close-on-exec) created inside `netns` (empty: here). The
// socket stays in that namespace whatever thread uses it. Throws std::runtime_error on failure.
bp::UniqueFd socket_in_namespace(const std::string& netns, int domain, int type);

// Sends `request` and reads the whole response. nullopt on any failure (refused, reset, timed
// out, malformed), with the reason in *error if error is not null.
std::optional<HttpResponse> http_exchange(const HttpEndpoint& where, const HttpRequest& request,
                                          std::chrono::milliseconds timeout,
                                          std::string* error = nullptr);

// Whether a TCP connection to `where` is accepted within `timeout`.
bool tcp_accepts(const HttpEndpoint& where, std::chrono::milliseconds timeout);

}  // namespace bp::it
