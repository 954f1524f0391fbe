#include "engine/runtime/engine.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "channels/http/listener.h"
#include "channels/mllp/listener.h"
#include "engine/runtime/store_schema.h"
#include "engine/store/sqlite/sqlite_store.h"
#include "parsers/xml/profile_set.h"

namespace ferry::runtime {

namespace {

// The insurer XML profiles of the configuration; none when it names no folder.
xml::ProfileSet loadProfiles(const std::string& folder) {
  if (folder.empty()) return {};
  return xml::ProfileSet::load(folder);  // validated by the config loader already
}

}  // namespace

Engine::Engine(EngineConfig config, JsonLog& log) : config_(std::move(config)), log_(log) {}

Engine::~Engine() { stop(); }

void Engine::start() {
  try {
    const std::filesystem::path db(config_.store.path);
    if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
    const auto max_batch = static_cast<std::size_t>(config_.group_commit_max_batch);
    store::sqlite::SqliteOptions store_options;
    store_options.max_writes_per_transaction = max_batch;
    store_options.migrate_on_open = false;  // store.migrations decides (store_schema.h)
    store_ = store::openSqliteStore(config_.store.path, std::move(store_options));
    logMigrations(log_, config_.store.path, upgradeSchema(*store_, config_));
    const std::size_t recovered_deliveries = store_->recoverInFlight();
    // The SQLite store merges concurrent writes into shared transactions by itself, so each
    // intake thread commits its message inline: no hand-off to a writer thread and back on the
    // way to the ACK.
    committer_ = std::make_unique<store::GroupCommitter>(
        *store_, store::GroupCommitter::Options{max_batch, /*inline_writes=*/true});
    event_writer_ = std::make_unique<StoreEventWriter>(*store_, [this](std::string_view json) { log_.line(json); });
    bus_.subscribe([this](const Event& e) { event_writer_->add(e); });
    bus_.subscribe([this](const Event& e) { log_.event(e); });
    std::vector<std::string> channel_names;
    for (const ChannelConfig& c : config_.channels) channel_names.push_back(c.name);
    metrics_ = std::make_unique<EngineMetrics>(channel_names);
    bus_.subscribe([this](const Event& e) { metrics_->count(e); });

    profiles_ = std::make_unique<xml::ProfileSet>(loadProfiles(config_.profiles_folder));
    decoder_ = std::make_unique<InboundDecoder>(profiles_.get());
    router_ = std::make_unique<MessageRouter>(config_.channels, profiles_.get(), config_.mappings.get());
    processor_ = std::make_unique<Processor>(*store_, bus_, *decoder_, *router_, [this](const std::string& queue) {
      if (const auto it = workers_.find(queue); it != workers_.end()) {
        for (auto& worker : it->second) worker->wake();
      }
    });

    const DestinationRegistry registry = DestinationRegistry::withBuiltins();
    const LogLine line = [this](std::string_view json) { log_.line(json); };
    for (const ChannelConfig& c : config_.channels) {
      if (!c.enabled) continue;
      for (const DestinationConfig& d : c.destinations) {
        const std::string queue = MessageRouter::queueName(c.name, d.name);
        // Each worker has its own connection and claims its own share of the due deliveries,
        // so together they claim about one batch at a time.
        const auto connections = static_cast<std::size_t>(std::max(d.connections, 1));
        const std::size_t batch = std::max<std::size_t>(1, DeliveryWorker::kDefaultMaxBatch / connections);
        for (std::size_t i = 0; i < connections; ++i) {
          auto destination = registry.make(d, c.name, line);
          if (!destination) {
            throw std::runtime_error(c.file + ": destination \"" + d.name + "\" has type \"" + d.type +
                                     "\", which this build cannot send to");
          }
          workers_[queue].push_back(std::make_unique<DeliveryWorker>(
              queue, c.name, d, std::move(destination), *store_, bus_, batch));
        }
      }
    }
    processor_->start();
    const std::size_t recovered_messages = processor_->recover();
    // Channels an operator paused stay paused across restarts: applied before any worker runs.
    std::set<std::string> paused = store_->pausedChannels();
    for (const std::string& channel : paused) pauseChannel(channel);
    for (auto& [queue, workers] : workers_) {
      for (auto& worker : workers) worker->start();
    }
    switches_ = std::make_unique<ChannelSwitches>(*store_, std::move(paused), [this](const std::string& channel, bool pause) {
      if (pause) {
        pauseChannel(channel);
      } else {
        resumeChannel(channel);
      }
      log_.info(pause ? "channel.paused" : "channel.resumed", channel);
    });
    switches_->start();
    startRetention();
    for (const ChannelConfig& c : config_.channels) {
      if (c.enabled) startChannel(c);
    }
    if (config_.admin.enabled) {
      admin_ = std::make_unique<AdminEndpoint>(config_.admin, config_.channels, *store_,
                                               [this](std::string_view json) { log_.line(json); },
                                               metrics_.get());
      admin_->start();
    }
    running_ = true;
    const std::size_t sources = listeners_.size() + http_listeners_.size() + file_sources_.size();
    log_.info("engine.started", "channels=" + std::to_string(sources) +
                                    " destinations=" + std::to_string(workers_.size()) +
                                    " recovered_messages=" + std::to_string(recovered_messages) +
                                    " recovered_deliveries=" + std::to_string(recovered_deliveries));
  } catch (...) {
    running_ = true;  // let stop() undo whatever was started
    stop();
    throw;
  }
}

void Engine::startRetention() {
  const RetentionConfig& r = config_.retention;
  if (r.days <= 0) return;
  Pruner::Options options;
  options.retention = std::chrono::hours(24) * r.days;
  options.interval = std::chrono::minutes(r.check_interval_minutes);
  options.first_round = std::chrono::milliseconds(r.first_round_ms);
  options.max_messages_per_transaction = static_cast<std::size_t>(r.max_messages_per_transaction);
  pruner_ = std::make_unique<Pruner>(
      *store_, options,
      [this](const store::PurgeResult& result) {
        const store::PurgeRecord& p = result.purge;
        log_.info("retention.purged",
                  "purge=" + std::to_string(p.id) + " messages=" + std::to_string(p.messages) +
                      " deliveries=" + std::to_string(p.deliveries) + " events=" +
                      std::to_string(p.events) + " first_id=" + std::to_string(p.first_message_id) +
                      " last_id=" + std::to_string(p.last_message_id) + " cutoff_ms=" +
                      std::to_string(p.cutoff_ms));
      },
      [this](const std::string& sentence) { log_.error("retention.failed", sentence); });
  pruner_->start();
}

void Engine::startChannel(const ChannelConfig& c) {
  if (c.source.type == "http") {
    startHttpChannel(c);
    return;
  }
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
  EngineMetrics* metrics = metrics_.get();
  const std::string channel = c.name;
  // Plain TCP connections share an event loop whose batches are committed together (one
  // durable commit for the frames that arrived at once); TLS connections have a thread each.
  auto listener = std::make_unique<mllp::Listener>(
      lc,
      [handler, metrics, channel](std::string frame, const mllp::Peer&) {
        const auto received = std::chrono::steady_clock::now();
        std::string ack = handler->receive(std::move(frame));
        // An empty answer is an ACK MSH-15 asked Ferry to leave out: nothing was sent to time.
        if (!ack.empty()) metrics->observeAck(channel, std::chrono::steady_clock::now() - received);
        return ack;
      },
      [handler, metrics, channel](std::vector<mllp::InboundFrame>& batch) {
        const auto received = std::chrono::steady_clock::now();
        std::vector<std::string> frames;
        frames.reserve(batch.size());
        for (mllp::InboundFrame& f : batch) frames.push_back(std::move(f.payload));
        auto acks = handler->receiveAll(std::move(frames));
        const auto took = std::chrono::steady_clock::now() - received;
        for (std::size_t i = 0; i < batch.size(); ++i) {
          if (!acks[i]) continue;
          if (!acks[i]->empty()) metrics->observeAck(channel, took);
          batch[i].response = std::move(acks[i]);
        }
      },
      [this](std::string_view json) { log_.line(json); });
  listener->start();
  listeners_[c.name] = std::move(listener);
}

void Engine::startHttpChannel(const ChannelConfig& c) {
  auto& intake = http_intakes_.emplace_back(std::make_unique<HttpIntake>(
      c, config_.duplicate_window_ms, *store_, *committer_, *processor_, bus_));
  http::Listener::Config lc;
  lc.name = c.name;
  lc.host = c.source.host;
  lc.port = static_cast<std::uint16_t>(c.source.port);
  lc.max_body_bytes = static_cast<std::size_t>(c.source.max_body_bytes);
  // max_connections bounds the requests handled at once plus those waiting for a thread; the
  // threads themselves stay few, since each request mostly waits on the group commit.
  lc.max_threads = std::clamp(c.source.max_connections, 1, 16);
  lc.max_queued = std::max(c.source.max_connections, 1);
  lc.keep_alive_timeout = std::chrono::milliseconds(std::clamp<std::int64_t>(c.source.idle_timeout_ms, 1, 15'000));
  if (c.source.tls.enabled) {
    lc.tls = http::Listener::Tls{c.source.tls.cert_file, c.source.tls.key_file, c.source.tls.ca_file,
                                 c.source.tls.require_client_cert};
  }
  lc.log = [this](std::string_view json) { log_.line(json); };
  auto listener = std::make_unique<http::Listener>(std::move(lc));
  HttpIntake* handler = intake.get();
  try {
    EngineMetrics* metrics = metrics_.get();
    listener->route("POST", c.source.path, [handler, metrics, channel = c.name](const http::Request& r) {
      const auto received = std::chrono::steady_clock::now();
      http::Response answer = handler->receive(r);
      metrics->observeAck(channel, std::chrono::steady_clock::now() - received);
      return answer;
    });
    listener->start();
  } catch (const std::invalid_argument& e) {  // path, TLS files or limits: broken configuration
    throw std::runtime_error(c.file + ": " + e.what());
  }
  http_listeners_[c.name] = std::move(listener);
}

void Engine::stop() {
  if (!running_) return;
  running_ = false;
  if (admin_) admin_->stop();
  for (auto& [name, listener] : listeners_) listener->stop();  // in-flight handlers finish
  for (auto& [name, listener] : http_listeners_) listener->stop();
  for (auto& [name, source] : file_sources_) source->stop();
  if (switches_) switches_->stop();
  if (pruner_) pruner_->stop();
  if (processor_) processor_->stop();                         // drains queued messages
  for (auto& [queue, workers] : workers_) {
    for (auto& worker : workers) worker->stop();
  }
  if (committer_) committer_->stop();
  if (event_writer_) event_writer_->stop();
  log_.info("engine.stopped");
  listeners_.clear();
  http_listeners_.clear();  // before the intakes their routes call
  http_intakes_.clear();
  file_sources_.clear();
  intakes_.clear();
  switches_.reset();
  pruner_.reset();
  admin_.reset();
  workers_.clear();
  processor_.reset();
  router_.reset();
  decoder_.reset();
  profiles_.reset();
  committer_.reset();
  event_writer_.reset();
  store_.reset();
}

int Engine::port(const std::string& channel) const {
  if (const auto http = http_listeners_.find(channel); http != http_listeners_.end()) return http->second->port();
  const auto it = listeners_.find(channel);
  return it == listeners_.end() ? 0 : it->second->port();
}

int Engine::adminPort() const { return admin_ ? admin_->port() : 0; }

void Engine::pauseChannel(const std::string& channel) {
  for (auto& [queue, workers] : workers_) {
    if (queue.rfind(channel + "/", 0) != 0) continue;
    for (auto& worker : workers) worker->pause();
  }
}

void Engine::resumeChannel(const std::string& channel) {
  for (auto& [queue, workers] : workers_) {
    if (queue.rfind(channel + "/", 0) != 0) continue;
    for (auto& worker : workers) worker->resume();
  }
}

}  // namespace ferry::runtime
