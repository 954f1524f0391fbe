#include "channels/mllp/listener_connection.h"

#include <sys/socket.h>

#include <utility>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/SecureStreamSocket.h>

#include "channels/mllp/connection_log.h"
#include "channels/mllp/socket_io.h"
#include "channels/timespan.h"

namespace ferry::mllp {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kConnectionReadBuffer = 64 * 1024;

}  // namespace

ListenerConnection::ListenerConnection(std::shared_ptr<ListenerState> state,
                                       const Poco::Net::StreamSocket& socket, Peer peer)
    : state_(std::move(state)), socket_(socket), peer_(std::move(peer)) {
  fd_ = static_cast<int>(socket_.impl()->sockfd());
}

void ListenerConnection::run() {
  blockSigpipeInThisThread();
  logConnectionOpened(state_->log, peer_);
  ConnectionEnd end;
  try {
    end.reason = serve();
  } catch (const Poco::TimeoutException&) {
    end.reason = "write_timeout";
  } catch (const Poco::Exception& e) {
    end.reason = "io_error";
    end.error = e.displayText();
  } catch (const std::exception& e) {
    end.reason = "io_error";
    end.error = e.what();
  }
  close();
  end.frames = frames_;
  end.bytes_in = bytes_in_;
  end.skipped = skipped_;
  logConnectionClosed(state_->log, peer_, end);
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    --state_->active;
    finished_ = true;
  }
  state_->changed.notify_all();
}

std::string ListenerConnection::serve() {
  const ListenerConfig& config = state_->config;
  socket_.setReceiveTimeout(channels::toTimespan(kReadSlice));
  socket_.setSendTimeout(channels::toTimespan(config.write_timeout));
  socket_.setNoDelay(true);
  if (peer_.tls) {
    std::string failed = handshake();
    if (!failed.empty()) return failed;
  }

  FrameDecoder decoder(config.max_frame_bytes);
  std::vector<char> buffer(kConnectionReadBuffer);
  std::string frame;
  auto last_activity = Clock::now();
  auto frame_started = last_activity;
  bool in_frame = false;
  std::uint64_t skipped_before_frame = 0;  // skippedBytes() when the last frame was delivered

  for (;;) {
    while (decoder.next(frame)) {
      if (state_->stopping) return "stopping";  // not yet handed over: the sender will resend
      skipped_before_frame = decoder.skippedBytes();
      std::string reason;
      if (!respond(std::move(frame), reason)) return reason;
      in_frame = false;
      last_activity = Clock::now();
    }
    skipped_ = decoder.skippedBytes();
    if (decoder.error()) {
      ++state_->oversize_frames;
      logFrameTooLarge(state_->log, peer_, *decoder.error());
      return "frame_too_large";
    }
    // Bytes outside any frame cost nothing to skip, but a peer that sends only those is not
    // speaking MLLP: past one frame's worth, stop listening to it.
    if (decoder.skippedBytes() - skipped_before_frame > config.max_frame_bytes) return "garbage";
    if (state_->stopping) return "stopping";

    const auto now = Clock::now();
    if (decoder.inFrame()) {
      if (!in_frame) {
        in_frame = true;
        frame_started = now;
      } else if (now - frame_started > config.read_timeout) {
        return "read_timeout";
      }
    } else {
      in_frame = false;
      if (now - last_activity > config.idle_timeout) return "idle_timeout";
    }

    std::size_t received = 0;
    switch (readSome(socket_, buffer.data(), buffer.size(), received)) {
      case ReadStatus::Closed:
        return decoder.inFrame() ? "peer_closed_mid_frame" : "peer_closed";
      case ReadStatus::NoData:
        break;
      case ReadStatus::Data:
        bytes_in_ += received;
        decoder.feed(buffer.data(), received);
        last_activity = Clock::now();
        break;
    }
  }
}

std::string ListenerConnection::handshake() {
  Poco::Net::SecureStreamSocket secure(socket_);
  const auto deadline = Clock::now() + state_->config.read_timeout;
  for (;;) {
    if (state_->stopping) return "stopping";
    try {
      const int rc = secure.completeHandshake();
      if (rc == 1) break;
      if (rc == 0) return "peer_closed";
    } catch (const Poco::TimeoutException&) {
      // no bytes within a read slice: check the deadline and try again
    } catch (const Poco::Exception& e) {
      state_->log.write(LogEvent("mllp.tls.handshake_failed", LogLevel::Warning)
                            .field("peer", peer_.address)
                            .number("connection", peer_.connection)
                            .field("error", e.displayText()));
      return "tls_handshake_failed";
    }
    if (Clock::now() > deadline) return "tls_handshake_timeout";
  }
  peer_.certificate_subject = peerCertificateSubject(secure);
  LogEvent done("mllp.tls.handshake_completed");
  done.field("peer", peer_.address).number("connection", peer_.connection);
  if (!peer_.certificate_subject.empty()) done.field("client_certificate", peer_.certificate_subject);
  state_->log.write(done);
  return {};
}

bool ListenerConnection::respond(std::string frame, std::string& reason) {
  ++frames_;
  ++state_->frames;
  std::string response;
  try {
    response = state_->handler(std::move(frame), peer_);
  } catch (...) {
    logHandlerFailed(state_->log, peer_, frames_);
    reason = "handler_error";
    return false;
  }
  if (!response.empty()) sendAll(socket_, encodeFrame(response));
  return true;
}

void ListenerConnection::abort() {
  std::lock_guard<std::mutex> lock(close_mutex_);
  if (!closed_ && fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void ListenerConnection::close() {
  {
    std::lock_guard<std::mutex> lock(close_mutex_);
    if (closed_) return;
    closed_ = true;
  }
  try {
    socket_.close();
  } catch (...) {
    // closing a broken connection may fail; it is closed either way
  }
}

}  // namespace ferry::mllp
