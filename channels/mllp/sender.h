#pragma once
// An MLLP client with one persistent connection: send() frames a payload, writes it and reads
// exactly one response frame. It does not read HL7: whether the response is an AA, CA or AE is
// for the caller to decide.
//
// The connection is opened on first use and kept. When it has dropped, the next send() notices
// (before writing, when the peer's close has arrived) and reconnects; failed connection attempts
// back off exponentially from backoff_initial up to backoff_max, and each send() makes at most
// connect_attempts of them, so a send() is bounded in time. After an ACK timeout the connection
// is closed, because a late ACK on it would otherwise be read as the answer to the next message.
//
// Not thread-safe: one Sender per delivery worker (HL7 feeds are ordered per destination anyway).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/mllp/event_log.h"
#include "channels/mllp/frame_decoder.h"
#include "channels/mllp/tls.h"

namespace Poco::Net {
class StreamSocket;
}

namespace ferry::mllp {

struct SenderConfig {
  std::string channel = "mllp";  // name in the log lines
  std::string host;
  std::uint16_t port = 0;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};  // TCP connect and TLS handshake
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};
  std::size_t max_response_bytes = FrameDecoder::kDefaultMaxFrameBytes;
  int connect_attempts = 3;  // per send()
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{std::chrono::seconds(5)};  // 0: no wait between attempts
  SenderTls tls;
};

enum class SendStatus {
  Acked,            // a response frame arrived (it may still be a negative acknowledgment)
  Written,          // sendWithoutResponse(): the whole frame was written, no response awaited
  Timeout,          // no complete response frame within ack_timeout; the connection was closed
  ConnectionError,  // could not connect, write, or the peer closed before responding
};

std::string_view toString(SendStatus status);

struct SendResult {
  SendStatus status = SendStatus::ConnectionError;
  std::string response;  // the response frame's payload, when Acked
  std::string error;     // one sentence, when not Acked
  bool sent = false;     // the whole frame was written: the peer may have the message
};

class Sender {
 public:
  // Throws std::invalid_argument for unusable settings (TLS files, empty host).
  explicit Sender(SenderConfig config, LogSink log = {});
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Sends one payload and waits up to ack_timeout (counted once the frame is written) for the
  // response. Never throws for network trouble; that is in the result.
  // `silence_answers`: no response is itself an answer (a message whose MSH-15 is ER or SU), so
  // the timeout is not logged as a warning; the connection is still closed.
  SendResult send(std::string_view payload, std::chrono::milliseconds ack_timeout, bool silence_answers = false);
  // Writes one payload and waits for nothing: for a message whose MSH-15 asks its receiver for
  // no acknowledgment (NE). An answer the peer sends anyway is found unasked before the next
  // send, which then starts a new connection.
  SendResult sendWithoutResponse(std::string_view payload);

  bool connected() const { return socket_ != nullptr; }
  void close();  // the next send() reconnects
  std::uint64_t connectionsOpened() const { return connections_opened_; }

 private:
  // Connects if needed, with backoff; empty on success, else the reason.
  std::string ensureConnected();
  std::string connectOnce();
  // Connects if needed and writes the frame; the failure, or nullopt once it is written.
  std::optional<SendResult> writeFrame(std::string_view payload);
  bool connectionLooksAlive();  // false when the peer has closed it (or sent something unasked)
  SendResult awaitResponse(std::chrono::milliseconds ack_timeout, bool silence_answers);
  std::chrono::milliseconds backoffDelay() const;
  std::string where() const;

  SenderConfig config_;
  EventLog log_;
  std::unique_ptr<Poco::Net::StreamSocket> socket_;
  Poco::Net::Context::Ptr tls_context_;  // null for plain TCP
  FrameDecoder decoder_;
  std::vector<char> read_buffer_;  // for responses, kept between sends (one allocation)
  int failures_ = 0;  // consecutive failed connection attempts
  std::chrono::steady_clock::time_point next_attempt_{};
  std::uint64_t connections_opened_ = 0;
  // The socket's receive timeout as last set: setting it is a system call, and it is almost
  // always the same read slice, so it is set only when it changes. Zero: unknown (new socket).
  std::chrono::milliseconds receive_timeout_{0};
  void setReceiveTimeout(std::chrono::milliseconds timeout);
};

}  // namespace ferry::mllp
