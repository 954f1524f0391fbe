// The engine end to end over real sockets on 127.0.0.1 and a real SQLite file: receive, store,
// acknowledge, process, deliver, retry, dead-letter, restart.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <set>

#include "tests/engine/engine_fixture.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/support/files.h"

using namespace ferry;
using ferry::test::eventually;
using ferry::test::sendAndReadMsa1;
using ferry::test::StandInReceiver;
using ferry::test::TempFolder;

namespace {

const std::string kOru = ferry::test::sample("hl7v2/oru_r01_lab_result.hl7");
const std::string kAdt = "MSH|^~\\&|ADT|HOSP|FERRY|FERRY|20261126||ADT^A08|CTRL-1|P|2.5\rPID|1||X1||Doe^J\rPV1|1|O\r";

struct Quiet {
  runtime::JsonLog log{"/dev/null"};
};

std::size_t countStatus(store::Store& s, const char* status) {
  return static_cast<std::size_t>(s.countDeliveriesByStatus()[status]);
}

}  // namespace

TEST(EngineFlow, AcknowledgesStoresAndForwardsTheSameBytes) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  std::string ack;
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kAdt, &ack), "AA");
  ASSERT_TRUE(hospital.waitFor(1));
  EXPECT_EQ(hospital.frames()[0], kAdt);  // forwarded byte for byte
  auto ackMessage = hl7v2::Message::parse(ack);
  ASSERT_TRUE(ackMessage);
  EXPECT_EQ(ackMessage->get("MSA-2"), "CTRL-1");
  EXPECT_EQ(ackMessage->get("MSH-3"), "FERRY");  // receiver and sender swapped
  const auto stored = engine.store().listMessages({});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].raw, kAdt);
  EXPECT_EQ(stored[0].status, store::MessageStatus::Processed);
  ASSERT_TRUE(stored[0].canonical_json);
  EXPECT_NE(stored[0].canonical_json->find("\"controlId\":\"CTRL-1\""), std::string::npos);
  ASSERT_TRUE(eventually([&] { return countStatus(engine.store(), "delivered") == 1; }));
  const auto deliveries = engine.store().deliveriesFor(stored[0].id);
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].destination, "lab/hospital");
  ASSERT_TRUE(deliveries[0].response);
  EXPECT_NE(deliveries[0].response->find("MSA|AA|CTRL-1"), std::string::npos);
  engine.stop();
}

// A v2.1 feed: MSH-9 is "ADT" alone and the event is EVN-1. It is stored under its event, read
// and forwarded like any other message.
TEST(EngineFlow, Version21AdmissionIsStoredUnderTheEventItsEvnNames) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  const std::string adt =
      "MSH|^~\\&|ADT|HOSP|FERRY|FERRY|198912011200||ADT|V21-1|P|2.1\r"
      "EVN|A01|198912011200\rPID|||X1||Doe^J\rPV1||I\r";
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), adt), "AA");
  ASSERT_TRUE(hospital.waitFor(1));
  EXPECT_EQ(hospital.frames()[0], adt);
  const auto stored = engine.store().listMessages({});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].message_type, "ADT^A01");
  EXPECT_EQ(stored[0].status, store::MessageStatus::Processed);
  ASSERT_TRUE(stored[0].canonical_json);
  EXPECT_NE(stored[0].canonical_json->find("\"triggerEvent\":\"A01\""), std::string::npos);
  // A message type of bytes that are not UTF-8 is stored widened to UTF-8 (read as ISO 8859-1),
  // as the canonical model holds it: the row is read back into JSON.
  const std::string latin1 =
      "MSH|^~\\&|ADT|HOSP|FERRY|FERRY|198912011200||ADT|V21-2|P|2.1\r"
      "EVN|A0\xE9|198912011200\rPID|||X2||Doe^J\rPV1||I\r";
  sendAndReadMsa1(engine.port("lab"), latin1);
  ASSERT_TRUE(eventually([&] { return engine.store().listMessages({}).size() == 2; }));
  bool found = false;
  for (const auto& m : engine.store().listMessages({})) {
    if (m.control_id == "V21-2") {
      found = true;
      EXPECT_EQ(m.message_type, "ADT^A0\xC3\xA9");
    }
  }
  EXPECT_TRUE(found);
  engine.stop();
}

