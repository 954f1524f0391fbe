#include "channels/mllp/listener.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "channels/mllp/connection_log.h"
#include "channels/mllp/event_loop.h"
#include "channels/mllp/listener_connection.h"
#include "channels/mllp/socket_io.h"
#include "channels/timespan.h"

namespace ferry::mllp {

struct Listener::Slot {
  std::shared_ptr<ListenerConnection> connection;
  std::thread thread;
};

namespace {

constexpr int kBacklog = 64;

}  // namespace

Listener::Listener(ListenerConfig config, Handler handler, LogSink log)
    : Listener(std::move(config), std::move(handler), BatchHandler(), std::move(log)) {}

Listener::Listener(ListenerConfig config, Handler handler, BatchHandler batch_handler, LogSink log)
    : state_(std::make_shared<ListenerState>(std::move(config), std::move(handler),
                                             std::move(batch_handler), std::move(log))) {}

bool Listener::usesEventLoop() const {
  return state_->config.event_loop && !state_->config.tls.enabled && state_->batch_handler != nullptr;
}

Listener::~Listener() { stop(); }

void Listener::start() {
  if (started_) throw std::logic_error("mllp::Listener::start called twice");
  const ListenerConfig& config = state_->config;
  if (!state_->handler && !usesEventLoop()) {
    throw std::invalid_argument("MLLP listener '" + config.channel + "': no handler");
  }
  if (config.max_connections == 0) {
    throw std::invalid_argument("MLLP listener '" + config.channel + "': max_connections must be at least 1");
  }
  if (config.tls.enabled) {
    server_ = std::make_unique<Poco::Net::SecureServerSocket>(makeServerContext(config.tls));
  } else {
    server_ = std::make_unique<Poco::Net::ServerSocket>();
  }
  const std::string where = config.host + ":" + std::to_string(config.port);
  try {
    // SO_REUSEADDR lets a restarted listener take its port back at once; SO_REUSEPORT stays off,
    // or a second listener on the same port would silently share the connections.
    server_->bind(Poco::Net::SocketAddress(config.host, config.port), true, false);
    server_->listen(kBacklog);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("MLLP listener '" + config.channel + "': cannot listen on " + where +
                             ": " + e.displayText());
  }
  port_ = server_->address().port();
  started_ = true;
  state_->log.write(LogEvent("mllp.listener.started")
                        .field("address", server_->address().toString())
                        .flag("tls", config.tls.enabled)
                        .flag("client_certificate_required", config.tls.enabled && config.tls.require_client_cert)
                        .number("max_connections", config.max_connections)
                        .flag("event_loop", usesEventLoop())
                        .number("event_loops", usesEventLoop() ? std::max<std::size_t>(1, config.event_loops) : 0));
  if (usesEventLoop()) {
    server_->setBlocking(false);
    const std::size_t count = std::max<std::size_t>(1, config.event_loops);
    for (std::size_t i = 0; i < count; ++i) {
      loops_.push_back(std::make_shared<EventLoop>(state_, static_cast<int>(server_->impl()->sockfd())));
    }
    std::vector<EventLoop*> siblings;
    for (const auto& loop : loops_) siblings.push_back(loop.get());
    for (const auto& loop : loops_) loop->setSiblings(siblings);
    // Each thread shares its loop, so a loop abandoned by stop() (a handler past stop_timeout)
    // stays valid until its thread leaves.
    for (const auto& loop : loops_) loop_threads_.emplace_back([loop] { loop->run(); });
    return;
  }
  acceptor_ = std::thread([this] { acceptLoop(); });
}

void Listener::acceptLoop() {
  blockSigpipeInThisThread();
  while (!state_->stopping) {
    reapFinished();
    try {
      if (!server_->poll(channels::toTimespan(kReadSlice), Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::SocketAddress client;
      Poco::Net::StreamSocket socket = server_->acceptConnection(client);
      admit(socket, client.toString());
    } catch (const Poco::Exception& e) {
      // e.g. out of descriptors: say so, and do not spin on a listening socket that stays readable
      state_->log.write(LogEvent("mllp.listener.accept_failed", LogLevel::Error).field("error", e.displayText()));
      std::this_thread::sleep_for(kReadSlice);
    }
  }
}

void Listener::admit(Poco::Net::StreamSocket& socket, const std::string& address) {
  const ListenerConfig& config = state_->config;
  {
    std::unique_lock<std::mutex> lock(state_->mutex);
    if (state_->active >= config.max_connections) {
      lock.unlock();
      ++state_->refused;
      logConnectionRefused(state_->log, address, "max_connections", config.max_connections);
      try {
        socket.close();
      } catch (...) {
      }
      return;
    }
    ++state_->active;
  }
  Peer peer;
  peer.address = address;
  peer.connection = ++state_->accepted;
  peer.tls = config.tls.enabled;
  auto connection = std::make_shared<ListenerConnection>(state_, socket, std::move(peer));
  try {
    std::thread thread([connection] { connection->run(); });
    slots_.push_back(Slot{connection, std::move(thread)});
  } catch (const std::system_error& e) {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      --state_->active;
    }
    logConnectionRefused(state_->log, address, "no_thread", config.max_connections, e.what());
    try {
      socket.close();
    } catch (...) {
    }
  }
}

void Listener::reapFinished() {
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (it->connection->finished()) {
      it->thread.join();
      it = slots_.erase(it);
    } else {
      ++it;
    }
  }
}

void Listener::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  state_->stopping = true;
  if (!loops_.empty()) {
    stopEventLoop();
    return;
  }
  if (acceptor_.joinable()) acceptor_.join();
  try {
    server_->close();
  } catch (...) {
  }
  {
    std::unique_lock<std::mutex> lock(state_->mutex);
    state_->changed.wait_for(lock, state_->config.stop_timeout, [this] { return state_->active == 0; });
  }
  std::uint64_t abandoned = 0;
  for (Slot& slot : slots_) {
    if (slot.connection->finished()) {
      slot.thread.join();
    } else {
      slot.connection->abort();
      slot.thread.detach();
      ++abandoned;
    }
  }
  slots_.clear();
  state_->log.write(LogEvent("mllp.listener.stopped", abandoned > 0 ? LogLevel::Warning : LogLevel::Info)
                        .number("handlers_still_running", abandoned));
  // Once stop() has returned, nothing calls the log sink again, even from a detached thread.
  state_->log.close();
}

