#pragma once
// MetricsServer: the exporter's HTTP side (issue 14), on libmicrohttpd (Debian's
// libmicrohttpd12; README says why a library). It runs on libmicrohttpd's own thread with
// epoll, so nothing it does (a slow client, a huge header, a thousand idle connections) can
// block the probe loop: the loop never waits for it, and it only reads the counters that the
// loop writes (metrics_sink.h).
//
// Requests: GET or HEAD /metrics gives the scrape, in OpenMetrics when the Accept header asks
// for it (accept_format.h), else the Prometheus text format; GET / a short page; any other
// path 404, any other method 405. Limits: 512 connections, 10 s without progress closes one,
// and so do 10 s without a complete request (a client sending a byte a second:
// request_deadlines.h), 32 KiB of request memory each (a bigger header gets 431 and the
// connection is closed). A scrape is sent as it is written (scrape_stream.h,
// chunked), from a 64 KiB buffer per connection, so neither time to the first byte nor memory
// grows with a response of many megabytes. A /metrics response that could not be sent whole
// (the scraper went away) counts in better_ping_scrape_errors_total.
//
// The socket is bound by start() itself, before any probe, so that an address in use or not
// ours is a one-line error with exit 2; port 0 gets a free port (port() says which).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "ping/cli/listen_address.h"
#include "ping/exporter/request_deadlines.h"
#include "ping/metrics/metric_names.h"
#include "ping/metrics/scrape_stream.h"
#include "ping/metrics/target_metrics.h"
#include "shared/expected.h"

struct MHD_Daemon;

namespace bp {

class MetricsServer {
 public:
  static Expected<std::unique_ptr<MetricsServer>, std::string> start(const ListenAddress& listen,
                                                                       MetricNames names);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Where it listens, with the port the kernel gave.
  const ListenAddress& address() const { return bound_; }

  // What the next scrapes show; a scrape in progress finishes with what it had.
  void publish(std::shared_ptr<TargetMetrics> metrics);

  // For libmicrohttpd's callbacks (metrics_server.cpp).
  struct Reply {
    unsigned status;
    std::string content_type;
    std::string body;                      // a short text, or:
    std::unique_ptr<ScrapeStream> scrape;  // the metrics, written as they are sent
  };
  Reply answer(const std::string& method, const std::string& url, const char* accept) const;
  void note_scrape_error() const;
  RequestDeadlines& deadlines() { return deadlines_; }

 private:
  MetricsServer(ListenAddress bound, MetricNames names) : bound_(bound), names_(names) {}
  std::shared_ptr<TargetMetrics> current() const;

  ListenAddress bound_;
  MetricNames names_;
  int listen_fd_ = -1;
  RequestDeadlines deadlines_;  // before daemon_: it outlives the HTTP thread's callbacks
  MHD_Daemon* daemon_ = nullptr;
  mutable std::mutex mutex_;  // guards metrics_ only: held to copy the pointer, never to scrape
  std::shared_ptr<TargetMetrics> metrics_;
};

}  // namespace bp
