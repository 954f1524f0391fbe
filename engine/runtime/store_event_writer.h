#pragma once
// Persists bus events to the store's events table in batches from its own thread: one write
// transaction per event would cap the engine at the disk's fsync rate. The messages and
// deliveries tables are the record of truth; events are their history, flushed at least every
// 100 ms and on stop.

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/runtime/event_bus.h"
#include "engine/store/store.h"

namespace ferry::runtime {

class StoreEventWriter {
 public:
  explicit StoreEventWriter(store::Store& store);
  ~StoreEventWriter();
  StoreEventWriter(const StoreEventWriter&) = delete;
  StoreEventWriter& operator=(const StoreEventWriter&) = delete;

  void add(const Event& event);  // a bus subscriber: quick, never blocks on the disk
  void stop();                   // writes what is pending, then ends the thread

 private:
  void run();

  store::Store& store_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::vector<store::Event> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ferry::runtime
