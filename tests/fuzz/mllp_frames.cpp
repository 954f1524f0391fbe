// Fuzz target: MLLP frame decoding (channels/mllp/frame_decoder.h) as a listener sees it, the
// bytes arriving in pieces of any size. Fed in pieces or all at once, the decoder gives the same
// frames and oversize errors in the same order, the same skipped-byte count and the same
// unfinished frame at the end; every byte fed is accounted for (frame, envelope, skipped or
// still buffered); no frame is longer than the limit; a frame encoded with encodeFrame() of a
// payload without control bytes decodes to that payload.
//
// Input: byte 0 picks the frame limit (0 = the default, else 1..255 bytes), then each piece is
// a length byte (0..63) and that many bytes, until the input ends.

#include <vector>

#include "channels/mllp/frame_decoder.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using ferry::mllp::FrameDecoder;

struct Decoded {
  std::vector<std::string> items;  // frames, and "!offset" for each oversize frame
  std::uint64_t payload_bytes = 0;
  std::uint64_t errors = 0;
};

// Takes every ready frame and error out of the decoder.
void drain(FrameDecoder& decoder, Decoded& out) {
  std::string frame;
  for (;;) {
    if (decoder.next(frame)) {
      ferry::fuzz::check(frame.size() <= decoder.maxFrameBytes(), "a frame longer than the limit");
      out.payload_bytes += frame.size();
      out.items.push_back(frame);
      continue;
    }
    if (!decoder.error()) return;
    out.items.push_back("!" + std::to_string(decoder.error()->offset));
    ++out.errors;
    decoder.clearError();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ferry::fuzz::Bytes bytes(data, size);
  const std::uint8_t limit_byte = bytes.take();
  const std::size_t limit = limit_byte == 0 ? FrameDecoder::kDefaultMaxFrameBytes : limit_byte;
  std::vector<std::string_view> pieces;
  std::string whole;
  for (std::string_view rest = bytes.rest(); !rest.empty();) {
    const std::size_t n = std::min<std::size_t>(static_cast<std::uint8_t>(rest[0]) % 64, rest.size() - 1);
    pieces.push_back(rest.substr(1, n));
    whole.append(rest.substr(1, n));
    rest.remove_prefix(1 + n);
  }

  FrameDecoder chunked(limit);
  Decoded in_pieces;
  for (std::string_view piece : pieces) {
    chunked.feed(piece);
    drain(chunked, in_pieces);
  }
  FrameDecoder at_once(limit);
  Decoded whole_decoded;
  at_once.feed(whole);
  drain(at_once, whole_decoded);

  ferry::fuzz::check(in_pieces.items == whole_decoded.items, "frames fed in pieces differ from frames fed at once");
  ferry::fuzz::check(chunked.skippedBytes() == at_once.skippedBytes(), "skipped bytes differ with the pieces");
  ferry::fuzz::check(chunked.inFrame() == at_once.inFrame(), "the unfinished frame differs with the pieces");
  ferry::fuzz::check(chunked.bytesFed() == whole.size(), "bytesFed() is not what was fed");
  // Each delivered frame took 3 envelope bytes; what is left is skipped or still buffered
  // (an unfinished frame, its start block and maybe its end block).
  const std::uint64_t frames = in_pieces.items.size() - in_pieces.errors;
  const std::uint64_t accounted = in_pieces.payload_bytes + 3 * frames + chunked.skippedBytes();
  ferry::fuzz::check(accounted <= whole.size(), "more bytes accounted for than were fed");
  if (!chunked.inFrame()) {
    ferry::fuzz::check(accounted == whole.size(), "bytes fed that are neither frame, envelope nor skipped");
  }

  // A payload without control bytes goes through encodeFrame() and back unchanged.
  std::string payload;
  for (char c : whole) {
    if (c != ferry::mllp::kStartBlock && c != ferry::mllp::kEndBlock) payload += c;
  }
  if (payload.size() <= limit) {
    FrameDecoder round_trip(limit);
    round_trip.feed(ferry::mllp::encodeFrame(payload));
    std::string frame;
    ferry::fuzz::check(round_trip.next(frame) && frame == payload, "an encoded frame does not decode to its payload");
  }
  return 0;
}
