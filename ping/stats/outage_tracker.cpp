#include "ping/stats/outage_tracker.h"

#include <algorithm>

namespace bp {
namespace {

std::uint16_t after(std::uint16_t seq) { return static_cast<std::uint16_t>(seq + 1); }

}  // namespace

void OutageTracker::on_reply(std::uint16_t seq, MonoTime arrival) {
  if (settled(seq)) return;
  if (!join_block(seq, arrival)) {
    if (block_count_ == kMaxBlocks) {
      settle_first_block_early();
      if (settled(seq)) return;
    }
    insert_block(seq, arrival);
  }
  settle_ready_blocks();
}

void OutageTracker::on_lost(std::uint16_t seq) {
  if (settled(seq) || in_block(seq)) return;
  // Losses come in sequence order, so every probe before seq is decided: the waiting replies
  // before it settle now (a gap before one of them was never reported lost: not a loss).
  while (block_count_ > 0 && serial_difference(blocks_[0].first, seq) < 0) settle_first_block();
  in_run_ = true;
  next_ = after(seq);
  started_ = true;
  settle_ready_blocks();
}

OutageTracker::Figures OutageTracker::figures(MonoTime now) const {
  Figures figures{total_, longest_};
  if (in_run_) {
    const Duration open = std::max(Duration::zero(), now - anchor_);
    figures.total += open;
    figures.longest = std::max(figures.longest, open);
  }
  return figures;
}

bool OutageTracker::settled(std::uint16_t seq) const {
  return started_ && serial_difference(seq, next_) < 0;
}

bool OutageTracker::in_block(std::uint16_t seq) const {
  const Block* const end = blocks_.begin() + block_count_;
  return std::any_of(blocks_.begin(), end, [seq](const Block& b) {
    return serial_difference(seq, b.first) >= 0 && serial_difference(b.last, seq) >= 0;
  });
}

// Adds seq to the block it extends (merging two blocks when it fills the gap between them).
// True also when seq is already in a block; false when it needs a block of its own.
bool OutageTracker::join_block(std::uint16_t seq, MonoTime arrival) {
  if (in_block(seq)) return true;
  for (std::size_t i = 0; i < block_count_; ++i) {
    Block& block = blocks_[i];
    if (seq == after(block.last)) {
      block.last = seq;
      block.last_arrival = arrival;
      if (i + 1 < block_count_ && blocks_[i + 1].first == after(seq)) {
        block.last = blocks_[i + 1].last;
        block.last_arrival = blocks_[i + 1].last_arrival;
        remove_block(i + 1);
      }
      return true;
    }
    if (after(seq) == block.first) {
      block.first = seq;
      block.first_arrival = arrival;
      return true;
    }
  }
  return false;
}

void OutageTracker::insert_block(std::uint16_t seq, MonoTime arrival) {
  std::size_t at = 0;
  while (at < block_count_ && serial_difference(blocks_[at].first, seq) < 0) ++at;
  std::copy_backward(blocks_.begin() + at, blocks_.begin() + block_count_,
                     blocks_.begin() + block_count_ + 1);
  blocks_[at] = Block{seq, seq, arrival, arrival};
  ++block_count_;
}

void OutageTracker::remove_block(std::size_t index) {
  std::copy(blocks_.begin() + index + 1, blocks_.begin() + block_count_, blocks_.begin() + index);
  --block_count_;
}

void OutageTracker::settle_first_block() {
  const Block block = blocks_[0];
  if (in_run_) close_run(block.first_arrival);
  anchor_ = block.last_arrival;
  next_ = after(block.last);
  started_ = true;
  remove_block(0);
}

// The buffer is full: the undecided probes before the lowest block are taken as lost.
void OutageTracker::settle_first_block_early() {
  if (started_ && blocks_[0].first != next_) in_run_ = true;
  settle_first_block();
}

void OutageTracker::settle_ready_blocks() {
  while (block_count_ > 0 && started_ && blocks_[0].first == next_) settle_first_block();
}

void OutageTracker::close_run(MonoTime arrival) {
  const Duration outage = std::max(Duration::zero(), arrival - anchor_);
  total_ += outage;
  longest_ = std::max(longest_, outage);
  in_run_ = false;
}

}  // namespace bp
