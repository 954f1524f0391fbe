#include "engine/runtime/engine.h"

#include <filesystem>
#include <stdexcept>

#include "channels/mllp/listener.h"
#include "engine/store/sqlite/sqlite_store.h"

namespace ferry::runtime {

Engine::Engine(EngineConfig config, JsonLog& log) : config_(std::move(config)), log_(log) {}

Engine::~Engine() { stop(); }

void Engine::start() {
  try {
    const std::filesystem::path db(config_.store.path);
    if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
    store_ = store::openSqliteStore(config_.store.path);
    const std::size_t recovered_deliveries = store_->recoverInFlight();
    committer_ = std::make_unique<store::GroupCommitter>(
        *store_, store::GroupCommitter::Options{static_cast<std::size_t>(config_.group_commit_max_batch)});
    event_writer_ = std::make_unique<StoreEventWriter>(*store_);
    bus_.subscribe([this](const Event& e) { event_writer_->add(e); });
    bus_.subscribe([this](const Event& e) { log_.event(e); });

    std::map<std::string, ChannelConfig> channels;
    for (const ChannelConfig& c : config_.channels) {
      if (c.enabled) channels.emplace(c.name, c);
    }
    processor_ = std::make_unique<Processor>(*store_, bus_, channels, [this](const std::string& queue) {
      if (const auto it = workers_.find(queue); it != workers_.end()) it->second->wake();
    });

    const DestinationRegistry registry = DestinationRegistry::withBuiltins();
    const LogLine line = [this](std::string_view json) { log_.line(json); };
    for (const ChannelConfig& c : config_.channels) {
      if (!c.enabled) continue;
      for (const DestinationConfig& d : c.destinations) {
        auto destination = registry.make(d, c.name, line);
        if (!destination) {
          throw std::runtime_error(c.file + ": destination \"" + d.name + "\" has type \"" + d.type +
                                   "\", which this build cannot send to");
        }
        const std::string queue = c.name + "/" + d.name;
        workers_[queue] = std::make_unique<DeliveryWorker>(queue, c.name, d, std::move(destination),
                                                           *store_, bus_);
      }
    }
    processor_->start();
    const std::size_t recovered_messages = processor_->recover();
    for (auto& [queue, worker] : workers_) worker->start();
    for (const ChannelConfig& c : config_.channels) {
      if (c.enabled) startChannel(c);
    }
    running_ = true;
    log_.info("engine.started", "channels=" + std::to_string(listeners_.size()) +
                                    " destinations=" + std::to_string(workers_.size()) +
                                    " recovered_messages=" + std::to_string(recovered_messages) +
                                    " recovered_deliveries=" + std::to_string(recovered_deliveries));
  } catch (...) {
    running_ = true;  // let stop() undo whatever was started
    stop();
    throw;
  }
}

void Engine::startChannel(const ChannelConfig& c) {
  auto& intake = intakes_.emplace_back(std::make_unique<Hl7Intake>(
      c, config_.duplicate_window_ms, *store_, *committer_, *processor_, bus_));
  if (c.source.type == "file") {
    auto source = std::make_unique<FileSource>(c, *intake);
    source->start();
    file_sources_[c.name] = std::move(source);
    return;
  }
  if (c.source.type != "mllp") {
    throw std::runtime_error(c.file + ": source type \"" + c.source.type + "\" is not available in this build");
  }
  mllp::ListenerConfig lc;
  lc.channel = c.name;
  lc.host = c.source.host;
  lc.port = static_cast<std::uint16_t>(c.source.port);
  lc.max_frame_bytes = static_cast<std::size_t>(c.source.max_frame_bytes);
  lc.max_connections = static_cast<std::size_t>(c.source.max_connections);
  lc.idle_timeout = std::chrono::milliseconds(c.source.idle_timeout_ms);
  lc.tls.enabled = c.source.tls.enabled;
  lc.tls.cert_file = c.source.tls.cert_file;
  lc.tls.key_file = c.source.tls.key_file;
  lc.tls.ca_file = c.source.tls.ca_file;
  lc.tls.require_client_cert = c.source.tls.require_client_cert;
  Hl7Intake* handler = intake.get();
  auto listener = std::make_unique<mllp::Listener>(
      lc, [handler](std::string frame, const mllp::Peer&) { return handler->receive(std::move(frame)); },
      [this](std::string_view json) { log_.line(json); });
  listener->start();
  listeners_[c.name] = std::move(listener);
}

void Engine::stop() {
  if (!running_) return;
  running_ = false;
  for (auto& [name, listener] : listeners_) listener->stop();  // in-flight handlers finish
  for (auto& [name, source] : file_sources_) source->stop();
  if (processor_) processor_->stop();                         // drains queued messages
  for (auto& [queue, worker] : workers_) worker->stop();
  if (committer_) committer_->stop();
  if (event_writer_) event_writer_->stop();
  log_.info("engine.stopped");
  listeners_.clear();
  file_sources_.clear();
  intakes_.clear();
  workers_.clear();
  processor_.reset();
  committer_.reset();
  event_writer_.reset();
  store_.reset();
}

int Engine::port(const std::string& channel) const {
  const auto it = listeners_.find(channel);
  return it == listeners_.end() ? 0 : it->second->port();
}

void Engine::pauseChannel(const std::string& channel) {
  for (auto& [queue, worker] : workers_) {
    if (queue.rfind(channel + "/", 0) == 0) worker->pause();
  }
}

void Engine::resumeChannel(const std::string& channel) {
  for (auto& [queue, worker] : workers_) {
    if (queue.rfind(channel + "/", 0) == 0) worker->resume();
  }
}

}  // namespace ferry::runtime
