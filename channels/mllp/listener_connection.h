#pragma once
// One accepted MLLP connection and the state it shares with its Listener. Internal to the
// listener: the connection thread owns a shared_ptr to ListenerState, so a thread that outlives
// stop() (a handler past stop_timeout) still finds its handler and log.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include <Poco/Net/StreamSocket.h>

#include "channels/mllp/event_log.h"
#include "channels/mllp/listener.h"

namespace ferry::mllp {

struct ListenerState {
  ListenerState(ListenerConfig c, Listener::Handler h, Listener::BatchHandler b, LogSink sink)
      : config(std::move(c)),
        handler(std::move(h)),
        batch_handler(std::move(b)),
        log(config.channel, std::move(sink)) {}

  const ListenerConfig config;
  const Listener::Handler handler;
  const Listener::BatchHandler batch_handler;
  const EventLog log;
  std::atomic<bool> stopping{false};

  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> frames{0};
  std::atomic<std::uint64_t> oversize_frames{0};

  std::mutex mutex;                // guards active
  std::condition_variable changed;  // signalled when a connection ends
  std::size_t active = 0;
};

class ListenerConnection {
 public:
  ListenerConnection(std::shared_ptr<ListenerState> state, const Poco::Net::StreamSocket& socket, Peer peer);

  // Serves the connection until it ends, closes it, logs why, and marks itself finished.
  void run();
  // From another thread: wakes a blocked read or write by shutting the socket down.
  void abort();
  bool finished() const { return finished_.load(); }

 private:
  std::string serve();              // returns the reason the connection ended
  std::string handshake();          // TLS: empty on success, else the reason
  bool respond(std::string frame, std::string& reason);
  void close();

  std::shared_ptr<ListenerState> state_;
  Poco::Net::StreamSocket socket_;
  Peer peer_;
  int fd_ = -1;
  std::mutex close_mutex_;  // close() vs abort(): never shut down a descriptor number reused elsewhere
  bool closed_ = false;
  std::atomic<bool> finished_{false};

  std::uint64_t frames_ = 0;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t skipped_ = 0;
};

}  // namespace ferry::mllp
