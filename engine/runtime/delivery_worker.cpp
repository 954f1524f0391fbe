#include "engine/runtime/delivery_worker.h"

#include <chrono>

namespace ferry::runtime {

namespace {
// Longest sleep between looks at the queue: retries come due without anyone waking us.
constexpr auto kPoll = std::chrono::milliseconds(200);
}  // namespace

DeliveryWorker::DeliveryWorker(std::string queue, std::string channel, DestinationConfig config,
                               std::unique_ptr<Destination> destination, store::Store& store,
                               EventBus& bus)
    : queue_(std::move(queue)),
      channel_(std::move(channel)),
      config_(std::move(config)),
      destination_(std::move(destination)),
      store_(store),
      bus_(bus),
      backoff_(config_.retry) {}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::stop() {
  stopping_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
}

void DeliveryWorker::pause() { paused_ = true; }

void DeliveryWorker::resume() {
  paused_ = false;
  wake();
}

void DeliveryWorker::run() {
  while (!stopping_) {
    bool worked = false;
    if (!paused_) {
      try {
        worked = deliverOne();
      } catch (const std::exception& e) {
        // A store problem must not kill the worker; the delivery stays claimed and is recovered
        // at the next start. Back off so a broken disk does not spin.
        bus_.publish(Event{"worker_error", channel_, queue_, 0, 0, e.what(), 0});
      }
    }
    if (worked) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, kPoll, [this] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

bool DeliveryWorker::deliverOne() {
  const auto order = config_.ordered ? store::ClaimOrder::Fifo : store::ClaimOrder::AnyDue;
  const auto due = store_.claimDue(queue_, nowMs(), 1, order);
  if (due.empty()) return false;
  const store::DeliveryRecord& d = due.front();
  std::string payload;
  if (d.payload) {
    payload = *d.payload;
  } else if (auto message = store_.message(d.message_id)) {
    payload = std::move(message->raw);
  }
  publish("sent", d, "attempt " + std::to_string(d.attempts));
  const DeliveryOutcome outcome = destination_->deliver(d.id, payload);
  switch (outcome.kind) {
    case DeliveryOutcome::Kind::Delivered:
      store_.markDelivered(d.id, outcome.response);
      publish("delivered", d);
      break;
    case DeliveryOutcome::Kind::Fail:
      store_.markFailed(d.id, outcome.error, outcome.response);
      publish("failed", d, outcome.error);
      break;
    case DeliveryOutcome::Kind::Retry:
      if (const auto delay = backoff_.delayAfter(d.attempts)) {
        store_.markRetry(d.id, nowMs() + *delay, outcome.error);
        publish("retry", d, outcome.error + "; next attempt in " + std::to_string(*delay) + " ms");
      } else {
        store_.markDead(d.id, outcome.error);
        publish("dead_lettered", d, outcome.error);
      }
      break;
  }
  return true;
}

void DeliveryWorker::publish(const char* type, const store::DeliveryRecord& d, std::string detail) {
  bus_.publish(Event{type, channel_, queue_, d.message_id, d.id, std::move(detail), 0});
}

}  // namespace ferry::runtime
