// MLLP framing under random streams: FrameDecoder against a reference model that reads one byte
// at a time and is simple enough to be obviously right.
//
// Streams mix valid frames, garbage, stray 0x0B / 0x1C / 0x0D bytes, frames without their end and
// frames around the size limit; each is fed whole, one byte at a time, cut in two at every byte
// and cut at random. The decoder must give exactly the model's frames and oversize errors (with
// their offsets), the model's skipped-byte count after every read, and never hold more than the
// limit plus the envelope of one unfinished frame.
//
// Deterministic: fixed seeds. FERRY_MUTATION_ROUNDS=N runs N rounds (default 1), each with new
// streams from the next seed, for a long soak by hand.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "channels/mllp/frame_decoder.h"
#include "tests/support/mutation_rounds.h"

using ferry::mllp::encodeFrame;
using ferry::mllp::FrameDecoder;

// Named, not anonymous: the unity build puts several test files in one translation unit.
namespace frame_decoder_mutation {

using ferry::test::mutationRounds;

// What a reader of the stream gets: a frame's payload, or an oversize frame at an offset.
struct Delivery {
  bool oversize = false;
  std::string frame;
  std::uint64_t offset = 0;

  bool operator==(const Delivery&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Delivery& d) {
  if (d.oversize) return out << "oversize@" << d.offset;
  return out << "frame(" << d.frame.size() << " bytes)";
}

// The framing rules, one byte at a time: 0x0B starts a frame (dropping an unfinished one),
// 0x1C 0x0D ends it, 0x1C followed by anything else is payload, a payload longer than the limit
// is reported once and skipped up to the next 0x0B or 0x1C 0x0D, and bytes outside frames are
// skipped.
class ReferenceFraming {
 public:
  explicit ReferenceFraming(std::size_t limit) : limit_(limit) {}

  void feed(std::string_view bytes) {
    for (char c : bytes) {
      byte(c);
      ++offset_;
    }
  }
  std::vector<Delivery> take() { return std::exchange(out_, {}); }
  std::uint64_t skipped() const { return skipped_; }
  bool inFrame() const { return state_ == InFrame || state_ == SawEnd; }

 private:
  enum State { Idle, InFrame, SawEnd, Discard, DiscardSawEnd };

  void byte(char c) {
    switch (state_) {
      case Idle:
        if (c == '\x0B') start();
        else ++skipped_;
        return;
      case InFrame:
        if (c == '\x0B') {
          skipped_ += 1 + payload_.size();
          start();
        } else if (c == '\x1C') {
          state_ = SawEnd;
        } else {
          add(c);
        }
        return;
      case SawEnd:
        if (c == '\x0D') {
          out_.push_back({false, payload_, 0});
          payload_.clear();
          state_ = Idle;
          return;
        }
        state_ = InFrame;
        add('\x1C');  // the 0x1C was payload; c is read again in whatever state that left
        byte(c);
        return;
      case Discard:
        if (c == '\x0B') {
          start();
        } else {
          ++skipped_;
          if (c == '\x1C') state_ = DiscardSawEnd;
        }
        return;
      case DiscardSawEnd:
        state_ = Discard;
        if (c == '\x0D') {
          ++skipped_;
          state_ = Idle;
          return;
        }
        byte(c);
        return;
    }
  }

  void start() {
    payload_.clear();
    start_offset_ = offset_;
    state_ = InFrame;
  }

  void add(char c) {
    payload_ += c;
    if (payload_.size() <= limit_) return;
    skipped_ += 1 + payload_.size();
    payload_.clear();
    out_.push_back({true, {}, start_offset_});
    state_ = Discard;
  }

