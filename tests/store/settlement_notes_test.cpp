// Notes of sent deliveries (noteSettlement): what a worker that settles in batches leaves for
// recovery when it is killed mid-batch. Recovery settles what was noted and re-sends only the
// rest; a note never settles anything but the claim it was made for. The store is closed
// without settling to stand in for the kill; the notes live in plain files beside the database.

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

class SettlementNotesTest : public StoreTest {
 protected:
  // `n` deliveries to "lab/hospital", each of its own message, claimed in FIFO order.
  std::vector<DeliveryRecord> claimed(int n) {
    for (int i = 0; i < n; ++i) {
      const auto id = store->insertReceived(sampleMessage("N" + std::to_string(++counter_))).id;
      store->markProcessedAndRoute(id, "{}", {{"lab/hospital", "payload"}});
    }
    return store->claimDue("lab/hospital", clock.now(), static_cast<std::size_t>(n));
  }
  std::filesystem::path notesFolder() const { return path() + "-sent"; }
  std::vector<std::filesystem::path> noteFiles() const {
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::is_directory(notesFolder())) return files;
    for (const auto& e : std::filesystem::directory_iterator(notesFolder()))
      files.push_back(e.path());
    return files;
  }
  std::size_t emptyNoteFiles() const {
    std::size_t empty = 0;
    for (const auto& file : noteFiles()) empty += std::filesystem::file_size(file) == 0 ? 1 : 0;
    return empty;
  }
  // The process dies: nothing is settled, nothing is flushed on purpose. Then the next start.
  std::size_t crashAndRecover() {
    reopen();
    return store->recoverInFlight();
  }

  int counter_ = 0;
};

