#include "channels/http/listener.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <stdexcept>

#include "channels/http/connection.h"
#include "channels/http/exchange.h"
#include "channels/http/tls_context.h"
#include "channels/timespan.h"

namespace ferry::http {

namespace {

constexpr int kBacklog = 128;

void validate(const Listener::Config& c) {
  const std::string where = "http listener '" + c.name + "': ";
  if (c.max_body_bytes == 0) throw std::invalid_argument(where + "max_body_bytes must be positive");
  if (c.max_threads < 1) throw std::invalid_argument(where + "max_threads must be at least 1");
  if (c.max_queued < 1) throw std::invalid_argument(where + "max_queued must be at least 1");
  if (c.read_timeout.count() <= 0) throw std::invalid_argument(where + "read_timeout must be positive");
  if (c.keep_alive && c.keep_alive_timeout.count() <= 0) {
    throw std::invalid_argument(where + "keep_alive_timeout must be positive");
  }
  if (c.max_keep_alive_requests < 1) throw std::invalid_argument(where + "max_keep_alive_requests must be at least 1");
}

Poco::Net::ServerSocket bindSocket(const Listener::Config& c) {
  Poco::Net::SocketAddress address;
  try {
    address = Poco::Net::SocketAddress(c.host, c.port);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("http listener '" + c.name + "': host '" + c.host + "' is not usable: " + e.displayText());
  }
  Poco::Net::ServerSocket socket;
  if (c.tls) {
    socket = Poco::Net::SecureServerSocket(makeServerContext(c.tls->certificate_file, c.tls->private_key_file,
                                                             c.tls->ca_file, c.tls->require_client_certificate));
  }
  try {
    // Poco's address constructors also set SO_REUSEPORT, which would let a second listener
    // share a port already in use instead of failing; bind by hand without it.
    socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(kBacklog);
    return socket;
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("http listener '" + c.name + "' cannot listen on " + address.toString() + ": " +
                             e.displayText());
  }
}

}  // namespace

Listener::Listener(Config config) : config_(std::move(config)) {
  if (!config_.log) config_.log = stderrLogSink();
}

Listener::~Listener() { stop(); }

void Listener::route(std::string method, std::string path_prefix, Handler handler) {
  std::lock_guard lock(mutex_);
  if (server_) throw std::logic_error("http listener '" + config_.name + "': routes must be added before start()");
  router_.add(std::move(method), std::move(path_prefix), std::move(handler));
}

void Listener::start() {
  std::lock_guard lock(mutex_);
  if (server_) throw std::logic_error("http listener '" + config_.name + "' is already started");
  validate(config_);
  Poco::Net::ServerSocket socket = bindSocket(config_);

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(config_.max_threads);
  params->setMaxQueued(config_.max_queued);
  params->setTimeout(channels::toTimespan(config_.read_timeout));
  params->setKeepAlive(config_.keep_alive);
  params->setKeepAliveTimeout(channels::toTimespan(config_.keep_alive_timeout));
  params->setMaxKeepAliveRequests(config_.max_keep_alive_requests);

  if (!pool_) {
    pool_ = std::make_unique<Poco::ThreadPool>("ferry-" + config_.name, std::min(2, config_.max_threads),
                                               config_.max_threads);
  }
  auto* exchanges = new ExchangeFactory(ExchangeContext{&config_, &router_, config_.log});
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory(exchanges);
  server_ = std::make_unique<Poco::Net::TCPServer>(
      new LoggedConnectionFactory(params, factory, config_.name, config_.log), *pool_, socket, params);
  exchanges_ = exchanges;
  server_->start();
  port_ = socket.address().port();
  running_ = true;

  LogLine("info", "http.listener", "started")
      .field("channel", config_.name)
      .field("address", socket.address().toString())
      .field("tls", config_.tls.has_value())
      .emit(config_.log);
}

void Listener::stop() {
  std::lock_guard lock(mutex_);
  if (!server_) return;
  running_ = false;
  // As Poco's HTTPServer::stopAll(false): stop accepting and drop connections still queued, then
  // let each open connection answer the request it is in and shut down (idle keep-alive ones at
  // once), and wait for their threads.
  server_->stop();
  exchanges_->notifyStopped();
  pool_->joinAll();
  server_.reset();
  exchanges_ = nullptr;
  LogLine("info", "http.listener", "stopped").field("channel", config_.name).emit(config_.log);
}

bool Listener::running() const { return running_; }

std::uint16_t Listener::port() const { return port_; }

}  // namespace ferry::http