  std::size_t limit_;
  State state_ = Idle;
  std::string payload_;
  std::uint64_t offset_ = 0;
  std::uint64_t start_offset_ = 0;
  std::uint64_t skipped_ = 0;
  std::vector<Delivery> out_;
};

std::vector<Delivery> drain(FrameDecoder& decoder) {
  std::vector<Delivery> out;
  std::string frame;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    if (decoder.next(frame)) {
      out.push_back({false, frame, 0});
    } else if (decoder.error()) {
      out.push_back({true, {}, decoder.error()->offset});
      decoder.clearError();
    } else {
      break;
    }
  }
  return out;
}

// Feeds stream in pieces of the given sizes (the rest in one piece) to a decoder and to the
// model, and compares them after every piece.
void expectSameAsModel(const std::string& stream, std::size_t limit, const std::vector<std::size_t>& cuts,
                       const std::string& what) {
  FrameDecoder decoder(limit);
  ReferenceFraming model(limit);
  std::vector<Delivery> got;
  std::vector<Delivery> expected;
  std::uint64_t delivered = 0;  // payload and envelope bytes of delivered frames
  std::size_t pos = 0;
  std::size_t largestPiece = 0;
  for (std::size_t k = 0; pos < stream.size(); ++k) {
    const std::size_t n = k < cuts.size() ? std::min(cuts[k], stream.size() - pos) : stream.size() - pos;
    const std::string_view piece(stream.data() + pos, n);
    pos += n;
    largestPiece = std::max(largestPiece, n);
    decoder.feed(piece);
    model.feed(piece);
    for (Delivery& d : drain(decoder)) {
      if (!d.oversize) delivered += d.frame.size() + 3;
      got.push_back(std::move(d));
    }
    for (Delivery& d : model.take()) expected.push_back(std::move(d));
    ASSERT_EQ(decoder.skippedBytes(), model.skipped()) << what << ", after byte " << pos;
    ASSERT_EQ(decoder.inFrame(), model.inFrame()) << what << ", after byte " << pos;
    ASSERT_EQ(decoder.bytesFed(), pos) << what;
    // What is neither delivered nor skipped is the unfinished frame: its start block, at most
    // limit payload bytes and a 0x1C that may yet end it.
    const std::uint64_t buffered = decoder.bytesFed() - decoder.skippedBytes() - delivered;
    ASSERT_LE(buffered, limit + 2) << what << ", after byte " << pos;
  }
  ASSERT_EQ(got, expected) << what;
}

// Random bytes where the three framing bytes are common.
std::string garbage(std::mt19937& random, std::size_t n) {
  static constexpr char kAlphabet[] = {'\x0B', '\x1C', '\x0D', 'M', 'S', 'H', '|', '\n', '\0', '\xFF'};
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += random() % 3 == 0 ? kAlphabet[random() % std::size(kAlphabet)] : static_cast<char>(random() % 256);
  }
  return out;
}

// Payload of a frame: mostly text, with some 0x1C and 0x0D that do not end it.
std::string payload(std::mt19937& random, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned r = random() % 40;
    out += r == 0 ? '\x1C' : r == 1 ? '\x0D' : static_cast<char>('A' + random() % 26);
  }
  // A 0x1C right before the end block would be read as the end: keep the frame what it says.
  while (!out.empty() && out.back() == '\x1C') out.back() = 'x';
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '\x1C' && out[i + 1] == '\x0D') out[i + 1] = 'y';
  }
  return out;
}

// A stream of valid frames, garbage, cut-off frames and frames of limit-1, limit and limit+1
// payload bytes.
std::string randomStream(std::mt19937& random, std::size_t limit, std::size_t pieces) {
  std::string stream;
  for (std::size_t i = 0; i < pieces; ++i) {
    switch (random() % 7) {
      case 0: stream += garbage(random, random() % 12); break;
      case 1: stream += "\x0B" + payload(random, random() % (limit + 1)); break;  // no end block
      case 2: stream += encodeFrame(payload(random, limit - 1 + random() % 3)); break;
      case 3: stream += std::string(1, "\x0B\x1C\x0D"[random() % 3]); break;
      default: stream += encodeFrame(payload(random, random() % (limit + 1))); break;
    }
  }
  return stream;
}

