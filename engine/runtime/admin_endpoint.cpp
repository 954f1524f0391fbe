#include "engine/runtime/admin_endpoint.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <set>
#include <sstream>

#include "engine/runtime/channel_switches.h"
#include "engine/runtime/json_log.h"
#include "engine/runtime/prometheus_text.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::runtime {

namespace {

http::Response json(int status, std::string body) {
  return {status, "application/json", {}, std::move(body)};
}

// Most of the endpoint's samples have at most one label; a null label means none.
void sample(std::ostream& out, const char* name, const char* label, const std::string& value,
            double number) {
  if (label == nullptr) {
    prometheus::sample(out, name, {}, number);
  } else {
    prometheus::sample(out, name, {{label, value}}, number);
  }
}

using prometheus::header;

}  // namespace

AdminEndpoint::AdminEndpoint(const AdminConfig& config, std::vector<ChannelConfig> channels,
                             store::Store& store, http::LogSink log, const EngineMetrics* engine_metrics)
    : channels_(std::move(channels)), store_(store), metrics_(engine_metrics) {
  http::Listener::Config lc;
  lc.name = "admin";
  lc.host = config.host;
  lc.port = static_cast<std::uint16_t>(config.port);
  lc.max_body_bytes = 1024;  // GET only: nothing to read
  lc.max_threads = 2;
  lc.max_queued = 16;
  lc.log = std::move(log);
  listener_ = std::make_unique<http::Listener>(std::move(lc));
  listener_->route("GET", "/health", [this](const http::Request&) { return health(); });
  listener_->route("GET", "/metrics", [this](const http::Request&) { return this->metrics(); });
}

AdminEndpoint::~AdminEndpoint() { stop(); }

void AdminEndpoint::start() { listener_->start(); }
void AdminEndpoint::stop() { listener_->stop(); }
std::uint16_t AdminEndpoint::port() const { return listener_->port(); }

http::Response AdminEndpoint::health() const {
  std::set<std::string> paused;
  std::string store_state = "ok";
  try {
    paused = store_.pausedChannels();  // a small read: the store answers
    // Reads can go on while writes fail (a full disk): then nothing new can be acknowledged.
    if (const auto refused = store_.writeFailure()) store_state = "refusing writes: " + *refused;
  } catch (const std::exception& e) {
    store_state = e.what();
  }
  std::string channels;
  for (const ChannelConfig& c : channels_) {
    channels += (channels.empty() ? "\"" : ",\"") + jsonEscape(c.name) + "\":\"" +
                std::string(channelState(c, paused)) + '"';
  }
  const bool ok = store_state == "ok";
  return json(ok ? 200 : 503, std::string("{\"status\":\"") + (ok ? "ok" : "unavailable") +
                                  "\",\"store\":\"" + jsonEscape(store_state) + "\",\"channels\":{" +
                                  channels + "}}\n");
}

