// firstInvalidUtf8 (engine/canonical/utf8.h) skips ASCII 16 and 8 bytes at a time: whatever the
// text's length and wherever a multi-byte sequence or a bad byte sits, it must answer what a walk
// over one sequence at a time answers, and read nothing past the text (each text here ends at
// the end of its own heap block, so a read past it fails under ASan).
#include "engine/canonical/utf8.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

using ferry::canonical::firstInvalidUtf8;
using ferry::canonical::utf8SequenceAt;

namespace {

std::size_t sequenceBySequence(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t size = utf8SequenceAt(text, at);
    if (size == 0) return at;
    at += size;
  }
  return at;
}

// "abc..." of length n with insert written over it from position at (cut at n).
std::string textWith(std::size_t n, std::size_t at, std::string_view insert) {
  std::string text;
  for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
  for (std::size_t i = 0; i < insert.size() && at + i < n; ++i) text[at + i] = insert[i];
  return text;
}

}  // namespace

TEST(Utf8, FirstInvalidByteIsFoundAtEveryLengthAndPosition) {
  // A bad byte, a valid two- and three-byte sequence, a sequence cut short, an overlong form.
  const std::string_view inserts[] = {"\xff", "\xc3\xa9", "\xe2\x82\xac", "\xe2\x82", "\xc0\xaf"};
  for (std::size_t n = 1; n <= 48; ++n) {
    for (std::size_t at = 0; at < n; ++at) {
      for (const std::string_view insert : inserts) {
        const std::string text = textWith(n, at, insert);
        const auto block = std::make_unique<char[]>(n);
        text.copy(block.get(), n);
        const std::string_view exact(block.get(), n);
        EXPECT_EQ(firstInvalidUtf8(exact), sequenceBySequence(exact))
            << "length " << n << ", position " << at << ", insert of " << insert.size();
      }
    }
  }
}
