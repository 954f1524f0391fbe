#include "channels/mllp/sender.h"

#include <poll.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "channels/mllp/socket_io.h"
#include "channels/timespan.h"

namespace ferry::mllp {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Whether the socket has bytes (or a close) waiting, without blocking. One poll(2) on the
// descriptor: Poco's Socket::poll builds and tears down an epoll set for every call (four system
// calls), which the check before each message paid.
bool readableNow(const Poco::Net::StreamSocket& socket) {
  pollfd fd{static_cast<int>(socket.impl()->sockfd()), POLLIN, 0};
  return ::poll(&fd, 1, 0) > 0;
}

constexpr std::size_t kResponseReadBuffer = 16 * 1024;

SendResult failure(SendStatus status, std::string error, bool sent) {
  SendResult result;
  result.status = status;
  result.error = std::move(error);
  result.sent = sent;
  return result;
}

}  // namespace

std::string_view toString(SendStatus status) {
  switch (status) {
    case SendStatus::Acked: return "acked";
    case SendStatus::Written: return "written";
    case SendStatus::Timeout: return "timeout";
    case SendStatus::ConnectionError: return "connection_error";
  }
  return "connection_error";
}

Sender::Sender(SenderConfig config, LogSink log)
    : config_(std::move(config)),
      log_(config_.channel, std::move(log)),
      decoder_(config_.max_response_bytes) {
  if (config_.host.empty()) throw std::invalid_argument("MLLP sender '" + config_.channel + "': no host");
  if (config_.tls.enabled) tls_context_ = makeClientContext(config_.tls);
}

Sender::~Sender() { close(); }

std::string Sender::where() const { return config_.host + ":" + std::to_string(config_.port); }

SendResult Sender::send(std::string_view payload, milliseconds ack_timeout, bool silence_answers) {
  std::optional<SigpipeGuard> guard;
  if (config_.tls.enabled) guard.emplace();
  if (auto failed = writeFrame(payload)) return std::move(*failed);
  return awaitResponse(ack_timeout, silence_answers);
}

SendResult Sender::sendWithoutResponse(std::string_view payload) {
  std::optional<SigpipeGuard> guard;
  if (config_.tls.enabled) guard.emplace();
  if (auto failed = writeFrame(payload)) return std::move(*failed);
  SendResult result;
  result.status = SendStatus::Written;
  result.sent = true;
  return result;
}

std::optional<SendResult> Sender::writeFrame(std::string_view payload) {
  const std::string frame = encodeFrame(payload);
  // A connection kept from an earlier send may have died without us seeing it yet; if writing to
  // it fails, one more try on a fresh connection is safe (the peer cannot have the whole frame).
  for (int round = 0; round < 2; ++round) {
    const bool reused = socket_ != nullptr && connectionLooksAlive();
    if (!socket_) {
      std::string failed = ensureConnected();
      if (!failed.empty()) return failure(SendStatus::ConnectionError, std::move(failed), false);
    }
    try {
      sendAll(*socket_, frame);
    } catch (const Poco::Exception& e) {
      close();
      if (reused && round == 0) continue;
      return failure(SendStatus::ConnectionError, "cannot send to " + where() + ": " + e.displayText(), false);
    }
    return std::nullopt;
  }
  return failure(SendStatus::ConnectionError, "cannot send to " + where(), false);
}

SendResult Sender::awaitResponse(milliseconds ack_timeout, bool silence_answers) {
  decoder_.reset();
  const auto deadline = Clock::now() + ack_timeout;
  if (read_buffer_.empty()) read_buffer_.resize(kResponseReadBuffer);
  std::string response;
  for (;;) {
    if (decoder_.next(response)) {
      SendResult result;
      result.status = SendStatus::Acked;
      result.response = std::move(response);
      result.sent = true;
      return result;
    }
    if (decoder_.error()) {
      close();
      return failure(SendStatus::ConnectionError,
                     "the response from " + where() + " is larger than " +
                         std::to_string(config_.max_response_bytes) + " bytes",
                     true);
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      close();
      if (!silence_answers) {
        log_.write(LogEvent("mllp.sender.ack_timeout", LogLevel::Warning)
                       .field("peer", where())
                       .number("timeout_ms", static_cast<std::uint64_t>(ack_timeout.count())));
      }
      return failure(SendStatus::Timeout,
                     "no ACK from " + where() + " within " + std::to_string(ack_timeout.count()) + " ms", true);
    }
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
    std::size_t received = 0;
    try {
      setReceiveTimeout(std::clamp(left, milliseconds(1), kReadSlice));
      const ReadStatus status = readSome(*socket_, read_buffer_.data(), read_buffer_.size(), received);
      if (status == ReadStatus::Closed) {
        close();
        return failure(SendStatus::ConnectionError,
                       where() + " closed the connection before sending an ACK", true);
      }
    } catch (const Poco::Exception& e) {
      close();
      return failure(SendStatus::ConnectionError,
                     "connection to " + where() + " failed while waiting for the ACK: " + e.displayText(), true);
    }
    decoder_.feed(read_buffer_.data(), received);
  }
}

