// Batching in the pipeline: the processor records a queue's worth of outcomes in one store
// transaction, and a delivery worker claims and settles batches, yet nothing is lost, per-sender
// order holds end to end, and a FIFO retry still holds back everything behind it.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "engine/runtime/delivery_worker.h"
#include "engine/runtime/processor.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/engine/engine_fixture.h"
#include "tests/store/forwarding_store.h"
#include "tests/support/parsed_message.h"

using namespace ferry;
using ferry::test::eventually;
using ferry::test::StandInReceiver;
using ferry::test::TempFolder;
using ferry::test::controlIdOf;

namespace {

std::string adt(const std::string& control_id) {
  return "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261126||ADT^A08|" + control_id + "|P|2.5\rPID|1||P-" +
         control_id + "||Test^Batch\rPV1|1|O\r";
}

// Sends `count` messages "S<sender>-<n>" in order over one connection; returns how many were
// acknowledged with AA.
int sendInOrder(int port, int sender, int count) {
  mllp::SenderConfig config;
  config.host = "127.0.0.1";
  config.port = static_cast<std::uint16_t>(port);
  mllp::Sender client(config, [](std::string_view) {});
  int acked = 0;
  for (int n = 0; n < count; ++n) {
    const std::string id = "S" + std::to_string(sender) + "-" + std::to_string(n);
    const auto result = client.send(adt(id), std::chrono::seconds(10));
    if (result.status == mllp::SendStatus::Acked &&
        result.response.find("MSA|AA|" + id) != std::string::npos) {
      ++acked;
    }
  }
  return acked;
}

class ConcurrentSenders : public ::testing::TestWithParam<std::string> {};

TEST_P(ConcurrentSenders, FiveHundredMessagesArriveCompleteAndInPerSenderOrder) {
  constexpr int kSenders = 4;
  constexpr int kPerSender = 125;
  TempFolder dir;
  StandInReceiver hospital;
  runtime::JsonLog log("/dev/null");
  runtime::Engine engine(test::labConfig(dir, hospital.port(), GetParam()), log);
  engine.start();

  std::vector<int> acked(kSenders, 0);
  std::vector<std::thread> senders;
  for (std::size_t s = 0; s < acked.size(); ++s) {
    senders.emplace_back(
        [&, s] { acked[s] = sendInOrder(engine.port("lab"), static_cast<int>(s), kPerSender); });
  }
  for (auto& t : senders) t.join();
  for (std::size_t s = 0; s < acked.size(); ++s) EXPECT_EQ(acked[s], kPerSender) << "sender " << s;

  ASSERT_TRUE(hospital.waitFor(kSenders * kPerSender, std::chrono::seconds(60)));
  ASSERT_TRUE(eventually(
      [&] {
        return engine.store().countDeliveriesByStatus()["delivered"] == kSenders * kPerSender;
      },
      std::chrono::seconds(30)));
  engine.stop();

  // Each sender's messages arrive complete and in the order it sent them. The only repeat
  // allowed is a retry (an ACK lost to a timeout on a loaded machine), which FIFO sends again
  // right away, before anything behind it.
  std::vector<int> next(kSenders, 0);
  for (const std::string& frame : hospital.frames()) {
    const std::string id = controlIdOf(frame);
    const auto dash = id.find('-');
    ASSERT_NE(dash, std::string::npos) << id;
    const auto s = static_cast<std::size_t>(std::stoi(id.substr(1, dash - 1)));
    ASSERT_LT(s, next.size());
    const int n = std::stoi(id.substr(dash + 1));
    if (n == next[s] - 1) continue;  // a retry of the one just sent
    EXPECT_EQ(n, next[s]) << "sender " << s << " out of order";
    next[s] = n + 1;
  }
  for (std::size_t s = 0; s < next.size(); ++s) EXPECT_EQ(next[s], kPerSender) << "sender " << s;
}

INSTANTIATE_TEST_SUITE_P(AckModes, ConcurrentSenders,
                         ::testing::Values("on_commit", "after_parse"));

// --- the processor's queue: one transaction per batch ---

// A store, and a channel "lab" routing every message to "hospital" as it arrived.
struct StoreFolder {
  TempFolder dir;
  std::unique_ptr<store::Store> store = store::openSqliteStore(dir.path() + "/ferry.db");
  runtime::EventBus bus;
  const runtime::InboundDecoder decoder{nullptr};
  const runtime::MessageRouter router{{test::labToHospital()}, nullptr};
};

TEST(ProcessorBatch, AQueueOfMessagesIsRecordedInOneTransaction) {
  StoreFolder f;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 50; ++i) {
    store::NewMessage m;
    m.channel = "lab";
    m.raw = i == 7 ? std::string("NOT HL7") : adt("Q" + std::to_string(i));
    ids.push_back(f.store->insertReceived(m).id);
  }
  std::vector<std::string> events;
  std::mutex mutex;
  f.bus.subscribe([&](const runtime::Event& e) {
    std::lock_guard lock(mutex);
    events.push_back(e.type);
  });
  int wakes = 0;
  runtime::Processor processor(*f.store, f.bus, f.decoder, f.router,
                               [&](const std::string&) { ++wakes; });
  EXPECT_EQ(processor.recover(), 50u);  // queued before the thread runs: one batch
  const auto before = f.store->transactionsCommitted();
  processor.start();
  processor.stop();  // drains the queue

