#pragma once
// The engine's own HTTP endpoint for operators' tools (ferry.json "admin"): a health check for
// load balancers and service managers, and metrics in the Prometheus text format. It answers
// with counts, states and times only, never message contents, and listens on 127.0.0.1 unless
// configured otherwise (it has no authentication of its own).
//
//   GET /health   200 {"status":"ok","store":"ok","channels":{"lab":"running",...}}
//                 503 {"status":"unavailable","store":"<why>",...} when the store cannot be read,
//                 or refused a write in the last 10 s ("refusing writes: <why>", e.g. a full disk)
//   GET /metrics  messages and deliveries by status, paused channels, store transactions and
//                 the single writer's busy time (text/plain; version=0.0.4)
//
// Counting by status reads an index of the whole table: with retention the tables stay the
// size of the retention window, so a scrape every 15 s or more costs little.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "channels/http/listener.h"
#include "engine/runtime/config.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/store/store.h"

namespace ferry::runtime {

class AdminEndpoint {
 public:
  // `metrics` (may be null) adds the engine's event counters and ACK histograms.
  AdminEndpoint(const AdminConfig& config, std::vector<ChannelConfig> channels, store::Store& store,
                http::LogSink log, const EngineMetrics* metrics = nullptr);
  ~AdminEndpoint();  // stop()
  AdminEndpoint(const AdminEndpoint&) = delete;
  AdminEndpoint& operator=(const AdminEndpoint&) = delete;

  // Throws std::runtime_error when the address cannot be bound.
  void start();
  void stop();
  std::uint16_t port() const;

 private:
  http::Response health() const;
  http::Response metrics() const;

  const std::vector<ChannelConfig> channels_;
  store::Store& store_;
  const EngineMetrics* metrics_;
  std::unique_ptr<http::Listener> listener_;
};

}  // namespace ferry::runtime
