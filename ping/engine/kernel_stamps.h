#pragma once
// Kernel timestamps and the choice of which RTT to report.
//
// With SO_TIMESTAMPING the kernel stamps each probe when it leaves (TX, read later from the
// error queue) and each reply when it arrives (RX, a control message). Both are CLOCK_REALTIME,
// so a wall-clock step between them would corrupt the difference. The loop also keeps its own
// CLOCK_MONOTONIC stamps: one read before the send, one after the reply is read. The kernel's
// pair lies inside that interval, so 0 <= kernel RTT <= user RTT whenever the wall clock did not
// step; choose_rtt() takes the kernel RTT only then, else the monotonic one. The result is
// never negative or absurd, whatever the wall clock does.
//
// TX stamps are numbered by the socket's own send counter (SOF_TIMESTAMPING_OPT_ID: 0 for the
// first datagram sent, then 1, 2, ...); TxStampTable maps that number back to our sequence.

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>

#include "shared/mono_time.h"

namespace bp {

// A wall-clock instant as the kernel reports it, in nanoseconds since the epoch.
using KernelTime = std::chrono::nanoseconds;

Duration choose_rtt(Duration user_rtt, std::optional<KernelTime> kernel_tx,
                    std::optional<KernelTime> kernel_rx);

class TxStampTable {
 public:
  static constexpr std::size_t kSlots = 65536;  // one per sequence number

  TxStampTable();
  // A datagram carrying `sequence` was handed to the kernel successfully.
  void on_sent(std::uint16_t sequence);
  // The kernel's stamp number `key` (ee_data) was taken at `when`.
  void on_tx_stamp(std::uint32_t key, KernelTime when);
  // The stamp of the newest send of `sequence`, if it has arrived.
  std::optional<KernelTime> tx_time(std::uint16_t sequence) const;

 private:
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  // calloc'd: the kernel hands out zeroed pages lazily, so untouched slots cost no memory.
  std::unique_ptr<std::uint16_t[], Free> sequence_by_key_;
  std::unique_ptr<std::int64_t[], Free> tx_ns_by_sequence_;  // 0: no stamp (yet)
  std::uint32_t next_key_ = 0;
  std::uint32_t sends_ = 0;
};

}  // namespace bp
