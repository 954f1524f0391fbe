#include "channels/mllp/event_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

#include <Poco/Net/SocketAddress.h>

#include "channels/mllp/connection_log.h"
#include "channels/mllp/socket_io.h"

namespace ferry::mllp {

namespace {

constexpr std::size_t kReadBuffer = 64 * 1024;
// Reads of one connection in one turn: a peer that streams cannot keep the others waiting.
constexpr int kReadsPerTurn = 4;
constexpr int kMaxEvents = 256;
constexpr int kMaxAcceptsPerTurn = 64;
// Time-outs are checked this often; they may fire this much late.
constexpr auto kSweepEvery = std::chrono::milliseconds(50);

// Tags for the two descriptors that are not connections (epoll_event.data.ptr).
char listen_tag;
char wake_tag;

std::string errorText(int error) { return std::strerror(error); }

}  // namespace

struct EventLoop::Connection {
  Connection(int descriptor, std::size_t max_frame_bytes) : fd(descriptor), decoder(max_frame_bytes) {}

  int fd;
  Peer peer;
  FrameDecoder decoder;
  std::string out;  // the framed response, from out_sent on not yet taken by the socket
  std::size_t out_sent = 0;
  Clock::time_point last_activity;
  Clock::time_point frame_started;
  Clock::time_point write_started;
  bool in_frame = false;
  bool peer_closed = false;  // the peer has shut its side: answer what was read, then close
  bool listed = false;
  std::uint32_t interest = EPOLLIN;
  std::uint64_t skipped_before_frame = 0;  // decoder.skippedBytes() when the last frame was taken
  std::uint64_t frames = 0;
  std::uint64_t bytes_in = 0;
  std::string closing;  // why it is to be closed; empty while it is served
  std::string error;
};

EventLoop::EventLoop(std::shared_ptr<ListenerState> state, int listen_fd)
    : state_(std::move(state)), listen_fd_(listen_fd), buffer_(kReadBuffer) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    const int error = errno;
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    throw std::runtime_error("MLLP listener '" + state_->config.channel +
                             "': cannot create its event loop: " + errorText(error));
  }
  epoll_event listen_event{};
  // Several loops wait on the one listening socket; a new connection wakes one of them.
  listen_event.events = EPOLLIN | EPOLLEXCLUSIVE;
  listen_event.data.ptr = &listen_tag;
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.ptr = &wake_tag;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &listen_event) != 0 ||
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake_event) != 0) {
    const int error = errno;
    ::close(epoll_fd_);
    ::close(wake_fd_);
    throw std::runtime_error("MLLP listener '" + state_->config.channel +
                             "': cannot watch its socket: " + errorText(error));
  }
}

EventLoop::~EventLoop() {
  for (auto& [fd, c] : connections_) ::close(fd);
  for (auto& [fd, address] : inbox_) ::close(fd);  // handed over to a loop that never ran
  ::close(epoll_fd_);
  ::close(wake_fd_);
}

