#include "ping/engine/kernel_stamps.h"

#include <new>

namespace bp {
namespace {

template <typename T>
T* zeroed(std::size_t n) {
  void* p = std::calloc(n, sizeof(T));
  if (p == nullptr) throw std::bad_alloc();
  return static_cast<T*>(p);
}

}  // namespace

Duration choose_rtt(Duration user_rtt, std::optional<KernelTime> kernel_tx,
                    std::optional<KernelTime> kernel_rx) {
  if (user_rtt < Duration::zero()) user_rtt = Duration::zero();
  if (!kernel_tx || !kernel_rx) return user_rtt;
  const Duration kernel_rtt = *kernel_rx - *kernel_tx;
  if (kernel_rtt < Duration::zero() || kernel_rtt > user_rtt) return user_rtt;
  return kernel_rtt;
}

TxStampTable::TxStampTable()
    : sequence_by_key_(zeroed<std::uint16_t>(kSlots)),
      tx_ns_by_sequence_(zeroed<std::int64_t>(kSlots)) {}

void TxStampTable::on_sent(std::uint16_t sequence) {
  sequence_by_key_[next_key_ % kSlots] = sequence;
  tx_ns_by_sequence_[sequence] = 0;  // a reused sequence must not keep an old stamp
  ++next_key_;
  ++sends_;
}

void TxStampTable::on_tx_stamp(std::uint32_t key, KernelTime when) {
  // Only keys of sends still in the table: a stamp older than kSlots sends is dropped.
  if (key >= next_key_ || next_key_ - key > kSlots) return;
  const std::uint16_t sequence = sequence_by_key_[key % kSlots];
  tx_ns_by_sequence_[sequence] = when.count();
}

std::optional<KernelTime> TxStampTable::tx_time(std::uint16_t sequence) const {
  const std::int64_t ns = tx_ns_by_sequence_[sequence];
  if (ns == 0) return std::nullopt;
  return KernelTime(ns);
}

}  // namespace bp
