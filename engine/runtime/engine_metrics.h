#pragma once
// What the engine counts for operators beyond what the store's tables hold (admin_endpoint.h
// serves it at /metrics):
//
//   ferry_events_total{type,channel,destination}  every event on the bus since the engine
//       started: received, rejected, duplicate, errored, delivered, failed, dead_lettered...
//       Counters, so a dashboard reads rates and an alert fires on errors per minute.
//   ferry_ack_seconds{channel}  how long each sender waited for its acknowledgement, from the
//       complete frame (or request) to the answer being ready: a histogram, the measure behind
//       "p99 ACK under 5 ms" in production rather than in a benchmark.
//
// Labels come from the configuration (channel and destination names) and from the engine's
// own fixed event types, never from message content, so their number is bounded.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/runtime/event_bus.h"

namespace ferry::runtime {

class EngineMetrics {
 public:
  // Upper bounds of the ACK histogram's buckets, in seconds (the last, +Inf, is implied).
  static constexpr std::array<double, 12> kAckBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025,
                                                         0.05,   0.1,   0.25,  0.5,   1.0,  2.5};

  explicit EngineMetrics(const std::vector<std::string>& channels);

  // An event-bus subscriber.
  void count(const Event& event);
  // One acknowledgement on `channel` (a configured one; others are ignored). Lock-free.
  void observeAck(const std::string& channel, std::chrono::nanoseconds waited);

  void write(std::ostream& out) const;

 private:
  struct AckHistogram {
    std::array<std::atomic<std::uint64_t>, kAckBuckets.size() + 1> buckets{};  // not cumulative
    std::atomic<std::uint64_t> sum_ns{0};
  };

  // Built once for the configured channels, then only read: no lock to find one.
  std::map<std::string, std::unique_ptr<AckHistogram>> acks_;
  mutable std::mutex mutex_;
  // (type, channel, destination). Looked up by string_views (a transparent comparator): counting
  // an event that was seen before copies no strings. Both sides are compared as views, because
  // clang 14 cannot compare a tuple of strings with a tuple of views through libstdc++ 12's <=>.
  using EventKey = std::tuple<std::string, std::string, std::string>;
  using EventKeyView = std::tuple<std::string_view, std::string_view, std::string_view>;
  struct EventKeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return view(a) < view(b);
    }
    template <typename K>
    static EventKeyView view(const K& k) {
      return {std::get<0>(k), std::get<1>(k), std::get<2>(k)};
    }
  };
  std::map<EventKey, std::uint64_t, EventKeyLess> events_;
};

}  // namespace ferry::runtime
