#pragma once
// The in-process event bus: every state change of a message or delivery is published here, and
// the store, the structured log and metrics subscribe. A new subscriber (audit, a webhook) needs
// no change to the pipeline. Dispatch is synchronous and in publish order, so subscribers must
// be quick and must not publish themselves.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace ferry::runtime {

struct Event {
  // received, parsed, errored, filtered, routed, sent, delivered, failed, retry, dead_lettered,
  // duplicate, rejected — and channel/engine life: started, stopped.
  std::string type;
  std::string channel;
  std::string destination;
  std::int64_t message_id = 0;
  std::int64_t delivery_id = 0;
  std::string detail;  // short, structural, never patient data
  std::int64_t at_ms = 0;
};

class EventBus {
 public:
  using Subscriber = std::function<void(const Event&)>;

  void subscribe(Subscriber subscriber);
  // Stamps at_ms when it is 0, then hands the event to every subscriber.
  void publish(Event event);

 private:
  std::mutex mutex_;
  std::vector<Subscriber> subscribers_;
};

std::int64_t nowMs();

}  // namespace ferry::runtime