TEST(EngineFlow, EnhancedModeMessageGetsCommitAcceptance) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kOru), "CA");  // MSH-15/16 are valued
  ASSERT_TRUE(hospital.waitFor(1));
  engine.stop();
}

TEST(EngineFlow, AfterParseModeAnswersAeAndArAndStoresErrored) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  const int port = engine.port("lab");
  std::string ack;
  // ADT without PV1: a data problem -> AE with an ERR segment.
  EXPECT_EQ(sendAndReadMsa1(port, "MSH|^~\\&|A|B|C|D|2026||ADT^A01|E1|P|2.5\rPID|1||X\r", &ack), "AE");
  auto parsed = hl7v2::Message::parse(ack);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get("ERR-2.1"), "PV1");
  EXPECT_EQ(parsed->get("ERR-3.1"), "100");
  // A message type Ferry does not handle -> AR with code 200.
  EXPECT_EQ(sendAndReadMsa1(port, "MSH|^~\\&|A|B|C|D|2026||MFN^M02|E2|P|2.5\r", &ack), "AR");
  parsed = hl7v2::Message::parse(ack);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->get("ERR-3.1"), "200");
  // Bytes that are not HL7 at all -> AR, and still stored.
  EXPECT_EQ(sendAndReadMsa1(port, "HELLO WORLD"), "AR");
  const auto counts = engine.store().countMessagesByStatus();
  EXPECT_EQ(counts.at("errored"), 3);
  EXPECT_TRUE(hospital.frames().empty());
  engine.stop();
}