  EXPECT_EQ(f.store->transactionsCommitted(), before + 1);
  const auto counts = f.store->countMessagesByStatus();
  EXPECT_EQ(counts.at("processed"), 49);
  EXPECT_EQ(counts.at("errored"), 1);
  EXPECT_EQ(f.store->countDeliveriesByStatus()["pending"], 49);
  EXPECT_EQ(f.store->message(ids[7])->status, store::MessageStatus::Errored);
  EXPECT_EQ(wakes, 1);  // one queue, woken once for the batch
  std::lock_guard lock(mutex);
  EXPECT_EQ(std::count(events.begin(), events.end(), "parsed"), 49);
  EXPECT_EQ(std::count(events.begin(), events.end(), "routed"), 49);
  EXPECT_EQ(std::count(events.begin(), events.end(), "errored"), 1);
}

TEST(ProcessorBatch, ABacklogKeepsOnlyBoundedBytesInMemoryAndStillProcessesEveryMessage) {
  StoreFolder f;
  const std::size_t size = adt("B0").size();
  runtime::Processor processor(*f.store, f.bus, f.decoder, f.router, nullptr,
                               runtime::Processor::kDefaultMaxBatch, /*max_queued_bytes=*/3 * size);
  for (int i = 0; i < 10; ++i) {  // as the intake does: committed, then queued with its bytes
    store::NewMessage m;
    m.channel = "lab";
    m.raw = adt("B" + std::to_string(i));
    const std::int64_t id = f.store->insertReceived(m).id;
    processor.enqueue(id, "lab", m.raw);
  }
  EXPECT_EQ(processor.queued(), 10u);
  EXPECT_EQ(processor.queuedBytes(), 3 * size);  // the other seven wait as ids
  processor.start();
  processor.stop();  // drains the queue
  EXPECT_EQ(processor.queuedBytes(), 0u);
  EXPECT_EQ(f.store->countMessagesByStatus().at("processed"), 10);
  EXPECT_EQ(f.store->countDeliveriesByStatus()["pending"], 10);
}

// --- the delivery worker: batches, FIFO retries, interruption ---

// A destination that records what it was sent and answers from a script.
class ScriptedDestination : public runtime::Destination {
 public:
  using Script =
      std::function<runtime::DeliveryOutcome(const std::string& payload, int seen_before)>;
  explicit ScriptedDestination(Script script) : script_(std::move(script)) {}

