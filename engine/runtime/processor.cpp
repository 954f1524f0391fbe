#include "engine/runtime/processor.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "engine/canonical/json_writer.h"
#include "engine/runtime/background_thread.h"

namespace ferry::runtime {

Processor::Processor(store::Store& store, EventBus& bus, const InboundDecoder& decoder,
                     const MessageRouter& router,
                     std::function<void(const std::string& queue)> routed, std::size_t max_batch,
                     std::size_t max_queued_bytes, std::chrono::milliseconds first_retry_pause)
    : store_(store),
      bus_(bus),
      decoder_(decoder),
      router_(router),
      routed_(std::move(routed)),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      max_queued_bytes_(max_queued_bytes),
      first_retry_pause_(first_retry_pause) {}

Processor::~Processor() { stop(); }

// --- deciding: decode, map, route; no store writes ---

std::vector<store::MessageKey> Processor::businessKeys(const canonical::Message& message) {
  std::vector<store::MessageKey> keys;
  const auto add = [&keys](const char* kind, const std::string& value) {
    store::MessageKey key{kind, value};
    if (!value.empty() && std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  };
  for (const canonical::Claim& c : message.claims) {
    add("claim", c.claim_id);
    add("submission", c.submission_id);
  }
  for (const canonical::ClaimResponse& r : message.claim_responses) {
    add("claim", r.claim_id);
    add("submission", r.submission_id);
  }
  return keys;
}

std::vector<std::string> Processor::linksOf(const canonical::Message& message,
                                            std::int64_t id) const {
  // A response (remittance, acknowledgement) is linked to the earlier message of its claim.
  std::vector<std::string> links;
  for (const canonical::ClaimResponse& r : message.claim_responses) {
    if (r.claim_id.empty()) continue;
    for (const std::int64_t other : store_.messagesWithKey({"claim", r.claim_id})) {
      if (other == id) continue;
      links.push_back("claim " + r.claim_id + " of message " + std::to_string(other));
      break;
    }
  }
  return links;
}

Processor::Decision Processor::decide(std::int64_t id, const std::string& channel,
                                      const std::string& raw) const {
  return decide(id, channel, raw, decoder_.decode(raw), nullptr);
}

Processor::Decision Processor::decide(std::int64_t id, const std::string& channel,
                                      const hl7v2::Message& message) const {
  return decide(id, channel, message.bytes(), decoder_.decode(message), &message);
}

bool Processor::keepsCanonical(const std::string& channel, RouteDecision::Kind kind) const {
  const ChannelConfig* config = router_.channel(channel);
  const std::string_view policy = config != nullptr ? std::string_view(config->store_canonical) : "always";
  return policy == "always" || (policy == "on_error" && kind == RouteDecision::Kind::Errored);
}

Processor::Decision Processor::decide(std::int64_t id, const std::string& channel,
                                      std::string_view raw, Decoded decoded,
                                      const hl7v2::Message* parsed) const {
  Decision decision;
  decision.channel = channel;
  decision.format = decoded.format;
  decision.warnings = decoded.warnings;
  decision.outcome.id = id;
  if (!decoded.ok()) {
    decision.outcome.status = store::MessageStatus::Errored;
    decision.outcome.error = decoded.error;
    decision.errors = std::move(decoded.hl7_errors);
    decision.operation_outcome = std::move(decoded.operation_outcome);
    decision.detail = std::move(decoded.summary);
    return decision;
  }
  RouteDecision routed = router_.route(channel, decoded.message, raw, parsed);
  decision.detail = routed.kind == RouteDecision::Kind::Routed ? std::move(routed.detail)
                                                                : std::move(routed.summary);
  // The canonical form, after the mapping's transforms when it ran, as the channel's
  // store_canonical says: not writing it when it is not kept also saves the JSON's cost.
  if (keepsCanonical(channel, routed.kind)) decision.outcome.canonical_json = canonical::toJson(decoded.message);
  switch (routed.kind) {
    case RouteDecision::Kind::Errored:
      decision.outcome.status = store::MessageStatus::Errored;
      decision.outcome.error = std::move(routed.reason);
      return decision;
    case RouteDecision::Kind::Filtered:
      decision.outcome.status = store::MessageStatus::Filtered;
      decision.outcome.error = std::move(routed.reason);
      return decision;
    case RouteDecision::Kind::Routed: break;
  }
  decision.outcome.status = store::MessageStatus::Processed;
  decision.outcome.keys = businessKeys(decoded.message);
  decision.links = linksOf(decoded.message, id);
  for (const store::NewDelivery& d : routed.deliveries) decision.queues.push_back(d.destination);
  decision.outcome.deliveries = std::move(routed.deliveries);
  return decision;
}

// --- inline: one message, or an MLLP batch's messages, one transaction ---

ProcessResult Processor::process(std::int64_t id, const std::string& channel,
                                 const std::string& raw) {
  return recordOne(decide(id, channel, raw));
}

ProcessResult Processor::process(std::int64_t id, const std::string& channel,
                                 const hl7v2::Message& message) {
  return recordOne(decide(id, channel, message));
}

std::vector<ProcessResult> Processor::processAll(const std::vector<Inline>& messages) {
  std::vector<Decision> decisions;
  decisions.reserve(messages.size());
  for (const Inline& m : messages) decisions.push_back(decide(m.id, *m.channel, *m.message));
  return recordInline(decisions);
}

ProcessResult Processor::recordOne(Decision decision) {
  std::vector<Decision> one;
  one.push_back(std::move(decision));
  return recordInline(one).front();
}

std::vector<ProcessResult> Processor::recordInline(const std::vector<Decision>& decisions) {
  // Unlike the queue thread, the caller hears of a store failure (the exception): it must not
  // acknowledge the messages as processed.
  std::vector<store::ProcessedMessage> outcomes;
  outcomes.reserve(decisions.size());
  for (const Decision& d : decisions) outcomes.push_back(d.outcome);
  const std::vector<bool> applied = store_.recordProcessed(outcomes);
  std::set<std::string> queues;
  for (std::size_t i = 0; i < decisions.size() && i < applied.size(); ++i) {
    if (applied[i]) announce(decisions[i], queues);
  }
  wake(queues);
  std::vector<ProcessResult> results;
  results.reserve(decisions.size());
  for (const Decision& d : decisions) results.push_back(resultOf(d));
  return results;
}

ProcessResult Processor::resultOf(const Decision& decision) {
  ProcessResult result;
  result.ok = decision.outcome.status != store::MessageStatus::Errored;
  result.filtered = decision.outcome.status == store::MessageStatus::Filtered;
  result.format = decision.format;
  result.errors = decision.errors;
  result.error = decision.outcome.error.value_or("");
  result.operation_outcome = decision.operation_outcome;
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
    queue_.push_back({id, channel, std::nullopt});
  }
  work_.notify_one();
}

void Processor::enqueue(std::int64_t id, const std::string& channel, std::string raw) {
  {
    std::lock_guard lock(mutex_);
    if (queued_bytes_ + raw.size() > max_queued_bytes_) {
      queue_.push_back({id, channel, std::nullopt});  // read back from the store in its turn
    } else {
      queued_bytes_ += raw.size();
      queue_.push_back({id, channel, std::move(raw)});
    }
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

std::size_t Processor::queuedBytes() const {
  std::lock_guard lock(mutex_);
  return queued_bytes_;
}

void Processor::run() {
  markBackgroundThread();
  auto pause = first_retry_pause_;
  for (;;) {
    std::vector<Queued> batch = takeBatch();
    if (batch.empty()) return;  // stopping, and everything queued is done
    std::vector<Queued> again = processBatch(batch);
    if (again.empty()) {
      pause = first_retry_pause_;
      continue;
    }
    // What the store refused goes back to the front of the queue, in its order, and is tried
    // again after a pause. Once stopping it stays 'received' instead, for the next start, so a
    // stop never waits for a store that keeps refusing.
    bus_.publish(Event{"processor_retry", again.front().channel, "", 0, 0,
                       std::to_string(again.size()) + " messages again in " +
                           std::to_string(pause.count()) + " ms",
                       0});
    std::unique_lock lock(mutex_);
    if (stopping_) continue;
    for (auto it = again.rbegin(); it != again.rend(); ++it) {
      if (it->raw) queued_bytes_ += it->raw->size();
      queue_.push_front(std::move(*it));
    }
    work_.wait_for(lock, pause, [this] { return stopping_; });
    pause = std::min(pause * 2, std::max(kMaxRetryPause, first_retry_pause_));
  }
}

std::vector<Processor::Queued> Processor::takeBatch() {
  std::unique_lock lock(mutex_);
  work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  // No waiting for a batch to fill: what is queued now goes now, so a quiet channel keeps its
  // latency and a busy one gets bigger batches by itself.
  std::vector<Queued> batch;
  while (!queue_.empty() && batch.size() < max_batch_) {
    if (queue_.front().raw) queued_bytes_ -= queue_.front().raw->size();
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

std::vector<Processor::Queued> Processor::processBatch(std::vector<Queued>& batch) {
  std::vector<Decision> decisions;
  std::vector<std::size_t> decided;  // the batch index of each decision
  std::vector<bool> refused(batch.size(), false);
  decisions.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::size_t before = decisions.size();
    if (!decideQueued(batch[i], decisions)) refused[i] = true;
    if (decisions.size() > before) decided.push_back(i);
  }
  // One transaction for the batch keeps its order. Only a batch refused kIsolateAfter times
  // is recorded one message at a time, to tell a message the store cannot take from a store
  // that takes nothing (a full disk, which may also take some writes and not others).
  const bool isolate = batch.front().attempts >= kIsolateAfter;
  const std::vector<bool> applied = isolate ? recordOneByOne(decisions) : recordTogether(decisions);
  std::set<std::string> queues;
  bool any_recorded = false;
  for (std::size_t k = 0; k < decisions.size(); ++k) {
    if (applied[k]) {
      any_recorded = true;
      announce(decisions[k], queues);
    } else if (decisions[k].refused) {
      refused[decided[k]] = true;
    }
  }
  wake(queues);
  std::vector<Queued> again;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!refused[i]) continue;
    Queued& q = batch[i];
    ++q.attempts;
    // Refused this often while other messages were recorded: this message is the problem.
    if (q.attempts >= kGiveUpAfter && any_recorded && giveUp(q)) continue;
    again.push_back(std::move(q));
  }
  return again;
}

bool Processor::decideQueued(const Queued& queued, std::vector<Decision>& decisions) {
  try {
    if (queued.raw) {
      // Just committed by the intake, so still 'received': if it was queued twice, the store
      // applies only the first outcome (recordProcessed reports the second as not applied).
      decisions.push_back(decide(queued.id, queued.channel, *queued.raw));
      return true;
    }
    const auto record = store_.message(queued.id);
    // Only 'received' ones: a message queued twice (recovery and intake) is routed once.
    if (!record || record->status != store::MessageStatus::Received) return true;
    decisions.push_back(decide(record->id, record->channel, record->raw));
    return true;
  } catch (const std::exception& e) {
    // Left in 'received' and tried again (it could not be read).
    bus_.publish(Event{"processor_error", queued.channel, "", queued.id, 0, e.what(), 0});
    return false;
  }
}

std::vector<bool> Processor::recordTogether(std::vector<Decision>& decisions) {
  if (decisions.empty()) return {};
  std::vector<store::ProcessedMessage> outcomes;
  outcomes.reserve(decisions.size());
  for (const Decision& d : decisions) outcomes.push_back(d.outcome);
  try {
    return store_.recordProcessed(outcomes);
  } catch (const std::exception& e) {
    // One line for the batch, not one a message every time it is tried again.
    bus_.publish(Event{"processor_error", decisions.front().channel, "", 0, 0,
                       std::to_string(decisions.size()) + " outcomes not recorded: " + e.what(), 0});
    for (Decision& d : decisions) d.refused = true;
    return std::vector<bool>(decisions.size(), false);
  }
}

std::vector<bool> Processor::recordOneByOne(std::vector<Decision>& decisions) {
  std::vector<bool> applied;
  applied.reserve(decisions.size());
  for (Decision& d : decisions) {
    try {
      applied.push_back(store_.recordProcessed({d.outcome}).front());
    } catch (const std::exception& e) {
      bus_.publish(Event{"processor_error", d.channel, "", d.outcome.id, 0, e.what(), 0});
      d.refused = true;
      applied.push_back(false);
    }
  }
  return applied;
}

bool Processor::giveUp(const Queued& queued) {
  // Errored, with why, so that it shows in `ferry status` and `ferry reprocess --errored` can
  // run it again once the cause is fixed; if even that is refused, it is tried again.
  const std::string why = "its processing outcome could not be recorded after " +
                          std::to_string(queued.attempts) + " attempts while other messages' were";
  try {
    store_.markErrored(queued.id, why);
  } catch (const std::exception&) {
    return false;
  }
  bus_.publish(Event{"errored", queued.channel, "", queued.id, 0, why, 0});
  return true;
}

void Processor::announce(const Decision& decision, std::set<std::string>& queues) {
  const std::int64_t id = decision.outcome.id;
  if (decision.outcome.status == store::MessageStatus::Errored) {
    // The event (and so the log) gets the summary without values; the store row has it all.
    bus_.publish(Event{"errored", decision.channel, "", id, 0, decision.detail, 0});
    return;
  }
  bus_.publish(Event{"parsed", decision.channel, "", id, 0,
                     std::string(toString(decision.format)) +
                         (decision.warnings == 0 ? std::string()
                                                 : ", " + std::to_string(decision.warnings) + " warnings"),
                     0});
  if (decision.outcome.status == store::MessageStatus::Filtered) {
    bus_.publish(Event{"filtered", decision.channel, "", id, 0, decision.detail, 0});
    return;
  }
  for (const std::string& link : decision.links) {
    bus_.publish(Event{"linked", decision.channel, "", id, 0, link, 0});
  }
  for (const std::string& queue : decision.queues) {
    bus_.publish(Event{"routed", decision.channel, queue, id, 0, decision.detail, 0});
    queues.insert(queue);
  }
}

void Processor::wake(const std::set<std::string>& queues) {
  if (!routed_) return;
  for (const std::string& queue : queues) routed_(queue);
}

}  // namespace ferry::runtime
