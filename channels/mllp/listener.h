#pragma once
// An MLLP server: accepts connections (plain TCP or TLS, optionally mutual TLS), cuts each byte
// stream into frames and hands every frame to the caller's handler, whose returned bytes go back
// framed as the response. One frame at a time per connection, so responses keep the order of
// the messages. A channel knows bytes and connections, not formats: the handler (the engine)
// commits the message and builds the ACK.
//
// Two ways to serve connections, the same on the wire:
// - threads (without a BatchHandler, and always for TLS): each connection has its own thread,
//   which hands its frames one at a time to the Handler; handlers of different connections run
//   concurrently.
// - event loops (plain TCP with a BatchHandler; two by default): each loop waits on all of its
//   connections at once (epoll) and hands the frames that arrived together, at most one a
//   connection, to the BatchHandler in one call. An engine that commits them in one transaction
//   pays one wake-up and one durable commit for the lot instead of one of each a message (see
//   event_loop.h).
// At most max_connections connections either way; one beyond that is accepted and closed at once
// (logged), so the peer sees the refusal instead of waiting in a queue. Every wait is bounded: a
// peer that stalls, sends garbage or an oversize frame loses only its own connection.
//
// Frames that grow past max_frame_bytes get no response: the connection is closed as soon as the
// limit is crossed, without reading the rest, and the sender sees the close instead of an ACK.
// (An AR would be an answer to a message Ferry never read; closing is what the sender's
// retry logic already handles.)

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "channels/mllp/event_log.h"
#include "channels/mllp/frame_decoder.h"
#include "channels/mllp/tls.h"

namespace Poco::Net {
class ServerSocket;
class StreamSocket;
}  // namespace Poco::Net

namespace ferry::mllp {

// Who sent a frame.
struct Peer {
  std::string address;              // "127.0.0.1:50514", as in the log lines
  std::uint64_t connection = 0;     // 1-based connection number within the listener
  bool tls = false;
  std::string certificate_subject;  // mutual TLS: the verified client certificate's subject
};

struct ListenerConfig {
  std::string channel = "mllp";     // name in the log lines
  std::string host = "127.0.0.1";   // interface to bind; "0.0.0.0" for every IPv4 interface
  std::uint16_t port = 0;           // 0: an ephemeral port, see Listener::port()
  std::size_t max_frame_bytes = FrameDecoder::kDefaultMaxFrameBytes;
  std::size_t max_connections = 64;
  // A connection with no frame in progress and no bytes for this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  // A frame (and a TLS handshake) must be complete this long after its first byte arrived; it
  // bounds slow peers as well as stalled ones.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};  // sending one response
  // stop() waits this long for handlers in progress before it closes their connections anyway.
  std::chrono::milliseconds stop_timeout{std::chrono::seconds(10)};
  ListenerTls tls;
  // Serve plain TCP connections from event loops when a BatchHandler is given (ignored for TLS,
  // whose connections always have a thread each).
  bool event_loop = true;
  // How many: while one waits for its batch's durable commit, another reads and answers.
  std::size_t event_loops = 2;
};

// One frame of a batch (Listener::BatchHandler): the handler sets response for each.
struct InboundFrame {
  std::string payload;
  const Peer* peer = nullptr;
  // The payload of the response frame; empty sends nothing back. Left unset: the handler failed
  // for this frame, and its connection is closed without a response (like a Handler's exception).
  std::optional<std::string> response;
};

struct ListenerCounters {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;         // over max_connections
  std::uint64_t frames = 0;          // handed to the handler
  std::uint64_t oversize_frames = 0;
};

struct ListenerState;  // shared with the connection threads (listener_connection.h)
class EventLoop;      // event_loop.h

class Listener {
 public:
  // Gets the payload of one frame; returns the payload of the response frame. An empty string
  // sends nothing back. Called on the connection's thread; calls for different connections run
  // concurrently. An exception closes the connection without a response (logged without its
  // text, which might quote the message).
  using Handler = std::function<std::string(std::string frame, const Peer& peer)>;
  // The event loop's: gets the frames of several connections at once, in the order they were
  // read, and sets each one's response. An exception fails every frame of the call.
  using BatchHandler = std::function<void(std::vector<InboundFrame>& frames)>;

  Listener(ListenerConfig config, Handler handler, LogSink log = {});
  // handler serves TLS connections (threads), batch_handler plain ones when config.event_loop.
  Listener(ListenerConfig config, Handler handler, BatchHandler batch_handler, LogSink log = {});
  ~Listener();  // stop()
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds, listens and starts accepting. Throws std::runtime_error when the address cannot be
  // bound and std::invalid_argument for unusable TLS settings. Call once.
  void start();
  // The bound port (the ephemeral one when config.port was 0); 0 before start().
  std::uint16_t port() const { return port_; }

  // Stops accepting, lets handlers in progress finish and send their responses (waiting up to
  // stop_timeout), and closes every connection. Frames not yet handed to the handler get no
  // response; their senders will resend. A handler still running after stop_timeout keeps its
  // thread (detached, its socket shut down) until it returns, so whatever it captures must stay
  // valid that long; the log sink is not called after stop() returns. Idempotent.
  void stop();

  std::size_t activeConnections() const;
  ListenerCounters counters() const;

 private:
  struct Slot;

  bool usesEventLoop() const;
  void stopEventLoop();
  void acceptLoop();
  void admit(Poco::Net::StreamSocket& socket, const std::string& address);
  void reapFinished();

  std::shared_ptr<ListenerState> state_;
  std::unique_ptr<Poco::Net::ServerSocket> server_;
  std::thread acceptor_;  // the accepting thread (threads mode)
  std::vector<std::shared_ptr<EventLoop>> loops_;
  std::vector<std::thread> loop_threads_;
  std::list<Slot> slots_;  // touched by the acceptor thread, and by stop() once it has ended
  std::uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace ferry::mllp