TEST_F(SettlementNotesTest, RecoverySettlesWhatWasNotedAndResendsOnlyTheRest) {
  const auto c = claimed(3);
  ASSERT_EQ(c.size(), 3u);
  const std::string ack = "MSH|^~\\&|HIS\rMSA|AA|N1\r";
  EXPECT_TRUE(store->noteSettlement(c[0], DeliverySettlement::delivered(c[0].id, ack)));
  EXPECT_TRUE(
      store->noteSettlement(c[1], DeliverySettlement::retry(c[1].id, clock.now() + 5'000, "AE")));
  // c[2] was on the wire at the kill: no note.

  EXPECT_EQ(crashAndRecover(), 1u);  // only c[2] goes again
  const auto first = store->delivery(c[0].id);
  EXPECT_EQ(first->status, DeliveryStatus::Delivered);
  EXPECT_EQ(first->response, ack);
  EXPECT_EQ(first->attempts, 1);
  const auto second = store->delivery(c[1].id);
  EXPECT_EQ(second->status, DeliveryStatus::Pending);
  EXPECT_EQ(second->next_attempt_at_ms, clock.now() + 5'000);
  EXPECT_EQ(second->last_error, "AE");
  EXPECT_EQ(store->delivery(c[2].id)->status, DeliveryStatus::Pending);
  EXPECT_TRUE(noteFiles().empty());  // used once, then gone
  // FIFO still holds: c[1] waits for its retry, c[2] behind it.
  EXPECT_TRUE(store->claimDue("lab/hospital", clock.now(), 10).empty());
}

TEST_F(SettlementNotesTest, ASettledBatchLeavesNothingToRecover) {
  const auto c = claimed(2);
  store->noteSettlement(c[0], DeliverySettlement::delivered(c[0].id, "ack"));
  store->noteSettlement(c[1], DeliverySettlement::dead(c[1].id, "10 attempts"));
  store->settleDeliveries({DeliverySettlement::delivered(c[0].id, "ack"),
                           DeliverySettlement::dead(c[1].id, "10 attempts")});
  for (const auto& file : noteFiles()) EXPECT_EQ(std::filesystem::file_size(file), 0u) << file;

  // The operator requeues the dead one; it is claimed again and the process dies while it is
  // on the wire. The old note (dead) must not settle the new claim: it is sent again.
  clock.advance(10);
  ASSERT_TRUE(store->requeue(c[1].id, "test"));
  ASSERT_EQ(store->claimDue("lab/hospital", clock.now(), 10).size(), 1u);
  EXPECT_EQ(crashAndRecover(), 1u);
  EXPECT_EQ(store->delivery(c[1].id)->status, DeliveryStatus::Pending);
  EXPECT_EQ(store->delivery(c[0].id)->status, DeliveryStatus::Delivered);
}

TEST_F(SettlementNotesTest, ANoteNeverSettlesALaterClaimOfTheSameDelivery) {
  const auto c = claimed(1);
  store->noteSettlement(c[0], DeliverySettlement::delivered(c[0].id, "ack"));
  reopen();  // killed with the note on disk; this start skips recovery (as a tool would)
  ASSERT_EQ(store->release({c[0].id}), 1u);
  clock.advance(10);
  const auto again = store->claimDue("lab/hospital", clock.now(), 1);
  ASSERT_EQ(again.size(), 1u);
  ASSERT_EQ(again[0].attempts, c[0].attempts);  // same attempt count, a different claim

  EXPECT_EQ(crashAndRecover(), 1u);
  EXPECT_EQ(store->delivery(c[0].id)->status, DeliveryStatus::Pending);
}

TEST_F(SettlementNotesTest, ATornNoteEndsItsFileAndCostsOnlyADuplicate) {
  const auto c = claimed(2);
  store->noteSettlement(c[0], DeliverySettlement::delivered(c[0].id, "ack one"));
  store->noteSettlement(c[1], DeliverySettlement::delivered(c[1].id, "ack two"));
  const auto files = noteFiles();
  ASSERT_EQ(files.size(), 1u);
  const auto size = std::filesystem::file_size(files[0]);
  std::filesystem::resize_file(files[0], size - 3);  // the second record half-written

  EXPECT_EQ(crashAndRecover(), 1u);
  EXPECT_EQ(store->delivery(c[0].id)->status, DeliveryStatus::Delivered);
  EXPECT_EQ(store->delivery(c[1].id)->status, DeliveryStatus::Pending);
}

TEST_F(SettlementNotesTest, GarbageInTheNotesFolderSettlesNothing) {
  const auto c = claimed(1);
  store->noteSettlement(c[0], DeliverySettlement::delivered(c[0].id, "ack"));
  const auto files = noteFiles();
  ASSERT_EQ(files.size(), 1u);
  {
    std::fstream file(files[0], std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(12);
    file.put('\x7f');  // one flipped byte inside the record: its checksum no longer matches
  }
  EXPECT_EQ(crashAndRecover(), 1u);
  EXPECT_EQ(store->delivery(c[0].id)->status, DeliveryStatus::Pending);
}

TEST_F(SettlementNotesTest, EachDestinationKeepsItsOwnNotes) {
  const auto lab = claimed(1);
  const auto id = store->insertReceived(sampleMessage("OTHER")).id;
  store->markProcessedAndRoute(id, "{}", {{"lab/archive", "payload"}});
  const auto archive = store->claimDue("lab/archive", clock.now(), 1);
  ASSERT_EQ(archive.size(), 1u);
  store->noteSettlement(lab[0], DeliverySettlement::delivered(lab[0].id, "a"));
  store->noteSettlement(archive[0], DeliverySettlement::delivered(archive[0].id, "b"));
  EXPECT_EQ(noteFiles().size(), 2u);
  // Settling one destination's batch empties its file only.
  store->settleDeliveries({DeliverySettlement::delivered(lab[0].id, "a")});
  EXPECT_EQ(emptyNoteFiles(), 1u);
  EXPECT_EQ(crashAndRecover(), 0u);
  EXPECT_EQ(store->delivery(archive[0].id)->status, DeliveryStatus::Delivered);
  EXPECT_EQ(store->delivery(archive[0].id)->response, "b");
}

TEST_F(SettlementNotesTest, WorkersOfOneDestinationEachEmptyTheirOwnFile) {
  // An unordered destination with two connections: two workers note into the same queue. Each
  // writes its own file, so one worker's settled batch empties its file even while the other's
  // notes are still outstanding (a shared file would only be emptied when both were idle).
  const auto c = claimed(2);
  store->noteSettlement(c[0], DeliverySettlement::delivered(c[0].id, "first worker"));
  std::thread([&] {
    store->noteSettlement(c[1], DeliverySettlement::delivered(c[1].id, "second worker"));
  }).join();
  ASSERT_EQ(noteFiles().size(), 2u);
  store->settleDeliveries({DeliverySettlement::delivered(c[0].id, "first worker")});
  EXPECT_EQ(emptyNoteFiles(), 1u);
  // Killed now: the second worker's note settles its delivery, nothing is sent again.
  EXPECT_EQ(crashAndRecover(), 0u);
  EXPECT_EQ(store->delivery(c[1].id)->status, DeliveryStatus::Delivered);
  EXPECT_EQ(store->delivery(c[1].id)->response, "second worker");
}

TEST_F(SettlementNotesTest, ANoteMustDescribeTheClaimedDelivery) {
  const auto c = claimed(2);
  EXPECT_THROW(store->noteSettlement(c[0], DeliverySettlement::delivered(c[1].id, {})),
               std::invalid_argument);
  DeliverySettlement in_flight = DeliverySettlement::delivered(c[0].id, {});
  in_flight.status = DeliveryStatus::InFlight;
  EXPECT_THROW(store->noteSettlement(c[0], in_flight), std::invalid_argument);
  EXPECT_TRUE(noteFiles().empty());
}

}  // namespace
}  // namespace ferry::store::test
