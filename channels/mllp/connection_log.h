#pragma once
// The log lines of one MLLP connection's life, the same whether a thread or the event loop
// serves it: opened, closed (with why), refused, a handler failure, an oversize frame. Only
// addresses, counts and reasons: never the frames' content.

#include <cstdint>
#include <string>

#include "channels/mllp/event_log.h"
#include "channels/mllp/frame_decoder.h"
#include "channels/mllp/listener.h"

namespace ferry::mllp {

// What a connection did before it ended, for its "mllp.connection.closed" line.
struct ConnectionEnd {
  std::string reason;  // "peer_closed", "idle_timeout", "garbage", ...
  std::string error;   // the socket or TLS error text, when there was one
  std::uint64_t frames = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t skipped = 0;
};

void logConnectionOpened(const EventLog& log, const Peer& peer);
void logConnectionClosed(const EventLog& log, const Peer& peer, const ConnectionEnd& end);
void logConnectionRefused(const EventLog& log, const std::string& address, const std::string& reason,
                          std::size_t max_connections, const std::string& error = {});
void logHandlerFailed(const EventLog& log, const Peer& peer, std::uint64_t frame);
void logFrameTooLarge(const EventLog& log, const Peer& peer, const FrameError& error);

}  // namespace ferry::mllp
