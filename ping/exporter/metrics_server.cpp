#include "ping/exporter/metrics_server.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ping/app/signal_catcher.h"
#include "ping/metrics/accept_format.h"
#include "ping/net/socket_address.h"

namespace bp {
namespace {

constexpr unsigned kConnectionLimit = 512;
constexpr unsigned kConnectionTimeoutSeconds = 10;
constexpr std::size_t kConnectionMemory = 32 * 1024;
constexpr int kListenBacklog = 128;

constexpr std::string_view kIndexPage =
    "better_ping exporter: the metrics are at /metrics (Prometheus text or OpenMetrics).\n";

// Markers in libmicrohttpd's per-request pointer: the headers were seen (the next call answers),
// and the request is a scrape whose end we watch.
int headers_marker;
int scrape_marker;

std::string errno_text(int err) { return std::strerror(err); }

Expected<int, std::string> bind_listener(const ListenAddress& listen, ListenAddress& bound) {
  const int family = address_family(listen.address);
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Unexpected{"socket: " + errno_text(errno)};
  const int on = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (family == AF_INET6) (void)::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  sockaddr_storage address{};
  const socklen_t length = to_sockaddr(listen.address, address);
  const std::uint16_t port_be = htons(listen.port);
  if (family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&address)->sin6_port = port_be;
  } else {
    reinterpret_cast<sockaddr_in*>(&address)->sin_port = port_be;
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      ::listen(fd, kListenBacklog) != 0) {
    const int err = errno;
    ::close(fd);
    return Unexpected{"cannot listen on " + listen_address_text(listen) + ": " + errno_text(err)};
  }
  sockaddr_storage got{};
  socklen_t got_length = sizeof got;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&got), &got_length);
  bound = listen;
  bound.port = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&got)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&got)->sin_port);
  return fd;
}

constexpr std::size_t kScrapeBlockBytes = 64 * 1024;

ssize_t read_scrape(void* stream, std::uint64_t /*position*/, char* buffer, std::size_t room) {
  const std::size_t n = static_cast<ScrapeStream*>(stream)->read(buffer, room);
  return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : static_cast<ssize_t>(n);
}

void free_scrape(void* stream) { delete static_cast<ScrapeStream*>(stream); }

MHD_Response* response_of(MetricsServer::Reply& reply) {
  if (reply.scrape) {
    MHD_Response* response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, kScrapeBlockBytes, &read_scrape,
                                                               reply.scrape.get(), &free_scrape);
    if (response != nullptr) reply.scrape.release();  // libmicrohttpd frees it with free_scrape
    return response;
  }
  return MHD_create_response_from_buffer(reply.body.size(), reply.body.data(), MHD_RESPMEM_MUST_COPY);
}

MHD_Result queue(MHD_Connection* connection, MetricsServer::Reply& reply) {
  MHD_Response* response = response_of(reply);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, reply.content_type.c_str());
  if (reply.status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  const MHD_Result result = MHD_queue_response(connection, reply.status, response);
  MHD_destroy_response(response);
  return result;
}

int socket_of(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  return info != nullptr ? info->connect_fd : -1;
}

// A connection's clock for its next request (request_deadlines.h).
void on_connection(void* cls, MHD_Connection* connection, void** /*socket_context*/,
                   MHD_ConnectionNotificationCode code) {
  RequestDeadlines& deadlines = static_cast<MetricsServer*>(cls)->deadlines();
  const int fd = socket_of(connection);
  if (fd < 0) return;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    deadlines.arm(fd);
  } else {
    deadlines.forget(fd);
  }
}

MHD_Result on_request(void* cls, MHD_Connection* connection, const char* url, const char* method,
                      const char* /*version*/, const char* /*upload_data*/,
                      std::size_t* upload_data_size, void** request) {
  auto* server = static_cast<MetricsServer*>(cls);
  if (*request == nullptr) server->deadlines().disarm(socket_of(connection));  // the headers are in
  const bool readable = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0 || std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
  if (readable && *request == nullptr) {
    // Answering on the first call would be an "early response", after which libmicrohttpd
    // closes the connection: no keep-alive, and pipelined requests lost. So the first call
    // only notes the headers, and the answer comes on the next one, as the library intends.
    *request = &headers_marker;
    return MHD_YES;
  }
  if (readable && *upload_data_size != 0) {
    *upload_data_size = 0;  // a body on a GET means nothing here: read and dropped
    return MHD_YES;
  }
  // Other methods are answered at once (405), their body unread, and the connection closed.
  const char* accept = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
  MetricsServer::Reply reply = server->answer(method, url, accept);
  if (reply.scrape) *request = &scrape_marker;
  return queue(connection, reply);
}