void EventLoop::wake() {
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

bool EventLoop::waitFinished(std::chrono::milliseconds timeout) {
  std::unique_lock lock(finished_mutex_);
  return finished_changed_.wait_for(lock, timeout, [this] { return finished_; });
}

std::size_t EventLoop::abortConnections() {
  std::lock_guard lock(fds_mutex_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  return open_fds_.size();
}

void EventLoop::run() {
  blockSigpipeInThisThread();
  epoll_event events[kMaxEvents];
  auto last_sweep = Clock::now();
  while (!state_->stopping) {
    try {
      turn(events, last_sweep);
    } catch (const std::exception& e) {
      // Out of memory, most likely (the handler's own failures are caught in handleBatch). Say so
      // and go on after a pause rather than take the engine down: a frame whose answer was lost
      // is sent again by its sender after its ACK timeout, and found a duplicate.
      state_->log.write(LogEvent("mllp.listener.loop_failed", LogLevel::Error).field("error", e.what()));
      std::this_thread::sleep_for(kReadSlice);
    }
  }
  {
    // Connections a sibling handed over too late are closed unserved, like frames not taken.
    std::lock_guard lock(inbox_mutex_);
    inbox_closed_ = true;
    for (auto& [fd, address] : inbox_) {
      ::close(fd);
      --load_;
      releaseSlot();
    }
    inbox_.clear();
  }
  std::vector<Connection*> open;
  for (auto& [fd, c] : connections_) open.push_back(c.get());
  for (Connection* c : open) {
    if (c->closing.empty()) c->closing = "stopping";
    close(*c);
  }
  std::lock_guard lock(finished_mutex_);
  finished_ = true;
  finished_changed_.notify_all();
}

// One turn: wait for the sockets (or not, when a frame is waiting), read, hand the batch over,
// check time-outs, close what must be closed.
void EventLoop::turn(epoll_event* events, Clock::time_point& last_sweep) {
  // A connection still listed has a frame waiting: look at the sockets without sleeping.
  const int timeout_ms = listed_.empty() ? static_cast<int>(kSweepEvery.count()) : 0;
  const int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  if (n < 0 && errno != EINTR) {
    // Not expected with descriptors of our own; bounded, so a broken epoll cannot spin.
    state_->log.write(LogEvent("mllp.listener.poll_failed", LogLevel::Error).field("error", errorText(errno)));
    std::this_thread::sleep_for(kReadSlice);
  }
  for (int i = 0; i < n; ++i) {
    void* tag = events[i].data.ptr;
    if (tag == &listen_tag) {
      acceptPending();
    } else if (tag == &wake_tag) {
      std::uint64_t count = 0;
      (void)!::read(wake_fd_, &count, sizeof count);
      adoptInbox();
    } else {
      Connection& c = *static_cast<Connection*>(tag);
      if ((events[i].events & EPOLLOUT) != 0) flush(c);
      if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0) read(c);
      list(c);
    }
  }
  // Frames read but not handed over yet get no response: their senders will send them again.
  if (state_->stopping) return;
  handleBatch();
  const auto now = Clock::now();
  if (now - last_sweep >= kSweepEvery) {
    sweep(now);
    last_sweep = now;
  }
  closeMarked();
}

void EventLoop::acceptPending() {
  for (int i = 0; i < kMaxAcceptsPerTurn; ++i) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      std::string peer;
      try {
        peer = Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&address), length).toString();
      } catch (const std::exception&) {
        peer = "unknown";
      }
      admit(fd, peer);
      continue;
    }
    const int error = errno;
    if (error == EAGAIN || error == EWOULDBLOCK) return;
    if (error == EINTR || error == ECONNABORTED) continue;
    // e.g. out of descriptors: say so, and stop watching a listening socket that stays readable
    // for a moment rather than spin on it (the sweep watches it again).
    state_->log.write(LogEvent("mllp.listener.accept_failed", LogLevel::Error).field("error", errorText(error)));
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    accepting_ = false;
    accept_again_at_ = Clock::now() + kReadSlice;
    return;
  }
}

void EventLoop::admit(int fd, const std::string& address) {
  const ListenerConfig& config = state_->config;
  {
    std::unique_lock lock(state_->mutex);
    if (state_->active >= config.max_connections) {
      lock.unlock();
      ++state_->refused;
      logConnectionRefused(state_->log, address, "max_connections", config.max_connections);
      ::close(fd);
      return;
    }
    ++state_->active;
  }
  EventLoop* target = this;
  for (EventLoop* sibling : siblings_) {
    if (sibling->load_.load() < target->load_.load()) target = sibling;
  }
  ++target->load_;
  if (target == this) {
    serve(fd, address);
  } else if (!target->adopt(fd, address)) {
    --target->load_;
    releaseSlot();
    ::close(fd);
  }
}

bool EventLoop::adopt(int fd, const std::string& address) {
  {
    std::lock_guard lock(inbox_mutex_);
    if (inbox_closed_) return false;
    inbox_.emplace_back(fd, address);
  }
  wake();
  return true;
}

