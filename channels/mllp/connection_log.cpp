#include "channels/mllp/connection_log.h"

namespace ferry::mllp {

namespace {

// Reasons a connection ends that say nothing bad about the peer.
bool routineEnd(const std::string& reason) {
  return reason == "peer_closed" || reason == "idle_timeout" || reason == "stopping";
}

}  // namespace

void logConnectionOpened(const EventLog& log, const Peer& peer) {
  log.write(LogEvent("mllp.connection.opened")
                .field("peer", peer.address)
                .number("connection", peer.connection)
                .flag("tls", peer.tls));
}

void logConnectionClosed(const EventLog& log, const Peer& peer, const ConnectionEnd& end) {
  // Bytes outside any frame were skipped: the peer's framing is off, worth a warning even when
  // the connection ended as usual (the line that says so must outlive "log_level": "warning").
  const bool routine = routineEnd(end.reason) && end.skipped == 0;
  LogEvent closed("mllp.connection.closed", routine ? LogLevel::Info : LogLevel::Warning);
  closed.field("peer", peer.address)
      .number("connection", peer.connection)
      .field("reason", end.reason)
      .number("frames", end.frames)
      .number("bytes_in", end.bytes_in)
      .number("skipped_bytes", end.skipped);
  if (!end.error.empty()) closed.field("error", end.error);
  log.write(closed);
}

void logConnectionRefused(const EventLog& log, const std::string& address, const std::string& reason,
                          std::size_t max_connections, const std::string& error) {
  LogEvent refused("mllp.connection.refused", error.empty() ? LogLevel::Warning : LogLevel::Error);
  refused.field("peer", address).field("reason", reason);
  if (error.empty()) {
    refused.number("max_connections", max_connections);
  } else {
    refused.field("error", error);
  }
  log.write(refused);
}

void logHandlerFailed(const EventLog& log, const Peer& peer, std::uint64_t frame) {
  // The exception text is left out on purpose: it may quote the message.
  log.write(LogEvent("mllp.handler.failed", LogLevel::Error)
                .field("peer", peer.address)
                .number("connection", peer.connection)
                .number("frame", frame));
}

void logFrameTooLarge(const EventLog& log, const Peer& peer, const FrameError& error) {
  log.write(LogEvent("mllp.frame.too_large", LogLevel::Warning)
                .field("peer", peer.address)
                .number("connection", peer.connection)
                .number("limit", error.limit)
                .number("stream_offset", error.offset));
}

}  // namespace ferry::mllp