void Sender::setReceiveTimeout(milliseconds timeout) {
  if (timeout == receive_timeout_) return;
  socket_->setReceiveTimeout(channels::toTimespan(timeout));
  receive_timeout_ = timeout;
}

bool Sender::connectionLooksAlive() {
  try {
    // A TLS socket may hold decrypted bytes that the descriptor no longer shows.
    if (!readableNow(*socket_) && (!config_.tls.enabled || socket_->available() == 0)) return true;
    // Readable between messages: the peer closed, reset, or sent something nobody asked for.
    // TLS records that carry no data (session tickets) read as NoData and are fine.
    char probe[4096];
    std::size_t received = 0;
    setReceiveTimeout(milliseconds(10));
    if (readSome(*socket_, probe, sizeof probe, received) == ReadStatus::NoData) return true;
    log_.write(LogEvent("mllp.sender.connection_lost", LogLevel::Info)
                   .field("peer", where())
                   .field("reason", received > 0 ? "unexpected_bytes" : "peer_closed"));
  } catch (const Poco::Exception& e) {
    log_.write(LogEvent("mllp.sender.connection_lost", LogLevel::Info)
                   .field("peer", where())
                   .field("reason", "io_error")
                   .field("error", e.displayText()));
  }
  close();
  return false;
}

std::string Sender::ensureConnected() {
  const int attempts = std::max(1, config_.connect_attempts);
  std::string last_error;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (failures_ > 0) std::this_thread::sleep_until(next_attempt_);
    last_error = connectOnce();
    if (last_error.empty()) {
      ++connections_opened_;
      log_.write(LogEvent("mllp.sender.connected")
                     .field("peer", where())
                     .flag("tls", config_.tls.enabled)
                     .number("failed_attempts_before", static_cast<std::uint64_t>(failures_)));
      failures_ = 0;
      return {};
    }
    ++failures_;
    const milliseconds delay = backoffDelay();
    next_attempt_ = Clock::now() + delay;
    LogEvent failed("mllp.sender.connect_failed", LogLevel::Warning);
    failed.field("peer", where()).number("attempt", static_cast<std::uint64_t>(attempt)).field("error", last_error);
    // Without a backoff of its own (backoff_max 0) the caller decides when to try again, and says so.
    if (delay.count() > 0) failed.number("next_attempt_in_ms", static_cast<std::uint64_t>(delay.count()));
    log_.write(failed);
  }
  return "cannot connect to " + where() + " (" + std::to_string(attempts) +
         (attempts == 1 ? " attempt" : " attempts") + "): " + last_error;
}

std::string Sender::connectOnce() {
  try {
    const Poco::Net::SocketAddress address(config_.host, config_.port);
    std::unique_ptr<Poco::Net::StreamSocket> socket;
    if (tls_context_) {
      auto secure = std::make_unique<Poco::Net::SecureStreamSocket>(tls_context_);
      secure->setPeerHostName(config_.host);  // SNI
      secure->connect(address, channels::toTimespan(config_.connect_timeout));  // includes the handshake
      if (config_.tls.verify_host) {
        std::string mismatch = checkPeerName(*secure, config_.host);
        if (!mismatch.empty()) {
          secure->close();
          return mismatch;
        }
      }
      socket = std::move(secure);
    } else {
      socket = std::make_unique<Poco::Net::StreamSocket>();
      socket->connect(address, channels::toTimespan(config_.connect_timeout));
    }
    socket->setNoDelay(true);
    socket->setSendTimeout(channels::toTimespan(config_.write_timeout));
    socket_ = std::move(socket);
    receive_timeout_ = milliseconds(0);
    return {};
  } catch (const Poco::Exception& e) {
    return e.displayText();
  }
}

milliseconds Sender::backoffDelay() const {
  milliseconds delay = std::max(config_.backoff_initial, milliseconds(1));
  for (int i = 1; i < failures_ && delay < config_.backoff_max; ++i) delay *= 2;
  return std::min(delay, config_.backoff_max);
}

void Sender::close() {
  if (!socket_) return;
  std::optional<SigpipeGuard> guard;
  if (config_.tls.enabled) guard.emplace();  // TLS says goodbye with a write
  try {
    socket_->close();
  } catch (...) {
    // a broken connection may not close cleanly; it is gone either way
  }
  socket_.reset();
  decoder_.reset();
}

}  // namespace ferry::mllp
