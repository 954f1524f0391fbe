#pragma once
// Turns a stored raw message into its canonical form and its deliveries: parse, normalize,
// route (until the mapping engine lands: every destination of the source channel), and record
// the outcome in the store in one transaction. Runs inline (ACK after parse) or on its own
// thread from a queue (ACK on commit, and restart recovery of messages received but not
// processed before a crash).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/runtime/config.h"
#include "engine/runtime/event_bus.h"
#include "engine/store/store.h"
#include "parsers/hl7v2/error.h"
#include "parsers/hl7v2/message.h"

namespace ferry::runtime {

struct ProcessResult {
  bool ok = false;
  std::vector<hl7v2::Error> errors;  // why it was stored as errored
};

class Processor {
 public:
  // `routed` is called with each destination queue that received work.
  Processor(store::Store& store, EventBus& bus, std::map<std::string, ChannelConfig> channels,
            std::function<void(const std::string& queue)> routed);
  ~Processor();
  Processor(const Processor&) = delete;
  Processor& operator=(const Processor&) = delete;

  ProcessResult process(std::int64_t id, const std::string& channel, const hl7v2::Message& message);
  ProcessResult process(std::int64_t id, const std::string& channel, const std::string& raw);

  void start();
  void enqueue(std::int64_t id, const std::string& channel);
  // Queues every message left in 'received' state (by a crash or a stop before processing).
  std::size_t recover();
  // Processes what is queued, then stops the thread.
  void stop();
  std::size_t queued() const;

 private:
  void run();

  store::Store& store_;
  EventBus& bus_;
  const std::map<std::string, ChannelConfig> channels_;
  const std::function<void(const std::string&)> routed_;

  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::pair<std::int64_t, std::string>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ferry::runtime
