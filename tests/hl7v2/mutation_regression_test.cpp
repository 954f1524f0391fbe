// What the mutation tests (mutation_robustness_test.cpp) found, each minimised to the bytes
// that show it and kept here as a named case, so that it stays fixed without the random rounds.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/splitter.h"

namespace ferry::hl7v2 {
namespace {

struct Item {
  SplitItem::Kind kind;
  std::string bytes;
  std::string error;
};

std::vector<Item> splitItems(Splitter& splitter) {
  std::vector<Item> items;
  SplitItem item;
  for (int guard = 0; guard < 100 && splitter.next(item); ++guard) {
    items.push_back({item.kind, std::string(item.bytes), item.error ? item.error->text : ""});
  }
  return items;
}

// An MLLP frame over the message limit holding two messages, then a message after it. The
// istream splitter used to resume at the second MSH inside the frame when the limit was crossed
// before the end block was read (small chunks), but skip the frame when the end block came in
// the same read (in memory, large chunks): the frame's inside became a message or not
// depending on how the stream was cut.
TEST(MutationRegression, OversizedFrameIsDroppedWholeHoweverTheStreamIsRead) {
  const std::string first = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\r";
  const std::string second = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|2|P|2.5\r";
  const std::string after = "MSH|^~\\&|A|B|C|D|2026||ADT^A01|3|P|2.5\r";
  const std::string input = "\x0B" + first + second + "\x1C\r" + after;
  Limits limits;
  limits.max_message_bytes = 64;
  Splitter in_memory{std::string_view(input), limits};
  const std::vector<Item> expected = splitItems(in_memory);
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(expected[0].kind, SplitItem::Kind::Error);
  EXPECT_NE(expected[0].error.find("exceeds the limit of 64 bytes"), std::string::npos);
  EXPECT_EQ(expected[1].kind, SplitItem::Kind::Message);
  EXPECT_EQ(expected[1].bytes, after);
  for (std::size_t chunk = 1; chunk <= input.size() + 1; ++chunk) {
    std::istringstream stream(input);
    Splitter streamed(stream, limits, chunk);
    const std::vector<Item> items = splitItems(streamed);
    ASSERT_EQ(items.size(), expected.size()) << "chunk " << chunk;
    for (std::size_t i = 0; i < items.size(); ++i) {
      EXPECT_EQ(items[i].kind, expected[i].kind) << "chunk " << chunk << ", item " << i;
      EXPECT_EQ(items[i].bytes, expected[i].bytes) << "chunk " << chunk << ", item " << i;
    }
  }
}

// The same frame with no end block at all: one error, and nothing of its inside as a message.
TEST(MutationRegression, OversizedFrameWithoutEndBlockGivesOneError) {
  const std::string input = "\x0B" "MSH|^~\\&|A|B|C|D|2026||ADT^A01|1|P|2.5\r"
                            "MSH|^~\\&|A|B|C|D|2026||ADT^A01|2|P|2.5\r";
  Limits limits;
  limits.max_message_bytes = 64;
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{1} << 16}) {
    std::istringstream stream(input);
    Splitter streamed(stream, limits, chunk);
    const std::vector<Item> items = splitItems(streamed);
    ASSERT_EQ(items.size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(items[0].kind, SplitItem::Kind::Error);
  }
  Splitter in_memory{std::string_view(input), limits};
  const std::vector<Item> items = splitItems(in_memory);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, SplitItem::Kind::Error);
}

}  // namespace
}  // namespace ferry::hl7v2