http::Response AdminEndpoint::metrics() const {
  std::ostringstream out;
  try {
    header(out, "ferry_messages", "gauge", "Messages in the store by status.");
    for (const auto& [status, count] : store_.countMessagesByStatus()) {
      sample(out, "ferry_messages", "status", status, static_cast<double>(count));
    }
    header(out, "ferry_deliveries", "gauge", "Deliveries in the store by status.");
    for (const auto& [status, count] : store_.countDeliveriesByStatus()) {
      sample(out, "ferry_deliveries", "status", status, static_cast<double>(count));
    }
    // Per destination, what waits and for how long: a destination that is down shows here
    // first, long before the message counts look unusual.
    const std::int64_t now = nowMs();
    const auto queues = store_.openQueues();
    header(out, "ferry_destination_queue", "gauge", "Open deliveries of each destination, by status.");
    for (const store::DeliveryQueue& q : queues) {
      prometheus::sample(out, "ferry_destination_queue", {{"destination", q.destination}, {"status", "pending"}},
                         static_cast<double>(q.pending));
      prometheus::sample(out, "ferry_destination_queue", {{"destination", q.destination}, {"status", "in_flight"}},
                         static_cast<double>(q.in_flight));
    }
    header(out, "ferry_destination_oldest_open_seconds", "gauge",
           "Age of the oldest open delivery of each destination (absent when none is open).");
    for (const store::DeliveryQueue& q : queues) {
      sample(out, "ferry_destination_oldest_open_seconds", "destination", q.destination,
             static_cast<double>(std::max<std::int64_t>(now - q.oldest_created_at_ms, 0)) / 1000.0);
    }
    const std::set<std::string> paused = store_.pausedChannels();
    header(out, "ferry_channel_paused", "gauge", "1 while an operator has paused the channel's deliveries.");
    for (const ChannelConfig& c : channels_) {
      sample(out, "ferry_channel_paused", "channel", c.name, paused.contains(c.name) ? 1 : 0);
    }
  } catch (const std::exception& e) {
    return json(503, "{\"status\":\"unavailable\",\"store\":\"" + jsonEscape(e.what()) + "\"}\n");
  }
  header(out, "ferry_store_refusing_writes", "gauge", "1 when the store refused a write in the last 10 s (a full disk, an I/O error).");
  sample(out, "ferry_store_refusing_writes", nullptr, {}, store_.writeFailure() ? 1.0 : 0.0);
  header(out, "ferry_store_transactions_total", "counter", "Store write transactions committed since the engine started.");
  sample(out, "ferry_store_transactions_total", nullptr, {}, static_cast<double>(store_.transactionsCommitted()));
  if (const auto* sqlite = dynamic_cast<const store::sqlite::SqliteStore*>(&store_)) {
    const auto t = sqlite->writerTime();
    header(out, "ferry_store_writer_busy_seconds_total", "counter",
           "Time the store's single writer spent, by kind of transaction and step.");
    const auto seconds = [](std::uint64_t us) { return static_cast<double>(us) / 1e6; };
    sample(out, "ferry_store_writer_busy_seconds_total", "part", "received_statements", seconds(t.durable_statements_us));
    sample(out, "ferry_store_writer_busy_seconds_total", "part", "received_commits", seconds(t.durable_commit_us));
    sample(out, "ferry_store_writer_busy_seconds_total", "part", "bookkeeping_statements", seconds(t.bookkeeping_statements_us));
    sample(out, "ferry_store_writer_busy_seconds_total", "part", "bookkeeping_commits", seconds(t.bookkeeping_commit_us));
    // The fsyncs that make received messages durable, after their commits: their count and
    // time say what an ACK waits for beyond its turn on the writer.
    header(out, "ferry_store_wal_syncs_total", "counter", "WAL fsyncs that made received messages durable.");
    sample(out, "ferry_store_wal_syncs_total", nullptr, {}, static_cast<double>(t.wal_syncs));
    header(out, "ferry_store_wal_sync_seconds_total", "counter", "Time spent in those WAL fsyncs.");
    sample(out, "ferry_store_wal_sync_seconds_total", nullptr, {}, seconds(t.wal_sync_us));
    // Pages per transaction is what a commit costs: each page is 4 KB written to the WAL, and
    // every received message's fsync flushes those written since the one before.
    header(out, "ferry_store_wal_pages_total", "counter",
           "Database pages the store's writer wrote to the WAL, by kind of transaction.");
    sample(out, "ferry_store_wal_pages_total", "kind", "received", static_cast<double>(t.durable_pages));
    sample(out, "ferry_store_wal_pages_total", "kind", "bookkeeping", static_cast<double>(t.bookkeeping_pages));
    // The WAL grows without bound if checkpoints cannot keep up: worth an alert.
    header(out, "ferry_store_wal_bytes", "gauge", "Size of the store's write-ahead log file.");
    sample(out, "ferry_store_wal_bytes", nullptr, {}, static_cast<double>(sqlite->walBytes()));
    header(out, "ferry_store_checkpoints_total", "counter",
           "WAL checkpoints since the engine started: on the checkpointer's thread, and the writer's catch-ups.");
    sample(out, "ferry_store_checkpoints_total", "by", "checkpointer", static_cast<double>(sqlite->checkpoints()));
    sample(out, "ferry_store_checkpoints_total", "by", "writer", static_cast<double>(sqlite->writerCheckpoints()));
  }
  if (metrics_ != nullptr) metrics_->write(out);
  return {200, "text/plain; version=0.0.4", {}, out.str()};
}

}  // namespace ferry::runtime
