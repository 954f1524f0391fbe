#include "engine/runtime/event_bus.h"

#include <chrono>

namespace ferry::runtime {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void EventBus::subscribe(Subscriber subscriber) {
  std::lock_guard lock(mutex_);
  subscribers_.push_back(std::move(subscriber));
}

void EventBus::publish(Event event) {
  if (event.at_ms == 0) event.at_ms = nowMs();
  std::lock_guard lock(mutex_);
  for (const auto& subscriber : subscribers_) subscriber(event);
}

}  // namespace ferry::runtime
