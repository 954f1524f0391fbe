#pragma once
// An HTTP/1.1 (optionally HTTPS) server for inbound messages, e.g. FHIR or XML posts. It knows
// bytes and connections only: routes registered by the engine receive the whole, size-checked
// body and decide the response (typically after committing the message to the store).
// Built on Poco's HTTP server classes with its own thread pool; no process-wide state.
//
// Answers it gives on its own: 404 (no route for the path), 405 (path routed only for other
// methods, with Allow), 413 (body over max_body_bytes, decided from Content-Length before the
// body is read), 408 (body read timed out), 400 (body shorter than announced), 500 (the handler
// threw or returned an invalid status; the body is generic, the reason goes to the log).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "channels/http/log.h"
#include "channels/http/router.h"

namespace Poco {
class ThreadPool;
namespace Net {
class TCPServer;
}  // namespace Net
}  // namespace Poco

namespace ferry::http {

class ExchangeFactory;

class Listener {
 public:
  struct Tls {
    std::string certificate_file;  // PEM, may hold the chain
    std::string private_key_file;  // PEM, unencrypted
    std::string ca_file;           // verifies client certificates when set
    bool require_client_certificate = false;
  };

  struct Config {
    std::string name = "http";          // channel name in log lines
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;             // 0: an ephemeral port, see port()
    std::optional<Tls> tls;
    std::size_t max_body_bytes = 16u << 20;
    int max_threads = 8;                // requests handled at once
    int max_queued = 64;                // accepted connections waiting for a thread; more are closed
    std::chrono::milliseconds read_timeout{30'000};  // per socket read, also the TLS handshake
    bool keep_alive = true;
    std::chrono::milliseconds keep_alive_timeout{15'000};
    int max_keep_alive_requests = 1000;
    LogSink log;                        // empty: stderrLogSink()
  };

  explicit Listener(Config config);
  ~Listener();  // stop()
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Registers a handler; only before start(). Throws std::invalid_argument for a bad or duplicate
  // route, std::logic_error once started.
  void route(std::string method, std::string path_prefix, Handler handler);

  // Binds and starts accepting. Throws std::invalid_argument for bad configuration (limits, TLS
  // files) and std::runtime_error when the address cannot be bound.
  void start();

  // Stops accepting, lets requests in progress finish and their responses go out, closes idle
  // keep-alive connections, and returns when every connection thread has ended. A handler that
  // never returns blocks stop(): handlers must bound their own work.
  void stop();

  bool running() const;
  std::uint16_t port() const;  // the bound port once started (useful with port 0)

 private:
  Config config_;
  Router router_;
  mutable std::mutex mutex_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
  ExchangeFactory* exchanges_ = nullptr;  // owned by server_ (through Poco's shared pointers)
  std::atomic<std::uint16_t> port_ = 0;
  std::atomic<bool> running_ = false;
};

}  // namespace ferry::http