TEST(EngineFlow, DuplicateIsAcknowledgedButNotProcessedTwice) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kAdt), "AA");
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kAdt), "AA");
  ASSERT_TRUE(hospital.waitFor(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(hospital.frames().size(), 1u);
  EXPECT_EQ(engine.store().listMessages({}).size(), 1u);
  engine.stop();
}

TEST(EngineFlow, CopiesSentAtTheSameTimeOnSeveralConnectionsAreStoredOnce) {
  // A sender that times out and resends on a new connection while the first copy is still
  // being committed: the duplicate check runs inside the insert's transaction, so however the
  // copies interleave, one is stored and forwarded, and every copy is acknowledged with an ACK
  // whose control id (MSH-10) names that one message.
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  constexpr int kCopies = 8;
  std::vector<std::future<std::string>> senders;
  for (int i = 0; i < kCopies; ++i) {
    senders.push_back(std::async(std::launch::async, [&] {
      std::string ack;
      const std::string msa1 = sendAndReadMsa1(engine.port("lab"), kAdt, &ack);
      auto parsed = hl7v2::Message::parse(ack);
      return msa1 + " " + (parsed ? parsed->get("MSH-10") : "no ACK: '" + ack + "'");
    }));
  }
  std::set<std::string> answers;
  for (auto& s : senders) answers.insert(s.get());
  EXPECT_EQ(answers, (std::set<std::string>{"AA FERRY-1"}));
  ASSERT_TRUE(hospital.waitFor(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(hospital.frames().size(), 1u);
  EXPECT_EQ(engine.store().listMessages({}).size(), 1u);
  engine.stop();
}

TEST(EngineFlow, AnUnorderedDestinationWithSeveralConnectionsDeliversInParallelEachMessageOnce) {
  // A slow peer (20 ms a message): with four connections the deliveries overlap, and still each
  // message arrives once and is recorded as delivered.
  std::mutex mutex;
  std::multiset<std::string> received;
  std::set<std::uint64_t> connections;
  int busy = 0;
  int most_busy = 0;
  mllp::ListenerConfig lc;
  lc.channel = "slow-peer";
  mllp::Listener peer(
      lc,
      [&](std::string frame, const mllp::Peer& from) {
        auto m = hl7v2::Message::parse(frame);
        {
          std::lock_guard lock(mutex);
          most_busy = std::max(most_busy, ++busy);
          connections.insert(from.connection);
          if (m) received.insert(m->get("MSH-10"));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::lock_guard lock(mutex);
        --busy;
        return m ? hl7v2::buildAck(*m, hl7v2::AcknowledgmentCode::AA, {}, {}) : std::string();
      },
      [](std::string_view) {});
  peer.start();
  TempFolder dir;
  Quiet quiet;
  runtime::EngineConfig config = test::labConfig(dir, peer.port(), "on_commit");
  config.channels[0].destinations[0].ordered = false;
  config.channels[0].destinations[0].connections = 4;
  runtime::Engine engine(config, quiet.log);
  engine.start();
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i) {
    std::string message = kAdt;
    message.replace(message.find("CTRL-1"), 6, "CTRL-" + std::to_string(100 + i));
    ASSERT_EQ(sendAndReadMsa1(engine.port("lab"), message), "AA");
  }
  ASSERT_TRUE(eventually([&] { return countStatus(engine.store(), "delivered") == kMessages; }));
  engine.stop();
  peer.stop();
  std::lock_guard lock(mutex);
  EXPECT_EQ(received.size(), static_cast<std::size_t>(kMessages));
  for (int i = 0; i < kMessages; ++i) {
    EXPECT_EQ(received.count("CTRL-" + std::to_string(100 + i)), 1u) << i;
  }
  EXPECT_GE(most_busy, 2) << "deliveries never overlapped";
  EXPECT_GE(connections.size(), 2u);
  EXPECT_LE(connections.size(), 4u);
}

TEST(EngineFlow, RetentionRemovesMessagesFinishedLongAgoAndKeepsTheRest) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::EngineConfig config = test::labConfig(dir, hospital.port());
  std::filesystem::create_directories(dir.path() + "/var");
  {
    // Three messages delivered three days ago, written by a store whose clock says so.
    store::sqlite::SqliteOptions past;
    const auto three_days_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(72)).count();
    past.clock = [three_days_ago] { return three_days_ago; };
    auto old = store::openSqliteStore(config.store.path, past);
    for (int i = 0; i < 3; ++i) {
      store::NewMessage m;
      m.channel = "lab";
      m.raw = kAdt;
      m.control_id = "OLD-" + std::to_string(i);
      m.received_at_ms = three_days_ago;
      const auto id = old->insertReceived(m).id;
      ASSERT_TRUE(old->markProcessedAndRoute(id, "{}", {{"lab/hospital", std::nullopt}}));
      const auto claimed = old->claimDue("lab/hospital", three_days_ago, 1);
      ASSERT_EQ(claimed.size(), 1u);
      ASSERT_TRUE(old->markDelivered(claimed[0].id, "ACK"));
    }
  }
  config.retention.days = 2;
  config.duplicate_window_ms = 3600 * 1000;
  config.retention.first_round_ms = 50;
  runtime::Engine engine(config, quiet.log);
  engine.start();
  std::string fresh = kAdt;
  fresh.replace(fresh.find("CTRL-1"), 6, "NEW-1");
  ASSERT_EQ(sendAndReadMsa1(engine.port("lab"), fresh), "AA");
  ASSERT_TRUE(eventually([&] { return engine.store().purges(10).size() == 1; }));
  const auto purges = engine.store().purges(10);
  EXPECT_EQ(purges[0].messages, 3);
  EXPECT_EQ(purges[0].deliveries, 3);
  EXPECT_EQ(purges[0].actor, "ferry engine (retention)");
  const auto left = engine.store().listMessages({});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].control_id, "NEW-1");
  engine.stop();
}

TEST(EngineFlow, RetriesUntilTheDestinationComesUp) {
  TempFolder dir;
  // Reserve a port for the destination, then close it so the first attempts are refused.
  int port = 0;
  { StandInReceiver probe; port = probe.port(); probe.stop(); }
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, port), quiet.log);
  engine.start();
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kAdt), "AA");
  ASSERT_TRUE(eventually([&] {
    const auto d = engine.store().deliveriesFor(1);
    return !d.empty() && d[0].attempts >= 2;
  }));
  StandInReceiver hospital("AA", port);
  ASSERT_TRUE(hospital.waitFor(1));
  ASSERT_TRUE(eventually([&] { return countStatus(engine.store(), "delivered") == 1; }));
  EXPECT_EQ(hospital.frames()[0], kAdt);
  engine.stop();
}

