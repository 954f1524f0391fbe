#include "engine/runtime/processor.h"

#include "engine/canonical/json_writer.h"
#include "parsers/hl7v2/normalizer.h"

namespace ferry::runtime {

namespace {

std::string describeAll(const std::vector<hl7v2::Error>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += std::to_string(static_cast<int>(e.code)) + " " + e.describe();
  }
  return out;
}

}  // namespace

Processor::Processor(store::Store& store, EventBus& bus,
                     std::map<std::string, ChannelConfig> channels,
                     std::function<void(const std::string& queue)> routed)
    : store_(store), bus_(bus), channels_(std::move(channels)), routed_(std::move(routed)) {}

Processor::~Processor() { stop(); }

ProcessResult Processor::process(std::int64_t id, const std::string& channel, const std::string& raw) {
  auto message = hl7v2::Message::parse(raw);
  if (!message) {
    ProcessResult result;
    result.errors.push_back(message.error());
    store_.markErrored(id, describeAll(result.errors));
    bus_.publish(Event{"errored", channel, "", id, 0, describeAll(result.errors), 0});
    return result;
  }
  return process(id, channel, *message);
}

ProcessResult Processor::process(std::int64_t id, const std::string& channel,
                                 const hl7v2::Message& message) {
  ProcessResult result;
  const hl7v2::Normalized normalized = hl7v2::normalize(message);
  if (!normalized.ok()) {
    result.errors = normalized.errors;
    store_.markErrored(id, describeAll(result.errors));
    bus_.publish(Event{"errored", channel, "", id, 0, describeAll(result.errors), 0});
    return result;
  }
  const std::string json = canonical::toJson(normalized.message);
  std::vector<store::NewDelivery> deliveries;
  std::vector<std::string> queues;
  if (const auto it = channels_.find(channel); it != channels_.end()) {
    for (const DestinationConfig& d : it->second.destinations) {
      store::NewDelivery delivery;
      delivery.destination = channel + "/" + d.name;
      // "original" forwards the bytes as received (read from the message row when sent).
      if (d.format == "canonical") delivery.payload = json;
      deliveries.push_back(std::move(delivery));
      queues.push_back(channel + "/" + d.name);
    }
  }
  store_.markProcessedAndRoute(id, json, deliveries);
  bus_.publish(Event{"parsed", channel, "", id, 0,
                     normalized.warnings.empty()
                         ? std::string()
                         : std::to_string(normalized.warnings.size()) + " warnings",
                     0});
  for (const std::string& queue : queues) {
    bus_.publish(Event{"routed", channel, queue, id, 0, "", 0});
    if (routed_) routed_(queue);
  }
  result.ok = true;
  return result;
}

void Processor::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Processor::enqueue(std::int64_t id, const std::string& channel) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(id, channel);
  }
  work_.notify_one();
}

std::size_t Processor::recover() {
  std::size_t count = 0;
  std::int64_t after = 0;
  for (int page = 0; page < 100000; ++page) {  // bounded: 100,000 pages of 500
    const auto batch = store_.messagesWithStatus(store::MessageStatus::Received, 500, after);
    if (batch.empty()) break;
    for (const auto& m : batch) {
      enqueue(m.id, m.channel);
      after = m.id;
      ++count;
    }
  }
  return count;
}

void Processor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t Processor::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Processor::run() {
  for (;;) {
    std::pair<std::int64_t, std::string> next;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      const auto record = store_.message(next.first);
      if (record && record->status == store::MessageStatus::Received) {
        process(record->id, record->channel, record->raw);
      }
    } catch (const std::exception& e) {
      // Left in 'received': the next start processes it again.
      bus_.publish(Event{"processor_error", next.second, "", next.first, 0, e.what(), 0});
    }
  }
}

}  // namespace ferry::runtime
