// MLLP framing: what FrameDecoder makes of byte streams cut at every possible place.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "channels/mllp/frame_decoder.h"

using ferry::mllp::encodeFrame;
using ferry::mllp::FrameDecoder;

namespace {

const std::string kFramedMessage = "MSH|^~\\&|LAB|NORTH|HIS|CITY|20261120||ORU^R01|NL-1|P|2.5.1\rPID|1||MRN1\r";

std::vector<std::string> drain(FrameDecoder& decoder) {
  std::vector<std::string> frames;
  std::string frame;
  while (decoder.next(frame)) frames.push_back(frame);
  return frames;
}

// Every byte fed is delivered, part of an envelope, still buffered, or counted as skipped.
void expectAccounted(const FrameDecoder& decoder, const std::vector<std::string>& delivered, std::uint64_t buffered) {
  std::uint64_t total = decoder.skippedBytes() + buffered;
  for (const auto& f : delivered) total += f.size() + 3;
  EXPECT_EQ(total, decoder.bytesFed());
}

}  // namespace

TEST(EncodeFrame, WrapsPayloadInStartAndEndBlocks) {
  EXPECT_EQ(encodeFrame("MSH|x"), std::string("\x0BMSH|x\x1C\x0D"));
  EXPECT_EQ(encodeFrame(""), std::string("\x0B\x1C\x0D"));
}

TEST(FrameDecoder, DecodesOneFrameFromOneRead) {
  FrameDecoder decoder;
  decoder.feed(encodeFrame(kFramedMessage));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], kFramedMessage);
  EXPECT_FALSE(decoder.inFrame());
  EXPECT_EQ(decoder.skippedBytes(), 0u);
}

TEST(FrameDecoder, DecodesAFrameSplitIntoSingleBytes) {
  FrameDecoder decoder;
  const std::string wire = encodeFrame(kFramedMessage);
  std::vector<std::string> frames;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    decoder.feed(wire.data() + i, 1);
    auto got = drain(decoder);
    if (i + 1 < wire.size()) {
      EXPECT_TRUE(got.empty()) << "frame delivered early at byte " << i;
      EXPECT_TRUE(decoder.inFrame());
    }
    frames.insert(frames.end(), got.begin(), got.end());
  }
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], kFramedMessage);
}

TEST(FrameDecoder, DecodesSeveralFramesFromOneRead) {
  FrameDecoder decoder;
  decoder.feed(encodeFrame("one") + encodeFrame("two") + encodeFrame("") + encodeFrame("four"));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"one", "two", "", "four"}));
}

TEST(FrameDecoder, KeepsTheEndBlockSplitAcrossReads) {
  FrameDecoder decoder;
  decoder.feed(std::string("\x0B" "abc\x1C"));
  EXPECT_TRUE(drain(decoder).empty());
  decoder.feed(std::string("\x0D\x0B" "de"));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"abc"}));
  EXPECT_TRUE(decoder.inFrame());
}

TEST(FrameDecoder, SkipsAndCountsBytesBeforeAStartBlock) {
  FrameDecoder decoder;
  decoder.feed(std::string("GET / HTTP/1.1\r\n\r\n") + encodeFrame("msg") + "\r\n" + encodeFrame("next"));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"msg", "next"}));
  EXPECT_EQ(decoder.skippedBytes(), 18u + 2u);
}

TEST(FrameDecoder, TreatsEndBlockWithoutCarriageReturnAsPayload) {
  FrameDecoder decoder;
  decoder.feed(std::string("\x0B" "a\x1C" "b\x1C\x0D"));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{std::string("a\x1C" "b")}));
}

TEST(FrameDecoder, DropsAFrameWithoutEndBlockWhenTheNextStartBlockArrives) {
  FrameDecoder decoder;
  decoder.feed(std::string("\x0B" "lost message"));
  EXPECT_TRUE(drain(decoder).empty());
  EXPECT_TRUE(decoder.inFrame());
  decoder.feed(encodeFrame("kept"));
  const auto frames = drain(decoder);
  EXPECT_EQ(frames, (std::vector<std::string>{"kept"}));
  EXPECT_EQ(decoder.skippedBytes(), 1u + 12u);
  expectAccounted(decoder, frames, 0);
}

