#include "ping/exporter/request_deadlines.h"

#include <sys/socket.h>

#include "ping/app/signal_catcher.h"

namespace bp {

RequestDeadlines::RequestDeadlines()
    : thread_(with_signals_blocked([this] { return std::thread([this] { run(); }); })) {}

RequestDeadlines::~RequestDeadlines() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RequestDeadlines::arm(int fd) {
  std::lock_guard lock(mutex_);
  deadlines_[fd] = Clock::now() + kRequestTime;
}

void RequestDeadlines::disarm(int fd) {
  std::lock_guard lock(mutex_);
  deadlines_.erase(fd);
}

void RequestDeadlines::forget(int fd) { disarm(fd); }

std::size_t RequestDeadlines::cut() const {
  std::lock_guard lock(mutex_);
  return cut_;
}

void RequestDeadlines::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    const Clock::time_point now = Clock::now();
    for (auto it = deadlines_.begin(); it != deadlines_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      ::shutdown(it->first, SHUT_RDWR);
      ++cut_;
      it = deadlines_.erase(it);
    }
  }
}

}  // namespace bp
