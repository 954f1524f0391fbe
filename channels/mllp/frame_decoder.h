#pragma once
// MLLP framing (HL7 v2 "Minimal Lower Layer Protocol"): a frame is 0x0B, the payload, 0x1C 0x0D.
// FrameDecoder turns a byte stream that arrives in arbitrary pieces into frames: several frames
// in one read and one frame over many reads both work. It never holds more than max_frame_bytes
// of an unfinished frame, so a hostile peer cannot make it allocate without end.
//
// Every byte fed ends up in exactly one place: a delivered frame, its envelope, the frame still
// being read, or skippedBytes() -- junk before a start block, an unfinished frame cut off by a new
// start block, and the bytes of an oversize frame.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::mllp {

inline constexpr char kStartBlock = '\x0B';
inline constexpr char kEndBlock = '\x1C';
inline constexpr char kCarriageReturn = '\x0D';

// The frame for a payload: 0x0B payload 0x1C 0x0D.
std::string encodeFrame(std::string_view payload);

// A frame that grew past the limit. It is not delivered; the decoder skips its remaining bytes
// and resumes at the next start block.
struct FrameError {
  std::size_t limit = 0;       // max_frame_bytes at the time
  std::uint64_t offset = 0;    // stream offset of the frame's start block
};

class FrameDecoder {
 public:
  static constexpr std::size_t kDefaultMaxFrameBytes = 16 * 1024 * 1024;

  explicit FrameDecoder(std::size_t max_frame_bytes = kDefaultMaxFrameBytes);

  void feed(const char* data, std::size_t size);
  void feed(std::string_view bytes) { feed(bytes.data(), bytes.size()); }

  // Moves the next complete payload (without envelope) into frame. False when no frame is ready:
  // either more bytes are needed, or the next item in the stream is an oversize frame, which
  // error() then describes until clearError() is called (frames after it stay queued).
  bool next(std::string& frame);
  const std::optional<FrameError>& error() const { return error_; }
  void clearError();

  // A complete frame (or an oversize frame's error) is waiting to be taken with next().
  bool hasQueued() const { return !ready_.empty(); }
  // A start block has been read and its frame is not complete yet.
  bool inFrame() const { return state_ == State::InFrame || state_ == State::SawEndBlock; }
  std::uint64_t skippedBytes() const { return skipped_; }
  std::uint64_t bytesFed() const { return fed_; }
  std::size_t maxFrameBytes() const { return max_frame_bytes_; }

  // Forgets everything buffered (e.g. when a connection is replaced); counters are kept.
  void reset();

 private:
  enum class State { Idle, InFrame, SawEndBlock, Discarding, DiscardingSawEndBlock };
  struct Item {
    std::string frame;
    std::optional<FrameError> error;
  };

  // Each returns the number of bytes of [p, p+n) it consumed.
  std::size_t scanIdle(const char* p, std::size_t n);
  std::size_t scanFrame(const char* p, std::size_t n);
  std::size_t scanDiscarding(const char* p, std::size_t n);
  void startFrame(std::uint64_t offset);
  // Adds to the current frame; past the limit the frame becomes an error and the rest is skipped.
  void append(const char* p, std::size_t n);

  std::size_t max_frame_bytes_;
  State state_ = State::Idle;
  std::string current_;
  std::uint64_t current_offset_ = 0;
  std::deque<Item> ready_;
  std::optional<FrameError> error_;
  std::uint64_t skipped_ = 0;
  std::uint64_t fed_ = 0;
};

}  // namespace ferry::mllp