TEST(EngineFlow, NegativeAcksExhaustAttemptsAndDeadLetter) {
  TempFolder dir;
  StandInReceiver hospital("AE");
  Quiet quiet;
  auto config = test::labConfig(dir, hospital.port());
  config.channels[0].destinations[0].retry.max_attempts = 3;
  runtime::Engine engine(config, quiet.log);
  engine.start();
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kAdt), "AA");
  ASSERT_TRUE(eventually([&] { return countStatus(engine.store(), "dead") == 1; }));
  EXPECT_EQ(hospital.frames().size(), 3u);
  const auto dead = engine.store().deadLetters(10);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].attempts, 3);
  ASSERT_TRUE(dead[0].last_error);
  EXPECT_NE(dead[0].last_error->find("AE"), std::string::npos);
  engine.stop();
}

TEST(EngineFlow, RestartDeliversWhatWasPending) {
  TempFolder dir;
  int port = 0;
  { StandInReceiver probe; port = probe.port(); probe.stop(); }
  Quiet quiet;
  {
    runtime::Engine engine(test::labConfig(dir, port), quiet.log);
    engine.start();
    for (int i = 0; i < 5; ++i) {
      std::string m = kAdt;
      m.replace(m.find("CTRL-1"), 6, "CTRL-" + std::to_string(i + 10));
      EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), m), "AA");
    }
    engine.stop();  // the destination never answered: five deliveries are pending
  }
  StandInReceiver hospital("AA", port);
  runtime::Engine engine(test::labConfig(dir, port), quiet.log);
  engine.start();
  ASSERT_TRUE(hospital.waitFor(5));
  const auto frames = hospital.frames();
  for (int i = 0; i < 5; ++i) {  // in the order they were received
    EXPECT_NE(frames[static_cast<std::size_t>(i)].find("CTRL-" + std::to_string(i + 10)), std::string::npos);
  }
  engine.stop();
}

TEST(EngineFlow, PausedChannelHoldsDeliveriesUntilResumed) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  engine.pauseChannel("lab");
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kAdt), "AA");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(hospital.frames().empty());
  engine.resumeChannel("lab");
  ASSERT_TRUE(hospital.waitFor(1));
  engine.stop();
}

TEST(EngineFlow, AnOperatorsPauseFromAnotherProcessHoldsDeliveriesAcrossARestartUntilResumed) {
  // `ferry pause` writes the switch into the store file; the running engine reads it within a
  // second. A store opened on the same file here stands for that other process.
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  const runtime::EngineConfig config = test::labConfig(dir, hospital.port());
  auto engine = std::make_unique<runtime::Engine>(config, quiet.log);
  engine->start();
  auto operator_store = store::openSqliteStore(config.store.path);
  ASSERT_TRUE(operator_store->setChannelPaused("lab", true, "by test: hospital maintenance"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the engine polls every second
  EXPECT_EQ(sendAndReadMsa1(engine->port("lab"), kAdt), "AA");  // still received and stored
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(hospital.frames().empty());

  engine->stop();
  engine = std::make_unique<runtime::Engine>(config, quiet.log);
  engine->start();  // paused before any worker runs
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(hospital.frames().empty());
  EXPECT_EQ(countStatus(engine->store(), "pending"), 1u);

  ASSERT_TRUE(operator_store->setChannelPaused("lab", false, "by test: done"));
  ASSERT_TRUE(hospital.waitFor(1));
  EXPECT_EQ(hospital.frames()[0], kAdt);
  const auto events = engine->store().channelEvents("lab", 10);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "paused");
  EXPECT_EQ(events[0].detail, "by test: hospital maintenance");
  EXPECT_EQ(events[1].type, "resumed");
  engine->stop();
}

TEST(EngineFlow, EveryStateChangeIsAnEventInTheStore) {
  TempFolder dir;
  StandInReceiver hospital;
  Quiet quiet;
  runtime::Engine engine(test::labConfig(dir, hospital.port()), quiet.log);
  engine.start();
  EXPECT_EQ(sendAndReadMsa1(engine.port("lab"), kAdt), "AA");
  ASSERT_TRUE(eventually([&] { return countStatus(engine.store(), "delivered") == 1; }));
  engine.stop();  // flushes the event writer
  auto reopened = store::openSqliteStore(dir.path() + "/var/ferry.db");
  std::vector<std::string> types;
  for (const auto& e : reopened->eventsFor(1)) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"received", "parsed", "routed", "sent", "delivered"}));
}
