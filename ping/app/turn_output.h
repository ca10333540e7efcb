#pragma once
// TurnOutput: the text a loop turn produced, for stdout and stderr, written with one write()
// per stream at the end of the turn.

#include <unistd.h>

#include <cerrno>
#include <string>

#include "shared/mono_time.h"
#include "shared/sys_error.h"

namespace bp {

// Writes everything a loop turn produced with one write() per stream: cheap in flood mode,
// and line-buffered in effect when stdout is a pipe.
class TurnOutput {
 public:
  std::string out;
  std::string err;
  void flush() {
    write_all(STDOUT_FILENO, out);
    write_all(STDERR_FILENO, err);
  }
  // As flush(), but stdout only once `batch_bytes` are waiting or `max_delay` has passed since
  // its last write: a flood with a line per reply (--json) would otherwise write, and wake its
  // reader, once per packet. stderr is written at once.
  void flush_batched(MonoTime now, std::size_t batch_bytes, Duration max_delay) {
    if (out.size() >= batch_bytes || now - out_written_at_ >= max_delay) {
      write_all(STDOUT_FILENO, out);
      out_written_at_ = now;
    }
    write_all(STDERR_FILENO, err);
  }
  // A write failed with EPIPE: the reader of stdout or stderr has gone (SIGPIPE is ignored).
  bool closed() const { return closed_; }

 private:
  void write_all(int fd, std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = retry_on_eintr([&] { return ::write(fd, text.data() + done, text.size() - done); });
      if (n <= 0) {  // nothing more can be shown there
        closed_ = closed_ || (n < 0 && errno == EPIPE);
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    text.clear();
  }
  bool closed_ = false;
  MonoTime out_written_at_{};
};

}  // namespace bp