// Each loop answers its batch in progress, if any, then closes its connections; a handler still
// running after stop_timeout keeps its loop's thread (detached), and its connections are shut down.
void Listener::stopEventLoop() {
  for (const auto& loop : loops_) loop->wake();
  const auto deadline = std::chrono::steady_clock::now() + state_->config.stop_timeout;
  std::uint64_t abandoned = 0;
  for (std::size_t i = 0; i < loops_.size(); ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (loops_[i]->waitFinished(std::max(left, std::chrono::milliseconds(0)))) {
      loop_threads_[i].join();
    } else {
      loops_[i]->abortConnections();
      loop_threads_[i].detach();
      ++abandoned;
    }
  }
  loop_threads_.clear();
  // An abandoned loop looks at the stopping flag before it would accept again, so the listening
  // descriptor is not used after this close.
  try {
    server_->close();
  } catch (...) {
  }
  state_->log.write(LogEvent("mllp.listener.stopped", abandoned > 0 ? LogLevel::Warning : LogLevel::Info)
                        .number("handlers_still_running", abandoned));
  state_->log.close();
}

std::size_t Listener::activeConnections() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->active;
}

ListenerCounters Listener::counters() const {
  ListenerCounters c;
  c.accepted = state_->accepted;
  c.refused = state_->refused;
  c.frames = state_->frames;
  c.oversize_frames = state_->oversize_frames;
  return c;
}

}  // namespace ferry::mllp
