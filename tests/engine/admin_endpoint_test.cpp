// The engine's health and metrics endpoint (ferry.json "admin") over a real socket on
// 127.0.0.1: channel states, store counts after real traffic, an operator's pause, and no
// message contents in any answer.

#include <gtest/gtest.h>

#include "engine/runtime/admin_endpoint.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "tests/store/forwarding_store.h"
#include "tests/engine/engine_fixture.h"
#include "tests/http/support.h"

namespace ferry::test {
namespace {

const std::string kAdt =
    "MSH|^~\\&|ADT|HOSP|FERRY|FERRY|20261126||ADT^A08|ADMIN-1|P|2.5\rPID|1||X1||Testperson^Ada\rPV1|1|O\r";

struct AdminFixture {
  TempFolder dir;
  StandInReceiver hospital;
  runtime::JsonLog log{"/dev/null"};
  std::unique_ptr<runtime::Engine> engine;

  AdminFixture() {
    runtime::EngineConfig config = labConfig(dir, hospital.port());
    config.admin.enabled = true;
    config.admin.port = 0;
    engine = std::make_unique<runtime::Engine>(config, log);
    engine->start();
  }
  ClientResponse get(const std::string& path) {
    return request(static_cast<std::uint16_t>(engine->adminPort()), "GET", path);
  }
};

TEST(AdminEndpoint, HealthNamesEveryChannelAndItsStateAndFollowsAnOperatorsPause) {
  AdminFixture f;
  ASSERT_GT(f.engine->adminPort(), 0);
  auto r = f.get("/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"status\":\"ok\",\"store\":\"ok\",\"channels\":{\"lab\":\"running\"}}\n");
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/json");

  ASSERT_TRUE(f.engine->store().setChannelPaused("lab", true, "test"));
  r = f.get("/health");
  EXPECT_EQ(r.body, "{\"status\":\"ok\",\"store\":\"ok\",\"channels\":{\"lab\":\"paused\"}}\n");
  EXPECT_NE(f.get("/metrics").body.find("ferry_channel_paused{channel=\"lab\"} 1\n"), std::string::npos);
  EXPECT_EQ(f.get("/nothing").status, 404);
  EXPECT_EQ(request(static_cast<std::uint16_t>(f.engine->adminPort()), "POST", "/health", "x").status, 405);
}

TEST(AdminEndpoint, MetricsCountWhatTheStoreHoldsWithoutMessageContents) {
  AdminFixture f;
  ASSERT_EQ(sendAndReadMsa1(f.engine->port("lab"), kAdt), "AA");
  ASSERT_TRUE(f.hospital.waitFor(1));
  ASSERT_TRUE(eventually([&] { return f.engine->store().countDeliveriesByStatus()["delivered"] == 1; }));
  const auto r = f.get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "text/plain; version=0.0.4");
  EXPECT_NE(r.body.find("# TYPE ferry_messages gauge\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ferry_messages{status=\"processed\"} 1\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ferry_deliveries{status=\"delivered\"} 1\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ferry_channel_paused{channel=\"lab\"} 0\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("# TYPE ferry_store_transactions_total counter\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ferry_store_writer_busy_seconds_total{part=\"received_commits\"} "), std::string::npos)
      << r.body;
  // The message's commit wrote at least its row's page (never 0 pages).
  EXPECT_NE(r.body.find("ferry_store_wal_pages_total{kind=\"received\"} "), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("ferry_store_wal_pages_total{kind=\"received\"} 0\n"), std::string::npos) << r.body;
  // The engine is running, so its WAL file exists and holds at least that commit.
  EXPECT_NE(r.body.find("# TYPE ferry_store_wal_bytes gauge\nferry_store_wal_bytes "), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("ferry_store_wal_bytes 0\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ferry_store_checkpoints_total{by=\"writer\"} "), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("Testperson"), std::string::npos);
  EXPECT_EQ(r.body.find("ADMIN-1"), std::string::npos);
}

// What an operator is paged for: a destination's queue growing and its oldest entry ageing
// (here behind a pause), events by type, and how long senders waited for their ACKs.
TEST(AdminEndpoint, MetricsShowEachDestinationsQueueEventCountsAndAckTimes) {
  AdminFixture f;
  f.engine->pauseChannel("lab");  // at once, where the store's switch takes up to a second
  ASSERT_EQ(sendAndReadMsa1(f.engine->port("lab"), kAdt), "AA");
  ASSERT_TRUE(eventually([&] { return f.engine->store().countDeliveriesByStatus()["pending"] == 1; }));
  auto body = f.get("/metrics").body;
  EXPECT_NE(body.find("# TYPE ferry_destination_queue gauge\n"
                      "ferry_destination_queue{destination=\"lab/hospital\",status=\"pending\"} 1\n"
                      "ferry_destination_queue{destination=\"lab/hospital\",status=\"in_flight\"} 0\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("ferry_destination_oldest_open_seconds{destination=\"lab/hospital\"} "), std::string::npos)
      << body;
  EXPECT_NE(body.find("ferry_events_total{type=\"received\",channel=\"lab\",destination=\"\"} 1\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("ferry_ack_seconds_bucket{channel=\"lab\",le=\"+Inf\"} 1\n"), std::string::npos) << body;
  EXPECT_NE(body.find("ferry_ack_seconds_count{channel=\"lab\"} 1\n"), std::string::npos) << body;
  EXPECT_EQ(body.find("delivered\",channel"), std::string::npos) << body;

  f.engine->resumeChannel("lab");
  ASSERT_TRUE(f.hospital.waitFor(1));
  ASSERT_TRUE(eventually([&] {
    return f.get("/metrics").body.find(
               "ferry_events_total{type=\"delivered\",channel=\"lab\",destination=\"lab/hospital\"} 1\n") !=
           std::string::npos;
  }));
  body = f.get("/metrics").body;
  // Delivered: the queue is empty, so neither of its samples is there.
  EXPECT_EQ(body.find("ferry_destination_queue{"), std::string::npos) << body;
  EXPECT_EQ(body.find("ferry_destination_oldest_open_seconds{"), std::string::npos) << body;
  EXPECT_EQ(body.find("Testperson"), std::string::npos);
}

// A store that cannot be read (a disk gone bad): the health check says so with 503, and so do
// the metrics, instead of answering ok or hanging.
class UnreadableStore : public store::test::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::set<std::string> pausedChannels() override { throw store::StoreError("var/ferry.db", "disk I/O error"); }
  std::map<std::string, std::int64_t> countMessagesByStatus() override {
    throw store::StoreError("var/ferry.db", "disk I/O error");
  }
};

TEST(AdminEndpoint, AStoreThatCannotBeReadIsUnavailable) {
  TempFolder dir;
  auto real = store::openSqliteStore(dir.path() + "/ferry.db");
  UnreadableStore broken(*real);
  runtime::ChannelConfig lab;
  lab.name = "lab";
  runtime::AdminEndpoint admin(runtime::AdminConfig{true, "127.0.0.1", 0}, {lab}, broken, [](std::string_view) {});
  admin.start();
  auto r = request(admin.port(), "GET", "/health");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "{\"status\":\"unavailable\",\"store\":\"disk I/O error\",\"channels\":{\"lab\":\"running\"}}\n");
  r = request(admin.port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("disk I/O error"), std::string::npos) << r.body;
  admin.stop();
}

TEST(AdminEndpoint, NoneUnlessConfigured) {
  TempFolder dir;
  StandInReceiver hospital;
  runtime::JsonLog log{"/dev/null"};
  runtime::Engine engine(labConfig(dir, hospital.port()), log);
  engine.start();
  EXPECT_EQ(engine.adminPort(), 0);
  engine.stop();
}

}  // namespace
}  // namespace ferry::test
