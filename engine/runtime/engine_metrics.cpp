#include "engine/runtime/engine_metrics.h"

#include <algorithm>
#include <cstdio>

#include "engine/runtime/prometheus_text.h"

namespace ferry::runtime {

EngineMetrics::EngineMetrics(const std::vector<std::string>& channels) {
  for (const std::string& channel : channels) acks_.emplace(channel, std::make_unique<AckHistogram>());
}

void EngineMetrics::count(const Event& event) {
  const EventKeyView key{event.type, event.channel, event.destination};
  std::lock_guard lock(mutex_);
  const auto it = events_.find(key);
  if (it != events_.end()) {
    ++it->second;
  } else {
    events_.emplace(std::tuple(event.type, event.channel, event.destination), 1);
  }
}

void EngineMetrics::observeAck(const std::string& channel, std::chrono::nanoseconds waited) {
  const auto it = acks_.find(channel);
  if (it == acks_.end()) return;
  AckHistogram& h = *it->second;
  const double seconds = std::chrono::duration<double>(waited).count();
  // The first bucket whose bound holds the value; past the last bound, +Inf.
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(kAckBuckets.begin(), kAckBuckets.end(), seconds) - kAckBuckets.begin());
  h.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  h.sum_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(waited.count(), 0)),
                     std::memory_order_relaxed);
}

void EngineMetrics::write(std::ostream& out) const {
  prometheus::header(out, "ferry_events_total", "counter",
                     "Events on the engine's bus since it started, by type, channel and destination.");
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, count] : events_) {
      const auto& [type, channel, destination] = key;
      prometheus::sample(out, "ferry_events_total",
                         {{"type", type}, {"channel", channel}, {"destination", destination}},
                         static_cast<double>(count));
    }
  }
  prometheus::header(out, "ferry_ack_seconds", "histogram",
                     "Time from a complete inbound message to its acknowledgement being ready, by channel.");
  for (const auto& [channel, h] : acks_) {
    // Read each bucket once; the cumulative counts are summed from those reads, so the output
    // is consistent with itself even while acknowledgements are counted.
    std::uint64_t cumulative = 0;
    char bound[32];
    for (std::size_t i = 0; i < kAckBuckets.size(); ++i) {
      cumulative += h->buckets[i].load(std::memory_order_relaxed);
      std::snprintf(bound, sizeof bound, "%g", kAckBuckets[i]);
      prometheus::sample(out, "ferry_ack_seconds_bucket", {{"channel", channel}, {"le", bound}},
                         static_cast<double>(cumulative));
    }
    cumulative += h->buckets.back().load(std::memory_order_relaxed);
    prometheus::sample(out, "ferry_ack_seconds_bucket", {{"channel", channel}, {"le", "+Inf"}},
                       static_cast<double>(cumulative));
    prometheus::sample(out, "ferry_ack_seconds_sum", {{"channel", channel}},
                       static_cast<double>(h->sum_ns.load(std::memory_order_relaxed)) / 1e9);
    prometheus::sample(out, "ferry_ack_seconds_count", {{"channel", channel}}, static_cast<double>(cumulative));
  }
}

}  // namespace ferry::runtime
