#pragma once
// Persists bus events to the store's events table in batches from its own thread: one write
// transaction per event would cap the engine at the disk's fsync rate. The messages and
// deliveries tables are the record of truth; events are their history, flushed every 100 ms,
// as soon as kWakeAt are pending, and on stop.
//
// A batch the store refuses (a full disk, an I/O error) is kept and written with the next one,
// so a passing store failure costs no history; what is held is bounded (kMaxHeld), and only
// beyond it are the oldest events given up, counted in the error line.
//
// add() wakes the thread only when a batch is full: a message makes about five events, and
// waking the writer for each (to find nothing to do before the 100 ms are up) cost a futex
// call and a context switch per event, more than writing the event.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/runtime/event_bus.h"
#include "engine/store/store.h"

namespace ferry::runtime {

class StoreEventWriter {
 public:
  // `log` receives the writer's own lines (a refused write, the resumption), as JSON; the
  // engine passes its JsonLog, so they go where log_file says.
  StoreEventWriter(store::Store& store, std::function<void(std::string_view json)> log);
  ~StoreEventWriter();
  StoreEventWriter(const StoreEventWriter&) = delete;
  StoreEventWriter& operator=(const StoreEventWriter&) = delete;

  // Pending events that wake the thread before its 100 ms are up. Bounds how long one events
  // transaction holds the store's single writer (and the commits of received messages behind it).
  static constexpr std::size_t kWakeAt = 128;

  // Events held while the store refuses them; beyond this the oldest are given up.
  static constexpr std::size_t kMaxHeld = 100000;

  void add(const Event& event);  // a bus subscriber: quick, never blocks on the disk
  void stop();                   // writes what is pending (one try), then ends the thread

 private:
  void run();
  // Writes `batch`; on failure keeps it in `held` (oldest first, at most kMaxHeld) and logs.
  void write(std::vector<store::Event>& batch, std::vector<store::Event>& held);

  store::Store& store_;
  const std::function<void(std::string_view)> log_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::vector<store::Event> pending_;
  bool stopping_ = false;
  bool failing_ = false;  // the last write was refused (the thread's own; logged once a spell)
  std::thread thread_;    // last: started by the constructor, after the members it uses
};

}  // namespace ferry::runtime