void EventLoop::adoptInbox() {
  std::vector<std::pair<int, std::string>> adopted;
  {
    std::lock_guard lock(inbox_mutex_);
    adopted.swap(inbox_);
  }
  for (auto& [fd, address] : adopted) serve(fd, address);
}

void EventLoop::releaseSlot() {
  {
    std::lock_guard lock(state_->mutex);
    --state_->active;
  }
  state_->changed.notify_all();
}

// A connection admitted (its slot counted in state_->active and in load_) starts being served here.
void EventLoop::serve(int fd, const std::string& address) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  auto c = std::make_unique<Connection>(fd, state_->config.max_frame_bytes);
  c->peer.address = address;
  c->peer.connection = ++state_->accepted;
  c->last_activity = Clock::now();
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = c.get();
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    const int error = errno;
    --load_;
    releaseSlot();
    logConnectionRefused(state_->log, address, "no_watch", state_->config.max_connections, errorText(error));
    ::close(fd);
    return;
  }
  {
    std::lock_guard lock(fds_mutex_);
    open_fds_.insert(fd);
  }
  logConnectionOpened(state_->log, c->peer);
  connections_.emplace(fd, std::move(c));
}

void EventLoop::read(Connection& c) {
  if (!c.closing.empty() || c.peer_closed) return;
  for (int reads = 0; reads < kReadsPerTurn; ++reads) {
    const ssize_t n = ::recv(c.fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (n > 0) {
      c.bytes_in += static_cast<std::uint64_t>(n);
      c.decoder.feed(buffer_.data(), static_cast<std::size_t>(n));
      c.last_activity = Clock::now();
      if (c.decoder.inFrame() && !c.in_frame) {
        c.in_frame = true;
        c.frame_started = c.last_activity;
      }
      // A frame is complete: take it before reading more, so one peer's backlog stays in its
      // socket rather than in memory here.
      if (c.decoder.hasQueued()) return;
      continue;
    }
    if (n == 0) {
      c.peer_closed = true;
      return;
    }
    const int error = errno;
    if (error == EAGAIN || error == EWOULDBLOCK) return;
    if (error == EINTR) continue;
    c.closing = "io_error";
    c.error = errorText(error);
    return;
  }
}

void EventLoop::flush(Connection& c) {
  while (c.closing.empty() && c.out_sent < c.out.size()) {
    const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out_sent += static_cast<std::size_t>(n);
      continue;
    }
    const int error = errno;
    if (n < 0 && (error == EAGAIN || error == EWOULDBLOCK)) return;  // EPOLLOUT says when to go on
    if (n < 0 && error == EINTR) continue;
    c.closing = "io_error";
    c.error = n < 0 ? errorText(error) : "the connection did not take any more bytes";
  }
  if (c.out_sent >= c.out.size()) {
    c.out.clear();
    c.out_sent = 0;
  }
}

bool EventLoop::takeFrame(Connection& c, std::string& frame) {
  if (!c.closing.empty() || !c.out.empty()) return false;
  if (c.decoder.next(frame)) {
    c.skipped_before_frame = c.decoder.skippedBytes();
    c.in_frame = false;
    return true;
  }
  if (c.decoder.error()) {
    ++state_->oversize_frames;
    logFrameTooLarge(state_->log, c.peer, *c.decoder.error());
    c.closing = "frame_too_large";
  } else if (c.decoder.skippedBytes() - c.skipped_before_frame > state_->config.max_frame_bytes) {
    // Bytes outside any frame cost nothing to skip, but a peer that sends only those is not
    // speaking MLLP: past one frame's worth, stop listening to it.
    c.closing = "garbage";
  } else if (c.peer_closed) {
    c.closing = c.decoder.inFrame() ? "peer_closed_mid_frame" : "peer_closed";
  }
  return false;
}

