#pragma once
// RequestDeadlines: how long a client may take to send its request. libmicrohttpd's own
// timeout counts only time without progress, so a client that sends one byte a second would
// hold its connection for ever (and 512 of them would lock the scraper out). Here a connection
// gets kRequestTime to deliver a request's headers: from when it opens, and again after each
// response (keep-alive). While a response is being sent there is no deadline (a large scrape to
// a slow reader is bounded by the inactivity timeout instead).
//
// The HTTP thread arms and disarms (from libmicrohttpd's callbacks); a thread of its own wakes
// every second and shuts down the sockets of connections past their deadline, which
// libmicrohttpd then sees fail and closes itself. A socket leaves the table in the "closed"
// callback, which libmicrohttpd makes before it closes the socket, and shutdown happens under
// the same lock, so a reused descriptor number can never be hit.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace bp {

class RequestDeadlines {
 public:
  static constexpr std::chrono::seconds kRequestTime{10};

  RequestDeadlines();  // starts the thread, with every signal blocked
  ~RequestDeadlines();
  RequestDeadlines(const RequestDeadlines&) = delete;
  RequestDeadlines& operator=(const RequestDeadlines&) = delete;

  void arm(int fd);     // a request may start now: it has kRequestTime to arrive
  void disarm(int fd);  // its headers arrived
  void forget(int fd);  // the connection is closing

  // Connections cut so far (for tests and the log, not for metrics).
  std::size_t cut() const;

 private:
  using Clock = std::chrono::steady_clock;
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<int, Clock::time_point> deadlines_;  // armed connections only
  std::size_t cut_ = 0;
  std::thread thread_;
};

}  // namespace bp
