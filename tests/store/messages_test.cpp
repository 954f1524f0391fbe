// Messages after they are stored: duplicate detection, processing outcomes, restart recovery,
// listing and counts.

#include "tests/store/store_test_support.h"

namespace ferry::store::test {
namespace {

// The intakes ask the insert itself to check (NewMessage::duplicate_since_ms), so that the
// check and the insert are one transaction.
NewMessage withDuplicateCheck(NewMessage message, std::int64_t since_ms) {
  message.duplicate_since_ms = since_ms;
  return message;
}

TEST_F(StoreTest, AnInsertWithADuplicateCheckStoresNothingForARepeatWithinTheWindow) {
  const ReceivedId first = store->insertReceived(withDuplicateCheck(sampleMessage("C1", 10'000), 5'000));
  EXPECT_FALSE(first.duplicate);

  const ReceivedId repeat = store->insertReceived(withDuplicateCheck(sampleMessage("C1", 12'000), 7'000));
  EXPECT_TRUE(repeat.duplicate);
  EXPECT_EQ(repeat.id, first.id);
  EXPECT_EQ(store->countMessagesByStatus()["received"], 1);

  // Outside the window (the first arrived before it began), from another sender, or without a
  // control id: stored.
  const ReceivedId late = store->insertReceived(withDuplicateCheck(sampleMessage("C1", 20'000), 10'001));
  EXPECT_FALSE(late.duplicate);
  EXPECT_GT(late.id, first.id);
  EXPECT_FALSE(store->insertReceived(withDuplicateCheck(sampleMessage("C1", 20'000, "OTHER^HOSP"), 0)).duplicate);
  EXPECT_FALSE(store->insertReceived(withDuplicateCheck(sampleMessage("", 20'000), 0)).duplicate);
  EXPECT_FALSE(store->insertReceived(withDuplicateCheck(sampleMessage("", 20'000), 0)).duplicate);
  EXPECT_EQ(store->countMessagesByStatus()["received"], 5);
}

TEST_F(StoreTest, TheDuplicateWindowIncludesItsStart) {
  const auto id = store->insertReceived(sampleMessage("C1", 10'000)).id;
  EXPECT_EQ(store->insertReceived(withDuplicateCheck(sampleMessage("C1", 11'000), 10'000)),
            (ReceivedId{id, true}));
  EXPECT_FALSE(store->insertReceived(withDuplicateCheck(sampleMessage("C1", 11'000), 10'001)).duplicate);
  EXPECT_FALSE(store->insertReceived(withDuplicateCheck(sampleMessage("C2", 11'000), 0)).duplicate);
}

TEST_F(StoreTest, ARepeatIsADuplicateOfTheNewestCopy) {
  store->insertReceived(sampleMessage("C1", 10'000));
  const auto newer = store->insertReceived(sampleMessage("C1", 20'000)).id;
  EXPECT_EQ(store->insertReceived(withDuplicateCheck(sampleMessage("C1", 30'000), 0)),
            (ReceivedId{newer, true}));
}

TEST_F(StoreTest, TwoCopiesInOneBatchAreStoredOnce) {
  const std::vector<NewMessage> batch{withDuplicateCheck(sampleMessage("C1", 10'000), 0),
                                      withDuplicateCheck(sampleMessage("C2", 10'000), 0),
                                      withDuplicateCheck(sampleMessage("C1", 10'001), 0)};
  const std::vector<ReceivedId> ids = store->insertReceivedBatch(batch);
  ASSERT_EQ(ids.size(), 3U);
  EXPECT_FALSE(ids[0].duplicate);
  EXPECT_FALSE(ids[1].duplicate);
  EXPECT_EQ(ids[2], (ReceivedId{ids[0].id, true}));
  EXPECT_EQ(store->countMessagesByStatus()["received"], 2);
}

TEST_F(StoreTest, MarkProcessedStoresCanonicalJson) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  clock.advance(5);
  EXPECT_TRUE(store->markProcessed(id, R"({"format":"ferry.canonical/v1"})"));

  auto record = store->message(id);
  EXPECT_EQ(record->status, MessageStatus::Processed);
  EXPECT_EQ(record->canonical_json, R"({"format":"ferry.canonical/v1"})");
  EXPECT_EQ(record->updated_at_ms, clock.now());
  EXPECT_TRUE(store->deliveriesFor(id).empty());
}

TEST_F(StoreTest, MarkErroredKeepsTheReason) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  EXPECT_TRUE(store->markErrored(id, "MSH-9 missing (segment 1, field 9)"));
  auto record = store->message(id);
  EXPECT_EQ(record->status, MessageStatus::Errored);
  EXPECT_EQ(record->error, "MSH-9 missing (segment 1, field 9)");
}

TEST_F(StoreTest, AnErroredMessageCanBeProcessedLater) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  ASSERT_TRUE(store->markErrored(id, "code table missing"));
  EXPECT_TRUE(store->markProcessed(id, "{}"));
  auto record = store->message(id);
  EXPECT_EQ(record->status, MessageStatus::Processed);
  EXPECT_FALSE(record->error.has_value());
}

TEST_F(StoreTest, MarkFilteredKeepsTheReason) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  EXPECT_TRUE(store->markFiltered(id, "rule drop-test-patients"));
  auto record = store->message(id);
  EXPECT_EQ(record->status, MessageStatus::Filtered);
  EXPECT_EQ(record->error, "rule drop-test-patients");
}

TEST_F(StoreTest, AnErroredOrFilteredMessageIsReopenedForReprocessingWithTheOperatorsNote) {
  const auto errored = store->insertReceived(sampleMessage("C1")).id;
  ASSERT_TRUE(store->markErrored(errored, "no route for ORU^R01"));
  const auto filtered = store->insertReceived(sampleMessage("C2")).id;
  ASSERT_TRUE(store->markFiltered(filtered, "rule drop-test-patients"));
  clock.advance(5'000);

  ASSERT_TRUE(store->reopenForReprocessing(errored, "by ops: mapping fixed"));
  auto record = store->message(errored);
  EXPECT_EQ(record->status, MessageStatus::Received);
  EXPECT_FALSE(record->error.has_value());
  EXPECT_FALSE(record->canonical_json.has_value());
  EXPECT_EQ(record->updated_at_ms, clock.now());
  const std::vector<Event> events = store->eventsFor(errored);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "reprocess");
  EXPECT_EQ(events.back().detail, "by ops: mapping fixed");
  EXPECT_EQ(events.back().channel, record->channel);
  // Received again: restart recovery finds it, and processing records its new outcome.
  EXPECT_EQ(store->messagesWithStatus(MessageStatus::Received, 10).size(), 1u);
  EXPECT_TRUE(store->markProcessedAndRoute(errored, "{}", {{"lab-out", std::nullopt}}));

  EXPECT_TRUE(store->reopenForReprocessing(filtered, "by ops"));
  EXPECT_EQ(store->message(filtered)->status, MessageStatus::Received);
}

TEST_F(StoreTest, OnlyErroredOrFilteredMessagesAreReopened) {
  const auto processed = store->insertReceived(sampleMessage("C1")).id;
  ASSERT_TRUE(store->markProcessedAndRoute(processed, "{}", {{"lab-out", std::nullopt}}));
  const auto received = store->insertReceived(sampleMessage("C2")).id;
  const auto events_before = store->eventsFor(processed).size();

  // A processed message has its deliveries already (requeue those instead); a received one is
  // still owed processing.
  EXPECT_FALSE(store->reopenForReprocessing(processed, "by ops"));
  EXPECT_FALSE(store->reopenForReprocessing(received, "by ops"));
  EXPECT_FALSE(store->reopenForReprocessing(999, "by ops"));
  EXPECT_EQ(store->message(processed)->status, MessageStatus::Processed);
  EXPECT_EQ(store->eventsFor(processed).size(), events_before);
  EXPECT_EQ(store->deliveriesFor(processed).size(), 1u);
}

TEST_F(StoreTest, AMessageIsRoutedAtMostOnce) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  EXPECT_TRUE(store->markProcessedAndRoute(id, "{}", {{"lab-out", std::nullopt}}));
  EXPECT_FALSE(store->markProcessedAndRoute(id, "{}", {{"lab-out", std::nullopt}}));
  EXPECT_FALSE(store->markErrored(id, "late"));
  EXPECT_EQ(store->deliveriesFor(id).size(), 1u);
  EXPECT_EQ(store->message(id)->status, MessageStatus::Processed);
}

TEST_F(StoreTest, StatusChangesOfAnUnknownMessageReturnFalse) {
  EXPECT_FALSE(store->markProcessed(999, "{}"));
  EXPECT_FALSE(store->markErrored(999, "x"));
  EXPECT_FALSE(store->markFiltered(999, "x"));
}

TEST_F(StoreTest, ProcessingAndRoutingIsAllOrNothing) {
  const auto id = store->insertReceived(sampleMessage("C1")).id;
  // The second delivery breaks a constraint (no destination): nothing of the call remains.
  EXPECT_THROW(store->markProcessedAndRoute(id, "{}", {{"lab-out", "A"}, {"", "B"}}), StoreError);
  EXPECT_EQ(store->message(id)->status, MessageStatus::Received);
  EXPECT_TRUE(store->deliveriesFor(id).empty());
}

TEST_F(StoreTest, ReceivedMessagesAreListedOldestFirstForRecovery) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(store->insertReceived(sampleMessage(std::to_string(i))).id);
  store->markProcessed(ids[1], "{}");
  store->markErrored(ids[3], "bad");

  reopen();  // as after a crash
  auto received = store->messagesWithStatus(MessageStatus::Received, 10);
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].id, ids[0]);
  EXPECT_EQ(received[1].id, ids[2]);
  EXPECT_EQ(received[2].id, ids[4]);

  auto page = store->messagesWithStatus(MessageStatus::Received, 2, ids[0]);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ids[2]);
  EXPECT_EQ(page[1].id, ids[4]);
}

TEST_F(StoreTest, ListMessagesFindsAControlIdFromAnySenderNewestFirst) {
  const auto first = store->insertReceived(sampleMessage("CTRL-7", 1'000, "LAB^HOSP")).id;
  store->insertReceived(sampleMessage("CTRL-8", 2'000, "LAB^HOSP"));
  NewMessage other = sampleMessage("CTRL-7", 3'000, "RAD^HOSP");
  other.channel = "rad-in";
  const auto second = store->insertReceived(other).id;
  store->insertReceived(sampleMessage("CTRL-70", 4'000));
  ASSERT_TRUE(store->markErrored(second, "bad"));

  MessageFilter filter;
  filter.control_id = "CTRL-7";
  auto found = store->listMessages(filter);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].id, second);
  EXPECT_EQ(found[1].id, first);
  EXPECT_EQ(found[1].control_id, "CTRL-7");

  // With the other filters: the channel, the status.
  filter.channel = "lab-in";
  found = store->listMessages(filter);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, first);
  filter.channel.reset();
  filter.status = MessageStatus::Errored;
  found = store->listMessages(filter);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, second);

  filter.status.reset();
  filter.control_id = "CTRL-9";
  EXPECT_TRUE(store->listMessages(filter).empty());
}

TEST_F(StoreTest, ListMessagesFiltersAndPagesNewestFirst) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 6; ++i) {
    NewMessage message = sampleMessage(std::to_string(i));
    message.channel = i % 2 == 0 ? "lab-in" : "adt-in";
    ids.push_back(store->insertReceived(message).id);
  }
  store->markErrored(ids[4], "bad");

  MessageFilter lab_filter;
  lab_filter.channel = "lab-in";
  auto lab = store->listMessages(lab_filter);
  ASSERT_EQ(lab.size(), 3u);
  EXPECT_EQ(lab[0].id, ids[4]);
  EXPECT_EQ(lab[2].id, ids[0]);

  MessageFilter errored_filter;
  errored_filter.status = MessageStatus::Errored;
  auto errored = store->listMessages(errored_filter);
  ASSERT_EQ(errored.size(), 1u);
  EXPECT_EQ(errored[0].id, ids[4]);

  MessageFilter page;
  page.limit = 4;
  auto first_page = store->listMessages(page);
  ASSERT_EQ(first_page.size(), 4u);
  page.before_id = first_page.back().id;
  auto second_page = store->listMessages(page);
  ASSERT_EQ(second_page.size(), 2u);
  EXPECT_EQ(second_page[0].id, ids[1]);
  EXPECT_EQ(second_page[1].id, ids[0]);
}

TEST_F(StoreTest, APausedChannelStaysPausedAcrossARestartAndEachChangeIsOnRecord) {
  EXPECT_TRUE(store->pausedChannels().empty());
  EXPECT_TRUE(store->setChannelPaused("lab", true, "by ops: hospital maintenance"));
  EXPECT_FALSE(store->setChannelPaused("lab", true, "again"));  // no change, no event
  EXPECT_TRUE(store->setChannelPaused("adt", true, "by ops"));
  EXPECT_TRUE(store->setChannelPaused("adt", false, "by ops: done"));
  reopen();
  EXPECT_EQ(store->pausedChannels(), (std::set<std::string>{"lab"}));

  const std::vector<Event> lab = store->channelEvents("lab", 10);
  ASSERT_EQ(lab.size(), 1u);
  EXPECT_EQ(lab[0].type, "paused");
  EXPECT_EQ(lab[0].detail, "by ops: hospital maintenance");
  EXPECT_FALSE(lab[0].message_id.has_value());
  const std::vector<Event> adt = store->channelEvents("adt", 1);  // the newest only
  ASSERT_EQ(adt.size(), 1u);
  EXPECT_EQ(adt[0].type, "resumed");
}

TEST_F(StoreTest, MessageCountsCoverEveryStatus) {
  auto empty = store->countMessagesByStatus();
  EXPECT_EQ(empty, (std::map<std::string, std::int64_t>{
                       {"received", 0}, {"processed", 0}, {"errored", 0}, {"filtered", 0}}));

  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(store->insertReceived(sampleMessage(std::to_string(i))).id);
  store->markProcessed(ids[0], "{}");
  store->markProcessed(ids[1], "{}");
  store->markErrored(ids[2], "x");
  store->markFiltered(ids[3], "y");
  EXPECT_EQ(store->countMessagesByStatus(),
            (std::map<std::string, std::int64_t>{
                {"received", 1}, {"processed", 2}, {"errored", 1}, {"filtered", 1}}));
}

TEST_F(StoreTest, BatchInsertReturnsIdsInOrderInOneTransaction) {
  std::vector<NewMessage> batch;
  for (int i = 0; i < 10; ++i) batch.push_back(sampleMessage("B" + std::to_string(i)));
  const auto before = store->transactionsCommitted();
  const auto ids = store->insertReceivedBatch(batch);
  EXPECT_EQ(store->transactionsCommitted(), before + 1);
  ASSERT_EQ(ids.size(), batch.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_FALSE(ids[i].duplicate);
    if (i > 0) {
      EXPECT_GT(ids[i].id, ids[i - 1].id);
    }
    EXPECT_EQ(store->message(ids[i].id)->control_id, batch[i].control_id);
  }
  EXPECT_TRUE(store->insertReceivedBatch({}).empty());
}

TEST_F(StoreTest, ABatchWithABadMessageStoresNothing) {
  std::vector<NewMessage> batch{sampleMessage("OK1"), sampleMessage("BAD"), sampleMessage("OK2")};
  batch[1].channel.clear();  // every message must name its channel
  EXPECT_THROW(store->insertReceivedBatch(batch), StoreError);
  EXPECT_EQ(store->countMessagesByStatus().at("received"), 0);
}

TEST_F(StoreTest, BusinessKeysAreRecordedWithTheOutcomeAndFindMessagesAboutTheSameDocument) {
  const auto claim = store->insertReceived(sampleMessage("C1")).id;
  const auto remittance = store->insertReceived(sampleMessage("C2")).id;
  const auto other = store->insertReceived(sampleMessage("C3")).id;
  ProcessedMessage a{claim, MessageStatus::Processed, "{}", std::nullopt, {}, {{"claim", "CLM-1"}, {"submission", "SUB-9"}}};
  ProcessedMessage b{remittance, MessageStatus::Processed, "{}", std::nullopt, {}, {{"claim", "CLM-1"}}};
  ProcessedMessage c{other, MessageStatus::Processed, "{}", std::nullopt, {}, {{"claim", "CLM-2"}}};
  EXPECT_EQ(store->recordProcessed({a, b, c}), (std::vector<bool>{true, true, true}));

  EXPECT_EQ(store->messagesWithKey({"claim", "CLM-1"}), (std::vector<std::int64_t>{claim, remittance}));
  EXPECT_EQ(store->messagesWithKey({"claim", "CLM-2"}), (std::vector<std::int64_t>{other}));
  EXPECT_TRUE(store->messagesWithKey({"claim", "CLM-3"}).empty());
  EXPECT_EQ(store->messageKeys(claim), (std::vector<MessageKey>{{"claim", "CLM-1"}, {"submission", "SUB-9"}}));
}

}  // namespace
}  // namespace ferry::store::test