  runtime::DeliveryOutcome deliver(std::int64_t, const std::string& payload) override {
    int seen = 0;
    {
      std::lock_guard lock(mutex_);
      seen = seen_[payload]++;
      sent_.push_back(payload);
    }
    return script_(payload, seen);
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  Script script_;
  std::mutex mutex_;
  std::map<std::string, int> seen_;
  std::vector<std::string> sent_;
};

runtime::DeliveryOutcome delivered() {
  return {runtime::DeliveryOutcome::Kind::Delivered, "", "ACK"};
}
runtime::DeliveryOutcome retry() {
  return {runtime::DeliveryOutcome::Kind::Retry, "NAK AE", std::nullopt};
}

class WorkerBatch : public ::testing::Test {
 protected:
  // Ten deliveries to "lab/hospital", routed before the worker starts: its first claim takes
  // them all.
  void SetUp() override { route(10); }
  // n more deliveries to "lab/hospital", each of its own message, with payloads "1".."n".
  void route(int n) {
    for (int i = routed_ + 1; i <= routed_ + n; ++i) {
      store::NewMessage m;
      m.channel = "lab";
      m.raw = adt("W" + std::to_string(i));
      const auto id = f.store->insertReceived(m).id;
      f.store->markProcessedAndRoute(id, "{}", {{"lab/hospital", std::to_string(i)}});
    }
    routed_ += n;
  }
  std::unique_ptr<runtime::DeliveryWorker> worker(
      ScriptedDestination::Script script, bool ordered, store::Store* store = nullptr,
      std::size_t max_batch = runtime::DeliveryWorker::kDefaultMaxBatch) {
    auto destination = std::make_unique<ScriptedDestination>(std::move(script));
    destination_ = destination.get();
    runtime::DestinationConfig config;
    config.name = "hospital";
    config.ordered = ordered;
    config.retry.initial_backoff_ms = 50;
    config.retry.max_backoff_ms = 50;
    config.retry.jitter = 0;
    return std::make_unique<runtime::DeliveryWorker>("lab/hospital", "lab", config,
                                                     std::move(destination),
                                                     store != nullptr ? *store : *f.store, f.bus,
                                                     max_batch);
  }
  bool allDelivered() { return f.store->countDeliveriesByStatus()["delivered"] == routed_; }
  // The store's state of the delivery with payload "n" (message n, as the store counts from 1).
  store::DeliveryStatus statusOf(int n) { return f.store->deliveriesFor(n).at(0).status; }
  static std::vector<std::string> numbers(std::initializer_list<int> list) {
    std::vector<std::string> out;
    for (int n : list) out.push_back(std::to_string(n));
    return out;
  }

  StoreFolder f;
  ScriptedDestination* destination_ = nullptr;
  int routed_ = 0;
};

TEST_F(WorkerBatch, AFifoRetryHoldsBackTheRestOfItsBatch) {
  // "3" is refused twice: nothing after it may go out before it is accepted.
  auto w = worker(
      [](const std::string& p, int seen) { return p == "3" && seen < 2 ? retry() : delivered(); },
      /*ordered=*/true);
  const auto before = f.store->transactionsCommitted();
  w->start();
  ASSERT_TRUE(eventually([&] { return allDelivered(); }));
  w->stop();
  EXPECT_EQ(destination_->sent(), numbers({1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 10}));
  // Claims and settlements per batch, not per message (one at a time would be 2 x 12).
  EXPECT_LT(f.store->transactionsCommitted() - before, 12u);
  const auto third = f.store->deliveriesFor(3);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].attempts, 3);
  EXPECT_EQ(f.store->deliveriesFor(4)[0].attempts, 1);  // released, never counted twice
}

TEST_F(WorkerBatch, ABacklogIsSettledOncePerBatch) {
  // While "2" is sent, "1" has been sent but is not recorded yet: the batch settles at its end.
  std::vector<store::DeliveryStatus> first_while_sending_second;
  auto w = worker(
      [&](const std::string& p, int) {
        if (p == "2") first_while_sending_second.push_back(statusOf(1));
        return delivered();
      },
      /*ordered=*/true);
  w->start();
  ASSERT_TRUE(eventually([&] { return allDelivered(); }));
  w->stop();
  EXPECT_EQ(first_while_sending_second,
            std::vector<store::DeliveryStatus>{store::DeliveryStatus::InFlight});
}

TEST_F(WorkerBatch, AnUnorderedDestinationKeepsSendingPastARetry) {
  auto w = worker(
      [](const std::string& p, int seen) { return p == "3" && seen < 1 ? retry() : delivered(); },
      /*ordered=*/false);
  w->start();
  ASSERT_TRUE(eventually([&] { return allDelivered(); }));
  w->stop();
  EXPECT_EQ(destination_->sent(), numbers({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3}));
}

