// The processor's queue when the store refuses to record outcomes: a refused batch is tried
// again, in order, until the store takes writes (a full disk that was freed); a message the
// store keeps refusing while it records others is marked errored instead of holding the queue.
// The store is a real SQLite file; only the refusal is injected, as no real disk refuses one
// message's outcome and takes the others'.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/runtime/processor.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/engine/engine_fixture.h"
#include "tests/store/forwarding_store.h"

using namespace ferry;
using ferry::test::eventually;
using ferry::test::TempFolder;

namespace {

std::string adtNumbered(int i) {
  return "MSH|^~\\&|LAB|NORTH|FERRY|CITY|20261127||ADT^A08|R" + std::to_string(i) +
         "|P|2.5\rPID|1||P" + std::to_string(i) + "||Test^Retry\rPV1|1|O\r";
}

// Refuses every outcome while `refusing`, and always any outcome of message `poison`.
class RefusingStore : public store::test::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::atomic<bool> refusing{false};
  std::atomic<std::int64_t> poison{0};
  std::atomic<int> refusals{0};

  std::vector<bool> recordProcessed(const std::vector<store::ProcessedMessage>& outcomes) override {
    bool refuse = refusing.load();
    for (const auto& o : outcomes) refuse = refuse || o.id == poison.load();
    if (refuse) {
      ++refusals;
      throw store::StoreError("test.db", "running a statement: database or disk is full.");
    }
    return ForwardingStore::recordProcessed(outcomes);
  }
};

struct RetryFolder {
  TempFolder dir;
  std::unique_ptr<store::Store> real = store::openSqliteStore(dir.path() + "/ferry.db");
  RefusingStore store{*real};
  runtime::EventBus bus;
  const runtime::InboundDecoder decoder{nullptr};
  const runtime::MessageRouter router{{test::labToHospital()}, nullptr};

  std::int64_t insert(int i) {
    store::NewMessage m;
    m.channel = "lab";
    m.raw = adtNumbered(i);
    return real->insertReceived(m).id;
  }
};

}  // namespace

TEST(ProcessorRetry, ARefusedBatchIsTriedAgainInOrderOnceTheStoreTakesWrites) {
  RetryFolder f;
  f.store.refusing = true;
  runtime::Processor processor(f.store, f.bus, f.decoder, f.router, nullptr, runtime::Processor::kDefaultMaxBatch,
                               runtime::Processor::kDefaultMaxQueuedBytes, std::chrono::milliseconds(5));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(f.insert(i));
    processor.enqueue(ids.back(), "lab", adtNumbered(i));
  }
  processor.start();
  ASSERT_TRUE(eventually([&] { return f.store.refusals.load() >= 3; }, std::chrono::seconds(10)));
  EXPECT_EQ(f.real->countMessagesByStatus()["received"], 5) << "nothing recorded while refused";
  f.store.refusing = false;  // room again
  EXPECT_TRUE(eventually([&] { return f.real->countMessagesByStatus()["processed"] == 5; }, std::chrono::seconds(10)));
  processor.stop();
  // Routed in the order they arrived: each message's delivery id follows the one before's.
  std::int64_t last_delivery = 0;
  for (std::int64_t id : ids) {
    const auto deliveries = f.real->deliveriesFor(id);
    ASSERT_EQ(deliveries.size(), 1u) << "message " << id << " routed once";
    EXPECT_GT(deliveries[0].id, last_delivery) << "message " << id << " out of order";
    last_delivery = deliveries[0].id;
  }
}

TEST(ProcessorRetry, AMessageTheStoreKeepsRefusingWhileItTakesOthersIsMarkedErrored) {
  RetryFolder f;
  runtime::Processor processor(f.store, f.bus, f.decoder, f.router, nullptr, runtime::Processor::kDefaultMaxBatch,
                               runtime::Processor::kDefaultMaxQueuedBytes, std::chrono::milliseconds(1));
  const std::int64_t first = f.insert(0);
  const std::int64_t poison = f.insert(1);
  f.store.poison = poison;
  processor.enqueue(first, "lab");
  processor.enqueue(poison, "lab");
  processor.start();
  // Traffic keeps coming, as on a live channel; bounded in count and time.
  const auto errored = [&] {
    const auto m = f.real->message(poison);
    return m && m->status == store::MessageStatus::Errored;
  };
  int sent = 2;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!errored() && sent < 200 && std::chrono::steady_clock::now() < until) {
    processor.enqueue(f.insert(sent), "lab");
    ++sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  processor.stop();
  ASSERT_TRUE(errored()) << "still " << store::toString(f.real->message(poison)->status) << " after " << sent
                         << " messages";
  EXPECT_NE(f.real->message(poison)->error.value_or("").find("could not be recorded after"), std::string::npos);
  const auto counts = f.real->countMessagesByStatus();
  EXPECT_EQ(counts.at("processed"), sent - 1) << "every other message was processed";
  EXPECT_EQ(counts.at("received"), 0);
}
