#pragma once
// The running engine: store, group commit, event bus with its subscribers, processor, one
// delivery worker per destination and one listener per source channel, started in that order
// (so nothing is accepted before it can be stored and processed) and stopped in reverse (stop
// accepting, finish in-flight work, flush).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/runtime/admin_endpoint.h"
#include "engine/runtime/channel_switches.h"
#include "engine/runtime/config.h"
#include "engine/runtime/delivery_worker.h"
#include "engine/runtime/engine_metrics.h"
#include "engine/runtime/event_bus.h"
#include "engine/runtime/file_source.h"
#include "engine/runtime/hl7_intake.h"
#include "engine/runtime/http_intake.h"
#include "engine/runtime/inbound_decoder.h"
#include "engine/runtime/message_router.h"
#include "engine/runtime/json_log.h"
#include "engine/runtime/processor.h"
#include "engine/runtime/pruner.h"
#include "engine/runtime/store_event_writer.h"
#include "engine/store/group_committer.h"
#include "engine/store/store.h"

namespace ferry::mllp {
class Listener;
}
namespace ferry::http {
class Listener;
}
namespace ferry::xml {
class ProfileSet;
}

namespace ferry::runtime {

class Engine {
 public:
  Engine(EngineConfig config, JsonLog& log);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Throws std::runtime_error (store cannot open, its schema is older and store.migrations is
  // "manual", port in use) after undoing what it started. Applies pending schema migrations
  // when store.migrations allows it, logging each as "store.migrated".
  void start();
  void stop();

  store::Store& store() { return *store_; }
  EventBus& bus() { return bus_; }
  // The bound port of a channel's listener (useful with port 0 in tests); 0 when none.
  int port(const std::string& channel) const;
  // The health and metrics endpoint's port; 0 when ferry.json configures none.
  int adminPort() const;
  // Pause or resume the deliveries of a channel in this process only; operators use the
  // store's switch (Store::setChannelPaused, `ferry pause`), which the engine applies within a
  // second and keeps across restarts.
  void pauseChannel(const std::string& channel);
  void resumeChannel(const std::string& channel);

 private:
  void startRetention();
  void startChannel(const ChannelConfig& channel);
  void startHttpChannel(const ChannelConfig& channel);

  EngineConfig config_;
  JsonLog& log_;
  EventBus bus_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::GroupCommitter> committer_;
  std::unique_ptr<StoreEventWriter> event_writer_;
  std::unique_ptr<EngineMetrics> metrics_;  // outlives the channels that count into it
  std::unique_ptr<xml::ProfileSet> profiles_;
  std::unique_ptr<InboundDecoder> decoder_;
  std::unique_ptr<MessageRouter> router_;
  std::unique_ptr<Processor> processor_;
  // By queue name: one worker a destination, or `connections` of them for an unordered one.
  std::map<std::string, std::vector<std::unique_ptr<DeliveryWorker>>> workers_;
  std::unique_ptr<ChannelSwitches> switches_;
  std::unique_ptr<Pruner> pruner_;  // only with a retention configured
  std::unique_ptr<AdminEndpoint> admin_;  // only with ferry.json "admin"
  std::vector<std::unique_ptr<Hl7Intake>> intakes_;
  std::map<std::string, std::unique_ptr<mllp::Listener>> listeners_;  // by channel
  std::vector<std::unique_ptr<HttpIntake>> http_intakes_;
  std::map<std::string, std::unique_ptr<http::Listener>> http_listeners_;  // by channel
  std::map<std::string, std::unique_ptr<FileSource>> file_sources_;  // by channel
  bool running_ = false;
};

}  // namespace ferry::runtime
