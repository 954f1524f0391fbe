#pragma once
// Blocking socket helpers shared by the listener and the sender. Reads use a short receive
// timeout (a "slice") so that loops can check deadlines and stop flags between reads; the same
// code serves plain and TLS sockets, since Poco::Net::SecureStreamSocket is a StreamSocket.

#include <chrono>
#include <cstddef>
#include <string_view>

#include <csignal>

#include <Poco/Net/StreamSocket.h>

namespace ferry::mllp {

inline constexpr std::chrono::milliseconds kReadSlice{100};

enum class ReadStatus { Data, NoData, Closed };

// One receive of at most size bytes, waiting up to the socket's receive timeout. NoData when
// nothing arrived in time; Closed when the peer closed the connection. Other socket and TLS
// failures throw Poco::Exception.
ReadStatus readSome(Poco::Net::StreamSocket& socket, char* buffer, std::size_t size, std::size_t& received);

// Sends every byte (one send call for small frames, as peers such as python3-hl7's mllp_send read
// an ACK with a single recv). Throws Poco::TimeoutException past the socket's send timeout.
void sendAll(Poco::Net::StreamSocket& socket, std::string_view bytes);

// Writing to a connection the peer has closed raises SIGPIPE, which would end the process.
// sendAll passes MSG_NOSIGNAL, which is enough for plain sockets; TLS writes go through
// OpenSSL's own write(), so threads the channel owns block SIGPIPE for good, and calls on a
// caller's thread with TLS use the guard, which blocks it for a scope and swallows a SIGPIPE
// raised meanwhile (four system calls, which is why plain sockets do without it).
void blockSigpipeInThisThread();

class SigpipeGuard {
 public:
  SigpipeGuard();
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_mask_{};
  bool was_pending_ = false;
};

}  // namespace ferry::mllp