void on_completed(void* cls, MHD_Connection* connection, void** request,
                  MHD_RequestTerminationCode code) {
  auto* server = static_cast<MetricsServer*>(cls);
  // The connection may carry another request: its clock starts again. (If it is closing, the
  // "closed" notification that follows forgets it.)
  if (code == MHD_REQUEST_TERMINATED_COMPLETED_OK) server->deadlines().arm(socket_of(connection));
  if (*request != &scrape_marker) return;
  if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK && code != MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN) {
    server->note_scrape_error();
  }
}

}  // namespace

Expected<std::unique_ptr<MetricsServer>, std::string> MetricsServer::start(const ListenAddress& listen,
                                                                             MetricNames names) {
  ListenAddress bound;
  auto fd = bind_listener(listen, bound);
  if (!fd) return Unexpected{fd.error()};
  std::unique_ptr<MetricsServer> server(new MetricsServer(bound, names));
  server->listen_fd_ = *fd;
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD;
  if (listen.address.family == Family::kIpv6) flags |= MHD_USE_IPv6;
  // The server's thread must never take the loop's signals (SIGINT, SIGTERM, SIGHUP ...): it
  // starts with every signal blocked, and keeps that mask.
  server->daemon_ = with_signals_blocked([&] {
    return MHD_start_daemon(
        flags, 0, nullptr, nullptr, &on_request, server.get(),
        MHD_OPTION_LISTEN_SOCKET, static_cast<MHD_socket>(*fd),
        MHD_OPTION_CONNECTION_LIMIT, kConnectionLimit,
        MHD_OPTION_CONNECTION_TIMEOUT, kConnectionTimeoutSeconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, kConnectionMemory,
        MHD_OPTION_NOTIFY_COMPLETED, &on_completed, server.get(),
        MHD_OPTION_NOTIFY_CONNECTION, &on_connection, server.get(),
        MHD_OPTION_END);
  });
  if (server->daemon_ == nullptr) {
    return Unexpected{"cannot start the HTTP server on " + listen_address_text(bound)};
  }
  return server;
}

MetricsServer::~MetricsServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void MetricsServer::publish(std::shared_ptr<TargetMetrics> metrics) {
  std::lock_guard lock(mutex_);
  metrics_ = std::move(metrics);
}

std::shared_ptr<TargetMetrics> MetricsServer::current() const {
  std::lock_guard lock(mutex_);
  return metrics_;
}

MetricsServer::Reply MetricsServer::answer(const std::string& method, const std::string& url,
                                           const char* accept) const {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  const bool readable = method == MHD_HTTP_METHOD_GET || method == MHD_HTTP_METHOD_HEAD;
  const std::string path = url.substr(0, url.find('?'));
  if (path != "/metrics" && path != "/") return {MHD_HTTP_NOT_FOUND, std::string(kText), "not found\n", nullptr};
  if (!readable) return {MHD_HTTP_METHOD_NOT_ALLOWED, std::string(kText), "only GET and HEAD\n", nullptr};
  if (path == "/") return {MHD_HTTP_OK, std::string(kText), std::string(kIndexPage), nullptr};
  std::shared_ptr<TargetMetrics> metrics = current();
  if (!metrics) return {MHD_HTTP_SERVICE_UNAVAILABLE, std::string(kText), "starting\n", nullptr};
  const ExpositionFormat format = format_for_accept(accept != nullptr ? accept : "");
  if (method == MHD_HTTP_METHOD_HEAD) {
    // The whole text, for its exact Content-Length: a response of unknown length would end the
    // connection after a HEAD (no chunks to frame it). HEAD is rare; GET streams.
    return {MHD_HTTP_OK, std::string(content_type(format)), metrics->scrape(format, names_, BP_VERSION), nullptr};
  }
  return {MHD_HTTP_OK, std::string(content_type(format)), {},
          std::make_unique<ScrapeStream>(std::move(metrics), format, names_, BP_VERSION)};
}

void MetricsServer::note_scrape_error() const {
  if (const std::shared_ptr<TargetMetrics> metrics = current()) metrics->sink().note_scrape_error();
}

}  // namespace bp
