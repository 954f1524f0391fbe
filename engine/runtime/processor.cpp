#include "engine/runtime/processor.h"

#include <algorithm>
#include <exception>
#include <utility>

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
                     std::function<void(const std::string& queue)> routed, std::size_t max_batch)
    : store_(store),
      bus_(bus),
      channels_(std::move(channels)),
      routed_(std::move(routed)),
      max_batch_(std::max<std::size_t>(max_batch, 1)) {}

Processor::~Processor() { stop(); }

// --- deciding: parse, normalize, route; no store writes ---

Processor::Decision Processor::decide(std::int64_t id, const std::string& channel,
                                      const std::string& raw) const {
  auto message = hl7v2::Message::parse(raw);
  if (message) return decide(id, channel, *message);
  return errored(id, channel, {message.error()});
}

Processor::Decision Processor::errored(std::int64_t id, const std::string& channel,
                                       std::vector<hl7v2::Error> errors) {
  Decision decision;
  decision.channel = channel;
  decision.outcome = {id, store::MessageStatus::Errored, std::nullopt, describeAll(errors), {}};
  decision.errors = std::move(errors);
  return decision;
}

Processor::Decision Processor::decide(std::int64_t id, const std::string& channel,
                                      const hl7v2::Message& message) const {
  const hl7v2::Normalized normalized = hl7v2::normalize(message);
  if (!normalized.ok()) return errored(id, channel, normalized.errors);
  Decision decision;
  decision.channel = channel;
  decision.warnings = normalized.warnings.size();
  decision.outcome.id = id;
  decision.outcome.status = store::MessageStatus::Processed;
  decision.outcome.canonical_json = canonical::toJson(normalized.message);
  if (const auto it = channels_.find(channel); it != channels_.end()) {
    for (const DestinationConfig& d : it->second.destinations) {
      store::NewDelivery delivery;
      delivery.destination = channel + "/" + d.name;
      // "original" forwards the bytes as received (read from the message row when sent).
      if (d.format == "canonical") delivery.payload = decision.outcome.canonical_json;
      decision.queues.push_back(delivery.destination);
      decision.outcome.deliveries.push_back(std::move(delivery));
    }
  }
  return decision;
}

// --- inline: one message, one transaction ---

ProcessResult Processor::process(std::int64_t id, const std::string& channel,
                                 const std::string& raw) {
  return recordOne(decide(id, channel, raw));
}

ProcessResult Processor::process(std::int64_t id, const std::string& channel,
                                 const hl7v2::Message& message) {
  return recordOne(decide(id, channel, message));
}

ProcessResult Processor::recordOne(const Decision& decision) {
  // Unlike the queue thread, the caller hears of a store failure (the exception): it must not
  // acknowledge the message as processed.
  const bool applied = store_.recordProcessed({decision.outcome}).front();
  std::set<std::string> queues;
  if (applied) announce(decision, queues);
  wake(queues);
  ProcessResult result;
  result.ok = decision.outcome.status == store::MessageStatus::Processed;
  result.errors = decision.errors;
  return result;
}

// --- the queue thread: batches, one transaction each ---

void Processor::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Processor::enqueue(std::int64_t id, const std::string& channel) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({id, channel});
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
    const std::vector<Queued> batch = takeBatch();
    if (batch.empty()) return;  // stopping, and everything queued is done
    processBatch(batch);
  }
}

std::vector<Processor::Queued> Processor::takeBatch() {
  std::unique_lock lock(mutex_);
  work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  // No waiting for a batch to fill: what is queued now goes now, so a quiet channel keeps its
  // latency and a busy one gets bigger batches by itself.
  std::vector<Queued> batch;
  while (!queue_.empty() && batch.size() < max_batch_) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

void Processor::processBatch(const std::vector<Queued>& batch) {
  std::vector<Decision> decisions;
  decisions.reserve(batch.size());
  for (const Queued& queued : batch) decideQueued(queued, decisions);
  recordAndAnnounce(decisions);
}

void Processor::decideQueued(const Queued& queued, std::vector<Decision>& decisions) {
  try {
    const auto record = store_.message(queued.id);
    // Only 'received' ones: a message queued twice (recovery and intake) is routed once.
    if (!record || record->status != store::MessageStatus::Received) return;
    decisions.push_back(decide(record->id, record->channel, record->raw));
  } catch (const std::exception& e) {
    // Left in 'received': the next start processes it again.
    bus_.publish(Event{"processor_error", queued.channel, "", queued.id, 0, e.what(), 0});
  }
}

void Processor::recordAndAnnounce(const std::vector<Decision>& decisions) {
  if (decisions.empty()) return;
  std::vector<store::ProcessedMessage> outcomes;
  outcomes.reserve(decisions.size());
  for (const Decision& d : decisions) outcomes.push_back(d.outcome);
  std::vector<bool> applied;
  try {
    applied = store_.recordProcessed(outcomes);
  } catch (const std::exception&) {
    applied = recordOneByOne(decisions);  // nothing of the batch was recorded
  }
  std::set<std::string> queues;
  for (std::size_t i = 0; i < decisions.size() && i < applied.size(); ++i) {
    if (applied[i]) announce(decisions[i], queues);
  }
  wake(queues);
}

std::vector<bool> Processor::recordOneByOne(const std::vector<Decision>& decisions) {
  // So that only a message that breaks (if one does) stays behind; after a disk failure they
  // all fail the same way.
  std::vector<bool> applied;
  applied.reserve(decisions.size());
  for (const Decision& d : decisions) {
    try {
      applied.push_back(store_.recordProcessed({d.outcome}).front());
    } catch (const std::exception& e) {
      // Left in 'received': the next start processes it again.
      bus_.publish(Event{"processor_error", d.channel, "", d.outcome.id, 0, e.what(), 0});
      applied.push_back(false);
    }
  }
  return applied;
}

void Processor::announce(const Decision& decision, std::set<std::string>& queues) {
  const std::int64_t id = decision.outcome.id;
  if (decision.outcome.status != store::MessageStatus::Processed) {
    bus_.publish(Event{"errored", decision.channel, "", id, 0, decision.outcome.error.value_or(""), 0});
    return;
  }
  bus_.publish(Event{"parsed", decision.channel, "", id, 0,
                     decision.warnings == 0 ? std::string()
                                            : std::to_string(decision.warnings) + " warnings",
                     0});
  for (const std::string& queue : decision.queues) {
    bus_.publish(Event{"routed", decision.channel, queue, id, 0, "", 0});
    queues.insert(queue);
  }
}

void Processor::wake(const std::set<std::string>& queues) {
  if (!routed_) return;
  for (const std::string& queue : queues) routed_(queue);
}

}  // namespace ferry::runtime
