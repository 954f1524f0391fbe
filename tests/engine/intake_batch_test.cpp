// Hl7Intake::receiveAll, what the MLLP event loop calls with the frames that arrived together:
// one transaction for the batch, yet each message gets its own ACK and its own row, as if it had
// come alone (a real SQLite file).
#include <gtest/gtest.h>

#include "engine/runtime/hl7_intake.h"
#include "engine/runtime/processor.h"
#include "engine/store/group_committer.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/engine/engine_fixture.h"

using namespace ferry;
using ferry::test::TempFolder;

namespace {

std::string adt(const std::string& control_id) {
  return "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261126||ADT^A08|" + control_id + "|P|2.5\rPID|1||P-" +
         control_id + "||Test^Batch\rPV1|1|O\r";
}

runtime::ChannelConfig labToHospitalAcking(const std::string& ack_mode) {
  runtime::ChannelConfig channel = test::labToHospital();
  channel.ack_mode = ack_mode;
  return channel;
}

struct IntakeFolder {
  explicit IntakeFolder(const std::string& ack_mode = "on_commit") : channel(labToHospitalAcking(ack_mode)) {}
  TempFolder dir;
  std::unique_ptr<store::Store> store = store::openSqliteStore(dir.path() + "/ferry.db");
  store::GroupCommitter committer{*store, store::GroupCommitter::Options{256, /*inline_writes=*/true}};
  runtime::EventBus bus;
  const runtime::InboundDecoder decoder{nullptr};
  const runtime::ChannelConfig channel;
  const runtime::MessageRouter router{{channel}, nullptr};
  runtime::Processor processor{*store, bus, decoder, router, nullptr};  // not started: queues only
  runtime::Hl7Intake intake{channel, /*duplicate_window_ms=*/60'000, *store, committer, processor, bus};
};

}  // namespace

TEST(IntakeBatch, EachMessageOfABatchGetsItsOwnAckAndRowFromOneTransaction) {
  IntakeFolder f;
  const auto before = f.store->transactionsCommitted();
  const auto acks = f.intake.receiveAll({adt("B1"), "NOT HL7 AT ALL", adt("B2"), adt("B1")});
  ASSERT_EQ(acks.size(), 4u);
  for (const auto& ack : acks) ASSERT_TRUE(ack.has_value());
  EXPECT_NE(acks[0]->find("\rMSA|AA|B1"), std::string::npos) << *acks[0];
  EXPECT_NE(acks[1]->find("\rMSA|AR|"), std::string::npos) << *acks[1];
  EXPECT_NE(acks[2]->find("\rMSA|AA|B2"), std::string::npos) << *acks[2];
  // A repeat within the same batch is caught too: the check sees the rows of its own transaction.
  EXPECT_NE(acks[3]->find("\rMSA|AA|B1"), std::string::npos) << *acks[3];
  EXPECT_NE(acks[3]->find("duplicate"), std::string::npos) << *acks[3];

  // The batch's insert, and the unparseable message marked errored after it.
  EXPECT_EQ(f.store->transactionsCommitted(), before + 2);
  auto counts = f.store->countMessagesByStatus();
  EXPECT_EQ(counts["received"], 2);
  EXPECT_EQ(counts["errored"], 1);
  EXPECT_EQ(f.processor.queued(), 2u) << "B1 and B2 wait for processing, the repeat does not";
}

TEST(IntakeBatch, AnAfterParseBatchIsProcessedInOneTransactionAndEachAckSaysWhatItsMessageGot) {
  IntakeFolder f("after_parse");
  const auto before = f.store->transactionsCommitted();
  const std::string no_results =
      "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261126||ORU^R01|D2|P|2.5\rPID|1||P-D2||Test^Batch\r";
  const auto acks = f.intake.receiveAll({adt("D1"), no_results, adt("D3"), adt("D1")});
  ASSERT_EQ(acks.size(), 4u);
  for (const auto& ack : acks) ASSERT_TRUE(ack.has_value());
  EXPECT_NE(acks[0]->find("\rMSA|AA|D1"), std::string::npos) << *acks[0];
  EXPECT_NE(acks[1]->find("\rMSA|AE|D2"), std::string::npos) << *acks[1];
  EXPECT_NE(acks[1]->find("\rERR|"), std::string::npos) << "the AE says why: " << *acks[1];
  EXPECT_NE(acks[2]->find("\rMSA|AA|D3"), std::string::npos) << *acks[2];
  EXPECT_NE(acks[3]->find("duplicate"), std::string::npos) << *acks[3];

  // The batch's insert and one transaction for the three outcomes (a transaction each before).
  EXPECT_EQ(f.store->transactionsCommitted(), before + 2);
  auto counts = f.store->countMessagesByStatus();
  EXPECT_EQ(counts["received"], 0) << "processed before the ACKs";
  EXPECT_EQ(counts["processed"], 2);
  EXPECT_EQ(counts["errored"], 1);
  EXPECT_EQ(f.store->countDeliveriesByStatus()["pending"], 2) << "D1 and D3, in their order, to the hospital";
  EXPECT_EQ(f.processor.queued(), 0u);
}

TEST(IntakeBatch, NothingIsAcknowledgedWhenTheBatchCannotBeCommitted) {
  IntakeFolder f;
  f.committer.stop();
  EXPECT_THROW(f.intake.receiveAll({adt("C1"), adt("C2")}), store::StoreError);
  auto counts = f.store->countMessagesByStatus();
  EXPECT_EQ(counts["received"], 0);
}
