#include "channels/mllp/frame_decoder.h"

#include <cstring>
#include <utility>

namespace ferry::mllp {

namespace {

const char* find(const char* p, std::size_t n, char c) {
  return n == 0 ? nullptr : static_cast<const char*>(std::memchr(p, c, n));
}

}  // namespace

std::string encodeFrame(std::string_view payload) {
  std::string frame;
  frame.reserve(payload.size() + 3);
  frame += kStartBlock;
  frame.append(payload);
  frame += kEndBlock;
  frame += kCarriageReturn;
  return frame;
}

FrameDecoder::FrameDecoder(std::size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

void FrameDecoder::feed(const char* data, std::size_t size) {
  std::size_t pos = 0;
  while (pos < size) {
    const char* p = data + pos;
    const std::size_t n = size - pos;
    std::size_t used = 0;
    switch (state_) {
      case State::Idle: used = scanIdle(p, n); break;
      case State::InFrame:
      case State::SawEndBlock: used = scanFrame(p, n); break;
      case State::Discarding:
      case State::DiscardingSawEndBlock: used = scanDiscarding(p, n); break;
    }
    pos += used;
    fed_ += used;  // scanners compute stream offsets from fed_
  }
}

bool FrameDecoder::next(std::string& frame) {
  if (error_ || ready_.empty()) return false;
  Item& item = ready_.front();
  if (item.error) {
    error_ = item.error;
    ready_.pop_front();
    return false;
  }
  frame = std::move(item.frame);
  ready_.pop_front();
  return true;
}

void FrameDecoder::clearError() { error_.reset(); }

void FrameDecoder::reset() {
  state_ = State::Idle;
  current_.clear();
  ready_.clear();
  error_.reset();
}

std::size_t FrameDecoder::scanIdle(const char* p, std::size_t n) {
  const char* start = find(p, n, kStartBlock);
  if (start == nullptr) {
    skipped_ += n;
    return n;
  }
  const std::size_t k = static_cast<std::size_t>(start - p);
  skipped_ += k;
  startFrame(fed_ + k);
  return k + 1;
}

std::size_t FrameDecoder::scanFrame(const char* p, std::size_t n) {
  if (state_ == State::SawEndBlock) {
    if (p[0] == kCarriageReturn) {
      ready_.push_back(Item{std::move(current_), std::nullopt});
      current_ = std::string();
      state_ = State::Idle;
      return 1;
    }
    // 0x1C without 0x0D is payload, not an end block.
    state_ = State::InFrame;
    append(&kEndBlock, 1);
    return 0;
  }
  const char* end = find(p, n, kEndBlock);
  const std::size_t span = end != nullptr ? static_cast<std::size_t>(end - p) : n;
  if (const char* start = find(p, span, kStartBlock)) {
    // A new start block before the end block: the unfinished frame lost its end; drop it.
    const std::size_t k = static_cast<std::size_t>(start - p);
    if (current_.size() + k > max_frame_bytes_) {
      append(p, k);  // too large before it was cut off: report it, however the reads fell
      return k;      // the discarding scan starts the next frame at the start block
    }
    skipped_ += 1 + current_.size() + k;
    startFrame(fed_ + k);
    return k + 1;
  }
  append(p, span);
  if (end == nullptr) return n;
  if (state_ != State::InFrame) return span;  // became oversize: the discarding scan takes the 0x1C
  state_ = State::SawEndBlock;
  return span + 1;
}

std::size_t FrameDecoder::scanDiscarding(const char* p, std::size_t n) {
  if (state_ == State::DiscardingSawEndBlock) {
    state_ = State::Discarding;
    if (p[0] == kCarriageReturn) {
      ++skipped_;
      state_ = State::Idle;
      return 1;
    }
    return 0;
  }
  const char* end = find(p, n, kEndBlock);
  const std::size_t span = end != nullptr ? static_cast<std::size_t>(end - p) : n;
  if (const char* start = find(p, span, kStartBlock)) {
    const std::size_t k = static_cast<std::size_t>(start - p);
    skipped_ += k;
    startFrame(fed_ + k);
    return k + 1;
  }
  if (end == nullptr) {
    skipped_ += n;
    return n;
  }
  skipped_ += span + 1;
  state_ = State::DiscardingSawEndBlock;
  return span + 1;
}

void FrameDecoder::startFrame(std::uint64_t offset) {
  current_.clear();
  current_offset_ = offset;
  state_ = State::InFrame;
}

void FrameDecoder::append(const char* p, std::size_t n) {
  if (current_.size() + n <= max_frame_bytes_) {
    current_.append(p, n);
    return;
  }
  skipped_ += 1 + current_.size() + n;  // the start block, what was buffered, and this piece
  current_ = std::string();             // release the memory, not just the size
  ready_.push_back(Item{std::string(), FrameError{max_frame_bytes_, current_offset_}});
  state_ = State::Discarding;
}

}  // namespace ferry::mllp