std::vector<std::size_t> randomCuts(std::mt19937& random, std::size_t size) {
  std::vector<std::size_t> cuts;
  for (std::size_t total = 0; total < size;) {
    cuts.push_back(1 + random() % 40);
    total += cuts.back();
  }
  return cuts;
}


TEST(FrameDecoderMutation, RandomStreamsGiveTheModelsFramesHoweverTheyAreCut) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  std::size_t streams = 0;
  for (int round = 0; round < mutationRounds(); ++round) {
    std::mt19937 random(20261127u + static_cast<unsigned>(round));
    for (int s = 0; s < 2000 && std::chrono::steady_clock::now() < deadline; ++s, ++streams) {
      const std::size_t limit = 1 + random() % 48;
      const std::string stream = randomStream(random, limit, 1 + random() % 12);
      const std::string what = "round " + std::to_string(round) + ", stream " + std::to_string(s);
      expectSameAsModel(stream, limit, {}, what + " whole");
      expectSameAsModel(stream, limit, std::vector<std::size_t>(stream.size(), 1), what + " byte by byte");
      expectSameAsModel(stream, limit, randomCuts(random, stream.size()), what + " random cuts");
      if (HasFatalFailure()) return;
    }
  }
  RecordProperty("streams", static_cast<int>(streams));
}

TEST(FrameDecoderMutation, EveryTwoPieceSplitGivesTheModelsFrames) {
  std::mt19937 random(4711);
  for (int s = 0; s < 200 * mutationRounds(); ++s) {
    const std::size_t limit = 8 + random() % 24;
    const std::string stream = randomStream(random, limit, 6);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      expectSameAsModel(stream, limit, {cut}, "stream " + std::to_string(s) + " cut at " + std::to_string(cut));
      if (HasFatalFailure()) return;
    }
  }
}

TEST(FrameDecoderMutation, AFramingByteAtEveryPositionGivesTheModelsFrames) {
  const std::string clean = "junk" + encodeFrame("MSH|^~\\&|LAB\rPID|1\r") + encodeFrame("") +
                            encodeFrame(std::string(20, 'z')) + "\r\n";
  for (std::size_t limit : {19u, 20u, 21u, 64u}) {
    for (char framing : {'\x0B', '\x1C', '\x0D'}) {
      for (std::size_t at = 0; at <= clean.size(); ++at) {
        std::string inserted = clean;
        inserted.insert(at, 1, framing);
        std::string replaced = clean;
        if (at < clean.size()) replaced[at] = framing;
        const std::string where = "limit " + std::to_string(limit) + ", byte " + std::to_string(at) + " = " +
                                  std::to_string(static_cast<int>(framing));
        expectSameAsModel(inserted, limit, {}, "inserted, " + where);
        expectSameAsModel(inserted, limit, std::vector<std::size_t>(inserted.size(), 1), "inserted 1 by 1, " + where);
        expectSameAsModel(replaced, limit, {}, "replaced, " + where);
        expectSameAsModel(replaced, limit, {at}, "replaced, cut there, " + where);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(FrameDecoderMutation, FramesAroundTheLimitInEveryCutAreDeliveredOrReportedOnce) {
  for (std::size_t limit : {1u, 2u, 16u, 255u}) {
    for (std::size_t size : {limit - 1, limit, limit + 1}) {
      const std::string stream = encodeFrame(std::string(size, 'a')) + encodeFrame("n");
      for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        expectSameAsModel(stream, limit, {cut},
                          "limit " + std::to_string(limit) + ", payload " + std::to_string(size));
        if (HasFatalFailure()) return;
      }
      // The decisive check against the model itself: the frame at the limit arrives, one past
      // it does not.
      ReferenceFraming model(limit);
      model.feed(stream);
      const std::vector<Delivery> out = model.take();
      ASSERT_EQ(out.size(), 2u);
      EXPECT_EQ(out[0].oversize, size > limit);
      EXPECT_EQ(out[1], (Delivery{false, "n", 0}));
    }
  }
}

}  // namespace frame_decoder_mutation
