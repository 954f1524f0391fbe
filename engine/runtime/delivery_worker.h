#pragma once
// One durable queue per destination, drained by one thread: claims the oldest due delivery from
// the store, sends it, and records the outcome (delivered, retry later with backoff, failed, or
// dead-lettered after the last attempt). One thread keeps the destination's order (FIFO); a
// retry holds the queue (head-of-line) unless the destination is configured unordered.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/runtime/config.h"
#include "engine/runtime/destination.h"
#include "engine/runtime/event_bus.h"
#include "engine/runtime/retry_policy.h"
#include "engine/store/store.h"

namespace ferry::runtime {

class DeliveryWorker {
 public:
  // `queue` is the destination's name in the store: "<channel>/<destination>".
  DeliveryWorker(std::string queue, std::string channel, DestinationConfig config,
                 std::unique_ptr<Destination> destination, store::Store& store, EventBus& bus);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  // Finishes the delivery in progress (bounded by the destination's timeouts), then returns.
  void stop();
  // New work was routed here: look now instead of at the next poll.
  void wake();
  void pause();
  void resume();
  bool paused() const { return paused_; }
  const std::string& queue() const { return queue_; }

 private:
  void run();
  // Returns false when nothing was due.
  bool deliverOne();
  void publish(const char* type, const store::DeliveryRecord& d, std::string detail = {});

  const std::string queue_;
  const std::string channel_;
  const DestinationConfig config_;
  std::unique_ptr<Destination> destination_;
  store::Store& store_;
  EventBus& bus_;
  Backoff backoff_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> paused_{false};
  std::thread thread_;
};

}  // namespace ferry::runtime