TEST_F(WorkerBatch, APauseMidBatchHandsTheRestBackInOrder) {
  runtime::DeliveryWorker* self = nullptr;
  auto w = worker(
      [&self](const std::string& p, int) {
        if (p == "3") self->pause();  // as an operator would, while "3" is on the wire
        return delivered();
      },
      /*ordered=*/true);
  self = w.get();
  w->start();
  ASSERT_TRUE(eventually([&] { return f.store->countDeliveriesByStatus()["delivered"] == 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto counts = f.store->countDeliveriesByStatus();
  EXPECT_EQ(counts.at("pending"), 7);  // released, not left in flight
  EXPECT_EQ(counts.at("in_flight"), 0);
  EXPECT_EQ(f.store->deliveriesFor(4)[0].attempts, 0);
  w->resume();
  ASSERT_TRUE(eventually([&] { return allDelivered(); }));
  w->stop();
  EXPECT_EQ(destination_->sent(), numbers({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

// The transaction that settles a batch claims the next: ten deliveries in batches of three
// take one claim and four settlements (the last claims nothing), where a claim and a
// settlement a batch took eight.
TEST_F(WorkerBatch, EachBatchAfterTheFirstIsClaimedWithThePreviousSettlements) {
  auto w = worker([](const std::string&, int) { return delivered(); }, /*ordered=*/true, nullptr,
                  /*max_batch=*/3);
  const auto before = f.store->transactionsCommitted();
  w->start();
  ASSERT_TRUE(eventually([&] { return allDelivered(); }));
  w->stop();
  EXPECT_EQ(f.store->transactionsCommitted() - before, 5u);
  EXPECT_EQ(destination_->sent(), numbers({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  for (int n = 1; n <= 10; ++n) EXPECT_EQ(f.store->deliveriesFor(n)[0].attempts, 1) << n;
}

// A store that pauses the worker right after it has settled a batch and claimed the next, as
// an operator's pause may land at that moment.
class PauseAfterClaim : public store::test::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  runtime::DeliveryWorker* worker = nullptr;
  store::SettledAndClaimed settleAndClaim(const std::vector<store::DeliverySettlement>& settlements,
                                          const std::string& destination, std::int64_t now_ms,
                                          std::size_t limit, store::ClaimOrder order) override {
    auto result = ForwardingStore::settleAndClaim(settlements, destination, now_ms, limit, order);
    if (worker != nullptr && !result.claimed.empty()) {
      worker->pause();
      worker = nullptr;  // once
    }
    return result;
  }
};

TEST_F(WorkerBatch, APausedWorkerHandsBackTheBatchItHadClaimedNext) {
  PauseAfterClaim store(*f.store);
  auto w = worker([](const std::string&, int) { return delivered(); }, /*ordered=*/true, &store,
                  /*max_batch=*/3);
  store.worker = w.get();
  w->start();
  ASSERT_TRUE(eventually([&] {
    auto counts = f.store->countDeliveriesByStatus();
    return counts["delivered"] == 3 && counts["pending"] == 7;
  }));
  EXPECT_EQ(f.store->countDeliveriesByStatus().at("in_flight"), 0);  // released, not left claimed
  EXPECT_EQ(f.store->deliveriesFor(4)[0].attempts, 0);
  w->resume();
  ASSERT_TRUE(eventually([&] { return allDelivered(); }));
  w->stop();
  EXPECT_EQ(destination_->sent(), numbers({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

// A store whose settlements fail while `refusing` (a full disk), as a worker's batch is on the
// wire.
class RefusingSettlements : public store::test::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::atomic<bool> refusing{false};
  std::atomic<int> refusals{0};
  store::SettledDeliveries settleDeliveries(const std::vector<store::DeliverySettlement>& settlements,
                                            const std::vector<std::int64_t>& released) override {
    refuseWhileFull();
    return ForwardingStore::settleDeliveries(settlements, released);
  }
  store::SettledAndClaimed settleAndClaim(const std::vector<store::DeliverySettlement>& settlements,
                                          const std::string& destination, std::int64_t now_ms,
                                          std::size_t limit, store::ClaimOrder order) override {
    refuseWhileFull();
    return ForwardingStore::settleAndClaim(settlements, destination, now_ms, limit, order);
  }

 private:
  void refuseWhileFull() {
    if (!refusing) return;
    ++refusals;
    throw store::StoreError("test.db", "running a statement: database or disk is full.");
  }
};

TEST_F(WorkerBatch, SettlementsTheStoreRefusedAreRecordedLaterAndNothingIsSentTwice) {
  RefusingSettlements store(*f.store);
  // The disk fills while "5" is on the wire: the batch 1-10 is sent but cannot be settled.
  auto w = worker(
      [&store](const std::string& p, int) {
        if (p == "5") store.refusing = true;
        return delivered();
      },
      /*ordered=*/true, &store);
  w->start();
  ASSERT_TRUE(eventually([&] { return store.refusals >= 2; }));
  EXPECT_EQ(f.store->countDeliveriesByStatus()["in_flight"], 10) << "sent, not yet recorded";
  route(3);  // more work meanwhile: it must wait behind the unrecorded batch
  store.refusing = false;  // room again
  ASSERT_TRUE(eventually([&] { return allDelivered(); }));
  w->stop();
  EXPECT_EQ(destination_->sent(), numbers({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}))
      << "each sent once, in order";
  EXPECT_EQ(f.store->deliveriesFor(5)[0].attempts, 1);
}

}  // namespace
