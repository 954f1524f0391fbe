// A batch (FHS/BHS ... BTS/FTS) sent in one MLLP frame: every message stored, processed and
// forwarded as if it had come alone, and one response batch with their ACKs on the wire.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/runtime/engine.h"
#include "parsers/hl7v2/splitter.h"
#include "tests/engine/engine_fixture.h"
#include "tests/support/run.h"

// A named namespace: the unity build joins this file with others' helpers of the same names.
namespace batch_intake_test {

using namespace ferry;
using test::StandInReceiver;
using test::TempFolder;

struct Quiet {
  runtime::JsonLog log{"/dev/null"};
};

std::string oru(const std::string& id, const std::string& accept = "") {
  return "MSH|^~\\&|NORTHLAB|NORTH|STATEELR|DOH|20261128||ORU^R01|" + id + "|P|2.5.1||" +
         (accept.empty() ? "|" : "|" + accept + "|NE") + "\rPID|1||P-" + id +
         "^^^NORTH^MR||Test^Batch\rOBR|1||R-" + id +
         "|2345-7^Glucose^LN\rOBX|1|NM|2345-7^Glucose^LN||95|mg/dL|||||F\r";
}

const std::string kAdtWithoutPv1 = "MSH|^~\\&|NORTHLAB|NORTH|STATEELR|DOH|20261128||ADT^A01|BAD1|P|2.5.1\rPID|1||X\r";

std::string batch(const std::vector<std::string>& messages, const std::string& declared) {
  std::string out = "FHS|^~\\&|NORTHLAB|NORTH|STATEELR|DOH|20261128||elr.hl7||FILE-9\r"
                    "BHS|^~\\&|NORTHLAB|NORTH|STATEELR|DOH|20261128||||BATCH-4\r";
  for (const auto& m : messages) out += m;
  return out + "BTS|" + declared + "\rFTS|1\r";
}

// The response to one frame, split into its envelope segments and messages.
struct Response {
  std::vector<std::string> envelope;
  std::vector<std::string> msa;  // each ACK's MSA segment
};

Response send(int port, const std::string& frame) {
  mllp::SenderConfig config;
  config.host = "127.0.0.1";
  config.port = static_cast<std::uint16_t>(port);
  mllp::Sender sender(config, [](std::string_view) {});
  const auto result = sender.send(frame, std::chrono::seconds(10));
  EXPECT_EQ(result.status, mllp::SendStatus::Acked) << result.error;
  Response r;
  hl7v2::Splitter splitter{std::string_view(result.response)};
  hl7v2::SplitItem item;
  while (splitter.next(item)) {
    if (item.kind == hl7v2::SplitItem::Kind::Envelope) r.envelope.emplace_back(item.bytes);
    if (item.kind != hl7v2::SplitItem::Kind::Message) continue;
    auto ack = hl7v2::Message::parse(item.bytes);
    if (ack) r.msa.push_back(std::string(ack->segment(ack->findSegment("MSA")).raw()));
  }
  return r;
}

TEST(BatchIntake, EveryMessageOfABatchFrameIsStoredProcessedAndAnsweredInOneResponseBatch) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port(), "after_parse"), quiet.log);
  engine.start();
  const Response r = send(engine.port("lab"), batch({oru("M1"), kAdtWithoutPv1, oru("M2")}, "3"));
  ASSERT_EQ(r.envelope.size(), 4u);
  EXPECT_EQ(r.envelope[0].substr(0, 26), "FHS|^~\\&|STATEELR|DOH|NORT");
  EXPECT_EQ(r.envelope[0].substr(r.envelope[0].rfind('|')), "|FILE-9") << "FHS-12 names the file answered";
  EXPECT_EQ(r.envelope[1].substr(r.envelope[1].rfind('|')), "|BATCH-4");
  EXPECT_EQ(r.envelope[2], "BTS|3");
  EXPECT_EQ(r.envelope[3], "FTS|1");
  ASSERT_EQ(r.msa.size(), 3u);
  EXPECT_EQ(r.msa[0], "MSA|AA|M1");
  EXPECT_EQ(r.msa[1], "MSA|AE|BAD1");
  EXPECT_EQ(r.msa[2], "MSA|AA|M2");

  const auto counts = engine.store().countMessagesByStatus();
  EXPECT_EQ(counts.at("processed"), 2);
  EXPECT_EQ(counts.at("errored"), 1);
  ASSERT_TRUE(hospital.waitFor(2));
  EXPECT_NE(hospital.frames()[0].find("|M1|"), std::string::npos) << "each message forwarded on its own, in order";
  EXPECT_NE(hospital.frames()[1].find("|M2|"), std::string::npos);
  engine.stop();
}

TEST(BatchIntake, TrailerCountsThatDisagreeAreTheResponsesBatchComment) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port(), "on_commit"), quiet.log);
  engine.start();
  const Response r = send(engine.port("lab"), batch({oru("M1"), oru("M2")}, "5"));
  ASSERT_EQ(r.msa.size(), 2u);
  ASSERT_GE(r.envelope.size(), 3u);
  EXPECT_EQ(r.envelope[2], "BTS|2|BTS-1 declares 5 messages but the batch holds 2");
  // Read once: on_commit processing moves messages from received to processed meanwhile.
  std::int64_t stored = 0;
  for (const auto& [status, count] : engine.store().countMessagesByStatus()) stored += count;
  EXPECT_EQ(stored, 2);
  engine.stop();
}

TEST(BatchIntake, WithAcceptAcksAsRequestedOnlyTheAcksTheMessagesAskForAreInTheBatch) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::EngineConfig config = test::labConfig(dir, hospital.port(), "after_parse");
  config.channels[0].source.accept_acks = "as_requested";
  runtime::Engine engine(config, quiet.log);
  engine.start();
  // ER: an ACK only on error. Two good messages and one bad: the batch reports the exception.
  std::string bad = kAdtWithoutPv1;
  bad.replace(bad.find("|P|2.5.1"), 8, "|P|2.5.1|||ER|NE");
  const Response r = send(engine.port("lab"), batch({oru("M1", "ER"), bad, oru("M2", "ER")}, "3"));
  ASSERT_EQ(r.msa.size(), 1u);
  EXPECT_EQ(r.msa[0], "MSA|CE|BAD1");
  ASSERT_GE(r.envelope.size(), 3u);
  EXPECT_EQ(r.envelope[2], "BTS|1");
  EXPECT_EQ(engine.store().countMessagesByStatus().at("processed"), 2);
  engine.stop();
}

TEST(BatchIntake, FerrySendBatchFrameSendsAFileWholeAndPrintsTheResponseBatchsAcks) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port(), "after_parse"), quiet.log);
  engine.start();
  // Line feeds, as an editor saves a batch file: sent as \r.
  std::string file = batch({oru("M1"), kAdtWithoutPv1}, "3");
  for (char& c : file) c = c == '\r' ? '\n' : c;
  dir.write("elr.hl7", file);
  const auto r = test::run(test::ferryCommand("send --mllp 127.0.0.1:" + std::to_string(engine.port("lab")) +
                                              " --batch-frame " + dir.path() + "/elr.hl7"));
  EXPECT_EQ(r.status, 1) << "one message was refused: " << r.err;
  EXPECT_EQ(r.out, "MSA|AA|M1\nMSA|AE|BAD1\n");
  EXPECT_NE(r.err.find("the receiver says of the batch: BTS-1 declares 3 messages but the batch holds 2"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(engine.store().countMessagesByStatus().at("processed"), 1);
  engine.stop();
}

}  // namespace batch_intake_test