TEST(FrameDecoder, WaitsForAMissingEndBlock) {
  FrameDecoder decoder;
  decoder.feed(std::string("\x0B") + kFramedMessage);
  EXPECT_TRUE(drain(decoder).empty());
  EXPECT_TRUE(decoder.inFrame());
  expectAccounted(decoder, {}, 1 + kFramedMessage.size());
}

TEST(FrameDecoder, AcceptsAFrameExactlyAtTheLimit) {
  FrameDecoder decoder(10);
  decoder.feed(encodeFrame("0123456789"));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"0123456789"}));
  EXPECT_FALSE(decoder.error());
}

TEST(FrameDecoder, ReportsAnOversizeFrameAsSoonAsItCrossesTheLimit) {
  FrameDecoder decoder(10);
  decoder.feed(std::string("xx\x0B" "0123456789A"));  // no end block yet
  std::string frame;
  EXPECT_FALSE(decoder.next(frame));
  ASSERT_TRUE(decoder.error());
  EXPECT_EQ(decoder.error()->limit, 10u);
  EXPECT_EQ(decoder.error()->offset, 2u);
  EXPECT_FALSE(decoder.inFrame());  // nothing of it is buffered
}

TEST(FrameDecoder, ResyncsAfterAnOversizeFrame) {
  FrameDecoder decoder(10);
  const std::string big(1000, 'x');
  decoder.feed(encodeFrame("before") + std::string("\x0B") + big);
  decoder.feed(big + "\x1C\x0D" + "junk" + encodeFrame("after"));
  std::string frame;
  ASSERT_TRUE(decoder.next(frame));
  EXPECT_EQ(frame, "before");
  EXPECT_FALSE(decoder.next(frame));
  ASSERT_TRUE(decoder.error());
  EXPECT_FALSE(decoder.next(frame)) << "frames after an error wait until it is cleared";
  decoder.clearError();
  ASSERT_TRUE(decoder.next(frame));
  EXPECT_EQ(frame, "after");
  EXPECT_EQ(decoder.skippedBytes(), 1u + 2000u + 2u + 4u);
}

TEST(FrameDecoder, ResyncsAtAStartBlockInsideAnOversizeFrame) {
  FrameDecoder decoder(4);
  decoder.feed(std::string("\x0B" "toolong") + encodeFrame("ok"));
  std::string frame;
  EXPECT_FALSE(decoder.next(frame));
  decoder.clearError();
  ASSERT_TRUE(decoder.next(frame));
  EXPECT_EQ(frame, "ok");
}

TEST(FrameDecoder, GivesTheSameFramesHoweverTheStreamIsCut) {
  std::string stream = "noise";
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    std::string payload = kFramedMessage + std::to_string(i) + std::string(static_cast<std::size_t>(i * 7), 'z');
    stream += encodeFrame(payload);
    expected.push_back(payload);
    if (i % 5 == 0) stream += "\r\n";
  }
  std::mt19937 random(20261120);  // fixed seed: the same cuts on every run
  for (int round = 0; round < 200; ++round) {
    FrameDecoder decoder;
    std::vector<std::string> frames;
    std::size_t pos = 0;
    while (pos < stream.size()) {
      const std::size_t n = std::min<std::size_t>(stream.size() - pos, 1 + random() % 97);
      decoder.feed(stream.data() + pos, n);
      pos += n;
      auto got = drain(decoder);
      frames.insert(frames.end(), got.begin(), got.end());
    }
    ASSERT_EQ(frames, expected) << "round " << round;
    EXPECT_EQ(decoder.skippedBytes(), 5u + 10u * 2u);
    expectAccounted(decoder, frames, 0);
  }
}

TEST(FrameDecoder, ResetForgetsBufferedBytes) {
  FrameDecoder decoder;
  decoder.feed(std::string("\x0B" "half"));
  decoder.reset();
  EXPECT_FALSE(decoder.inFrame());
  decoder.feed(std::string("rest\x1C\x0D") + encodeFrame("whole"));
  EXPECT_EQ(drain(decoder), (std::vector<std::string>{"whole"}));
}
