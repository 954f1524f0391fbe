// The response batch to a batch received in one piece: headers answered field by field, the
// ACKs in order, trailer counts and the comment, in the received delimiters.
#include "parsers/hl7v2/batch_ack.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/hl7v2/splitter.h"

using namespace ferry::hl7v2;

namespace {

std::vector<std::string> segmentsOf(const std::string& batch) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  for (std::size_t end = batch.find('\r'); end != std::string::npos; end = batch.find('\r', begin)) {
    out.push_back(batch.substr(begin, end - begin));
    begin = end + 1;
  }
  EXPECT_EQ(begin, batch.size()) << "every segment ends in \\r";
  return out;
}

const std::string kAck1 = "MSH|^~\\&|ELR|DOH|LAB|NORTH|20261128||ACK^R01^ACK|F1|P|2.5.1\rMSA|AA|M1\r";
const std::string kAck2 = "MSH|^~\\&|ELR|DOH|LAB|NORTH|20261128||ACK^R01^ACK|F2|P|2.5.1\rMSA|AE|M2\r";

}  // namespace

TEST(BatchAck, AnswersFileAndBatchHeadersWithSenderAndReceiverSwapped) {
  const ReceivedBatch received{"FHS|^~\\&|LAB|NORTH|ELR|DOH|20261128||elr.hl7||FILE-7",
                               "BHS|^~\\&|LAB|NORTH|ELR|DOH|20261128||||BATCH-3"};
  const std::string batch = buildBatchAck(received, {kAck1, kAck2}, "", "FERRY-B1", "20261128120000+0000");
  const auto segments = segmentsOf(batch);
  ASSERT_EQ(segments.size(), 8u) << batch;
  EXPECT_EQ(segments[0], "FHS|^~\\&|ELR|DOH|LAB|NORTH|20261128120000+0000|||||FERRY-B1|FILE-7");
  EXPECT_EQ(segments[1], "BHS|^~\\&|ELR|DOH|LAB|NORTH|20261128120000+0000|||||FERRY-B1|BATCH-3");
  EXPECT_EQ(segments[2] + "\r" + segments[3] + "\r", kAck1);
  EXPECT_EQ(segments[4] + "\r" + segments[5] + "\r", kAck2);
  EXPECT_EQ(segments[6], "BTS|2");
  EXPECT_EQ(segments[7], "FTS|1");

  // Ferry's own splitter reads it back as a batch of the two ACKs, counts agreeing.
  Splitter splitter{std::string_view(batch)};
  SplitItem item;
  std::vector<std::string> messages;
  while (splitter.next(item)) {
    ASSERT_NE(item.kind, SplitItem::Kind::Error) << item.error->describe();
    if (item.kind == SplitItem::Kind::Message) messages.emplace_back(item.bytes);
  }
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].substr(messages[1].find("MSA")), "MSA|AE|M2\r");
}

TEST(BatchAck, ABatchWithoutFileHeaderHasNoFileTrailerAndTheCommentIsEscaped) {
  const ReceivedBatch received{"", "BHS#*@!$#LAB#NORTH#ELR#DOH"};
  const std::string batch =
      buildBatchAck(received, {}, "BTS-1 declares 3 # 2 read", "FERRY-B2", "20261128120000+0000");
  const auto segments = segmentsOf(batch);
  ASSERT_EQ(segments.size(), 2u) << batch;
  EXPECT_EQ(segments[0], "BHS#*@!$#ELR#DOH#LAB#NORTH#20261128120000+0000#####FERRY-B2#");
  EXPECT_EQ(segments[1], "BTS#0#BTS-1 declares 3 !F! 2 read") << "the field separator escaped";
}

TEST(BatchAck, IsBatchLooksAtTheFirstSegmentOnly) {
  EXPECT_TRUE(isBatch("FHS|^~\\&|A"));
  EXPECT_TRUE(isBatch("BHS|^~\\&|A"));
  EXPECT_FALSE(isBatch("MSH|^~\\&|A\rBHS|^~\\&"));
  EXPECT_FALSE(isBatch("FHS"));
}

TEST(BatchAck, AFileWithoutBatchHeaderIsAnsweredWithAnEmptyBatchHeader) {
  const ReceivedBatch received{"FHS|^~\\&|LAB|NORTH|ELR|DOH|20261128||||FILE-7", ""};
  const auto segments = segmentsOf(buildBatchAck(received, {kAck1}, "", "FERRY-B3", "20261128120000+0000"));
  ASSERT_EQ(segments.size(), 6u);
  EXPECT_EQ(segments[0], "FHS|^~\\&|ELR|DOH|LAB|NORTH|20261128120000+0000|||||FERRY-B3|FILE-7");
  EXPECT_EQ(segments[1], "BHS|^~\\&|||||20261128120000+0000|||||FERRY-B3|");
  EXPECT_EQ(segments[4], "BTS|1");
  EXPECT_EQ(segments[5], "FTS|1");
}
