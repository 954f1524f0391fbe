#include "channels/mllp/socket_io.h"

#include <pthread.h>
#include <sys/socket.h>

#include <climits>
#include <ctime>

#include <Poco/Exception.h>

namespace ferry::mllp {

ReadStatus readSome(Poco::Net::StreamSocket& socket, char* buffer, std::size_t size, std::size_t& received) {
  received = 0;
  int n = 0;
  try {
    n = socket.receiveBytes(buffer, static_cast<int>(size < INT_MAX ? size : INT_MAX));
  } catch (const Poco::TimeoutException&) {
    return ReadStatus::NoData;
  }
  if (n == 0) return ReadStatus::Closed;
  if (n < 0) return ReadStatus::NoData;  // TLS wants more bytes before it can hand out data
  received = static_cast<std::size_t>(n);
  return ReadStatus::Data;
}

void sendAll(Poco::Net::StreamSocket& socket, std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const std::size_t left = bytes.size() - sent;
    // MSG_NOSIGNAL: a peer that has closed gives EPIPE instead of SIGPIPE on a plain socket
    // (TLS writes through OpenSSL, which ignores the flags: see SigpipeGuard).
    const int n = socket.sendBytes(bytes.data() + sent, static_cast<int>(left < INT_MAX ? left : INT_MAX), MSG_NOSIGNAL);
    if (n <= 0) throw Poco::IOException("the connection did not take any more bytes");
    sent += static_cast<std::size_t>(n);
  }
}

void blockSigpipeInThisThread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SigpipeGuard::SigpipeGuard() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
}

SigpipeGuard::~SigpipeGuard() {
  if (!was_pending_) {
    sigset_t pending;
    sigemptyset(&pending);
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) == 1) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGPIPE);
      const timespec zero{0, 0};
      sigtimedwait(&set, nullptr, &zero);
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace ferry::mllp