void EventLoop::handleBatch() {
  batch_.clear();
  batch_owners_.clear();
  for (Connection* c : listed_) {
    std::string frame;
    if (!takeFrame(*c, frame)) continue;
    batch_.push_back(InboundFrame{std::move(frame), &c->peer, std::nullopt});
    batch_owners_.push_back(c);
  }
  if (!batch_.empty()) {
    state_->frames += batch_.size();
    bool failed = false;
    try {
      state_->batch_handler(batch_);
    } catch (...) {
      failed = true;  // every frame of the call: none has a response the handler vouched for
    }
    const auto now = Clock::now();
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      Connection& c = *batch_owners_[i];
      ++c.frames;
      if (failed || !batch_[i].response) {
        logHandlerFailed(state_->log, c.peer, c.frames);
        c.closing = "handler_error";
        continue;
      }
      c.last_activity = now;
      if (batch_[i].response->empty()) continue;
      c.out = encodeFrame(*batch_[i].response);
      c.out_sent = 0;
      c.write_started = now;
      flush(c);
    }
  }
  // Keep listed only the connections with more to hand over (or to close); the others wait for
  // their socket.
  std::size_t kept = 0;
  for (Connection* c : listed_) {
    if (c->closing.empty()) setInterest(*c);  // first: it may mark the connection to be closed
    const bool more = !c->closing.empty() || (c->out.empty() && c->decoder.hasQueued()) ||
                      (c->peer_closed && c->out.empty());
    if (more) {
      listed_[kept++] = c;
    } else {
      c->listed = false;
    }
  }
  listed_.resize(kept);
}

void EventLoop::sweep(Clock::time_point now) {
  const ListenerConfig& config = state_->config;
  if (!accepting_ && now >= accept_again_at_) {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLEXCLUSIVE;
    event.data.ptr = &listen_tag;
    accepting_ = ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &event) == 0;
    if (!accepting_) accept_again_at_ = now + kReadSlice;
  }
  for (auto& [fd, owned] : connections_) {
    Connection& c = *owned;
    if (!c.closing.empty()) continue;
    if (!c.out.empty()) {
      if (now - c.write_started > config.write_timeout) c.closing = "write_timeout";
    } else if (c.decoder.inFrame()) {
      if (!c.in_frame) {
        c.in_frame = true;
        c.frame_started = now;
      } else if (now - c.frame_started > config.read_timeout) {
        c.closing = "read_timeout";
      }
    } else {
      c.in_frame = false;
      if (!c.decoder.hasQueued() && now - c.last_activity > config.idle_timeout) c.closing = "idle_timeout";
    }
    if (!c.closing.empty()) list(c);
  }
}

void EventLoop::setInterest(Connection& c) {
  // Read only when nothing is waiting here: a complete frame not yet handed over, a response the
  // socket has not taken (then wait to write), or a peer that has closed its side.
  std::uint32_t want = 0;
  if (!c.out.empty()) {
    want = EPOLLOUT;
  } else if (!c.peer_closed && !c.decoder.hasQueued()) {
    want = EPOLLIN;
  }
  if (want == c.interest) return;
  epoll_event event{};
  event.events = want;
  event.data.ptr = &c;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &event) == 0) {
    c.interest = want;
  } else {
    c.closing = "io_error";  // handleBatch keeps it listed, and closeMarked closes it
    c.error = errorText(errno);
  }
}

void EventLoop::list(Connection& c) {
  if (c.listed) return;
  c.listed = true;
  listed_.push_back(&c);
}

void EventLoop::closeMarked() {
  std::size_t kept = 0;
  for (Connection* c : listed_) {
    if (c->closing.empty()) {
      listed_[kept++] = c;
    } else {
      close(*c);  // frees c
    }
  }
  listed_.resize(kept);
}

void EventLoop::close(Connection& c) {
  const int fd = c.fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  {
    std::lock_guard lock(fds_mutex_);
    open_fds_.erase(fd);
    ::close(fd);
  }
  ConnectionEnd end;
  end.reason = c.closing;
  end.error = c.error;
  end.frames = c.frames;
  end.bytes_in = c.bytes_in;
  end.skipped = c.decoder.skippedBytes();
  logConnectionClosed(state_->log, c.peer, end);
  connections_.erase(fd);
  --load_;
  releaseSlot();
}

}  // namespace ferry::mllp
