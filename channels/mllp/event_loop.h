#pragma once
// Plain-TCP MLLP connections served by one thread. With a thread a connection, every message
// costs its connection thread a wake-up for the frame and another for its durable commit, and
// each of those threads sleeps and wakes on its own; at a few thousand messages a second those
// hand-offs cost the engine more CPU than its store. The event loop instead waits on every
// connection at once (epoll), reads what has arrived, and hands the frames that arrived together
// (at most one a connection, so each connection's responses keep their order) to the listener's
// BatchHandler in one call, which can commit them in one transaction and answer them all.
//
// The same rules as the threads (listener.h): limits on frame size, connections and idle, read and
// write times; bytes outside frames skipped and, past one frame's worth, the peer dropped; frames
// not yet handed over when the listener stops get no response. A connection stops being read
// while it has a frame waiting or a response the socket has not taken, so a peer that sends
// without reading its ACKs cannot make the loop buffer without end.
//
// Internal to the Listener, which owns the listening socket and the loop's thread.

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "channels/mllp/listener_connection.h"

namespace ferry::mllp {

class EventLoop {
 public:
  // listen_fd: the Listener's bound, listening, non-blocking socket; it must stay open until
  // run() has returned or the loop has been abandoned (see Listener::stop).
  EventLoop(std::shared_ptr<ListenerState> state, int listen_fd);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Serves connections until the listener's stopping flag is set, then closes them all and
  // returns. Runs on the Listener's thread.
  void run();

  // From another thread: run() looks at the stopping flag now rather than at its next time-out.
  void wake();
  // From another thread: true once run() has returned, waiting up to timeout for it.
  bool waitFinished(std::chrono::milliseconds timeout);
  // From another thread, when run() is stuck in the handler past the stop timeout: shuts every
  // open connection down so its peer sees the end now. Returns how many were open.
  std::size_t abortConnections();

  // The loops sharing the listening socket, this one included; set before any of them runs. The
  // loop that accepts a connection gives it to the one serving the fewest (through that loop's
  // inbox): epoll wakes whichever loop is idle, which would otherwise end up with most of a burst.
  void setSiblings(std::vector<EventLoop*> siblings) { siblings_ = std::move(siblings); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Connection;

  void turn(epoll_event* events, Clock::time_point& last_sweep);
  void acceptPending();
  void admit(int fd, const std::string& address);
  bool adopt(int fd, const std::string& address);
  void adoptInbox();
  void serve(int fd, const std::string& address);
  void releaseSlot();
  void read(Connection& c);
  void flush(Connection& c);
  bool takeFrame(Connection& c, std::string& frame);
  void handleBatch();
  void sweep(Clock::time_point now);
  void setInterest(Connection& c);
  void close(Connection& c);
  void closeMarked();
  void list(Connection& c);

  std::shared_ptr<ListenerState> state_;
  const int listen_fd_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  bool accepting_ = true;  // false for a moment after accept() failed (e.g. out of descriptors)
  Clock::time_point accept_again_at_{};

  // The loop thread's own: every open connection, and those that may have a frame to hand over
  // or must be closed (each listed once).
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> listed_;
  std::vector<InboundFrame> batch_;
  std::vector<Connection*> batch_owners_;
  std::vector<char> buffer_;

  // Descriptors open right now, for abortConnections(): closed only under this lock, so a
  // shutdown never reaches a number the system has given to something else since.
  std::mutex fds_mutex_;
  std::unordered_set<int> open_fds_;

  std::vector<EventLoop*> siblings_;
  std::atomic<std::size_t> load_{0};  // connections served or on their way here
  std::mutex inbox_mutex_;             // guards inbox_ and inbox_closed_
  std::vector<std::pair<int, std::string>> inbox_;  // accepted by a sibling, to be served here
  bool inbox_closed_ = false;          // run() has returned: a sibling closes what it would send

  std::mutex finished_mutex_;
  std::condition_variable finished_changed_;
  bool finished_ = false;
};

}  // namespace ferry::mllp
