#include "engine/runtime/delivery_worker.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "engine/runtime/background_thread.h"

namespace ferry::runtime {

namespace {
// Longest sleep between looks at the queue: retries come due without anyone waking us.
constexpr auto kPoll = std::chrono::milliseconds(200);
// Longest pause between tries while the store refuses writes.
constexpr auto kMaxErrorPause = std::chrono::milliseconds(5000);
}  // namespace

DeliveryWorker::DeliveryWorker(std::string queue, std::string channel, DestinationConfig config,
                               std::unique_ptr<Destination> destination, store::Store& store,
                               EventBus& bus, std::size_t max_batch)
    : queue_(std::move(queue)),
      channel_(std::move(channel)),
      config_(std::move(config)),
      destination_(std::move(destination)),
      store_(store),
      bus_(bus),
      backoff_(config_.retry),
      max_batch_(max_batch == 0 ? 1 : max_batch) {}

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
  markBackgroundThread();
  auto pause = kPoll;  // after a store failure: doubles up to kMaxErrorPause, so a broken disk does not spin
  while (!stopping_) {
    bool worked = false;
    bool failed = false;
    try {
      recordUnrecorded();
      if (paused_) {
        releaseNext();
      } else {
        worked = deliverBatch();
      }
    } catch (const std::exception& e) {
      // A store problem must not kill the worker. Settlements it could not record are kept
      // (unrecorded_) and recorded again first; what it had only claimed stays in flight and
      // is recovered at the next start.
      bus_.publish(Event{"worker_error", channel_, queue_, 0, 0, e.what(), 0});
      failed = true;
    }
    if (worked) continue;
    std::unique_lock lock(mutex_);
    if (failed) {
      // Not cut short by wake(): new work cannot help while the store refuses writes.
      wake_.wait_for(lock, pause, [this] { return stopping_.load(); });
      pause = std::min(pause * 2, kMaxErrorPause);
    } else {
      pause = kPoll;
      wake_.wait_for(lock, kPoll, [this] { return woken_ || stopping_.load(); });
    }
    woken_ = false;
  }
  try {
    releaseNext();
  } catch (const std::exception& e) {
    // Left in flight: recovery at the next start makes them pending again.
    bus_.publish(Event{"worker_error", channel_, queue_, 0, 0, e.what(), 0});
  }
  // Settlements still unrecorded were noted as they happened (noteSettlement): the next start
  // settles them from those notes instead of sending them again.
}

void DeliveryWorker::recordUnrecorded() {
  if (!unrecorded_) return;
  store_.settleDeliveries(unrecorded_->settlements, unrecorded_->unsent);  // throws while refused
  for (Event& e : unrecorded_->events) bus_.publish(std::move(e));
  unrecorded_.reset();
  bus_.publish(Event{"worker_resumed", channel_, queue_, 0, 0, "settlements recorded after a store failure", 0});
}

store::ClaimOrder DeliveryWorker::claimOrder() const {
  return config_.ordered ? store::ClaimOrder::Fifo : store::ClaimOrder::AnyDue;
}

void DeliveryWorker::releaseNext() {
  if (next_.empty()) return;
  std::vector<std::int64_t> ids;
  for (const auto& d : next_) ids.push_back(d.id);
  next_.clear();
  store_.release(ids);
}

bool DeliveryWorker::deliverBatch() {
  std::vector<store::DeliveryRecord> claimed = std::move(next_);
  next_.clear();
  if (claimed.empty()) claimed = store_.claimDue(queue_, nowMs(), max_batch_, claimOrder());
  if (claimed.empty()) return false;

  std::vector<Attempt> attempts;
  attempts.reserve(claimed.size());
  std::exception_ptr failure;
  // Stop early on a stop or pause request (the rest goes back to the queue), or when a FIFO
  // delivery must be retried: nothing behind it may overtake it.
  while (attempts.size() < claimed.size() && !interrupted()) {
    try {
      attempts.push_back(attempt(claimed[attempts.size()]));
    } catch (const std::exception&) {
      failure = std::current_exception();  // the payload could not be read; nothing was sent
      break;
    }
    if (holdsQueue(attempts.back())) break;
  }

  std::vector<std::int64_t> unsent;
  for (std::size_t i = attempts.size(); i < claimed.size(); ++i) unsent.push_back(claimed[i].id);
  // Whatever came due while this batch was on the wire is claimed with its settlements.
  record(attempts, unsent, /*claim_next=*/!failure && unsent.empty() && !interrupted());
  if (failure) std::rethrow_exception(failure);
  return true;
}

DeliveryWorker::Attempt DeliveryWorker::attempt(const store::DeliveryRecord& d) {
  const std::string payload = payloadOf(d);
  publish("sent", d, "attempt " + std::to_string(d.attempts));
  Attempt a = settlementFor(d, destination_->deliver(d.id, payload));
  // Noted at once, settled with the batch: a crash before then re-sends only what was never
  // noted, at most this one delivery (a failed note costs the same, nothing more).
  (void)store_.noteSettlement(d, a.settlement);
  return a;
}

std::string DeliveryWorker::payloadOf(const store::DeliveryRecord& d) {
  if (d.payload) return *d.payload;
  // "original" format: the bytes as received, which the claim read with the delivery.
  if (d.message_raw) return *d.message_raw;
  if (auto message = store_.message(d.message_id)) return std::move(message->raw);
  return {};
}

DeliveryWorker::Attempt DeliveryWorker::settlementFor(const store::DeliveryRecord& d,
                                                      const DeliveryOutcome& outcome) {
  using store::DeliverySettlement;
  switch (outcome.kind) {
    case DeliveryOutcome::Kind::Delivered:
      return {DeliverySettlement::delivered(d.id, outcome.response), &d, "delivered", {}};
    case DeliveryOutcome::Kind::Fail:
      return {DeliverySettlement::failed(d.id, outcome.error, outcome.response), &d, "failed",
              outcome.error};
    case DeliveryOutcome::Kind::Retry:
      break;
  }
  if (const auto delay = backoff_.delayAfter(d.attempts)) {
    return {DeliverySettlement::retry(d.id, nowMs() + *delay, outcome.error), &d, "retry",
            outcome.error + "; next attempt in " + std::to_string(*delay) + " ms"};
  }
  return {DeliverySettlement::dead(d.id, outcome.error), &d, "dead_lettered", outcome.error};
}

bool DeliveryWorker::holdsQueue(const Attempt& a) const {
  return config_.ordered && a.settlement.status == store::DeliveryStatus::Pending;
}

void DeliveryWorker::record(const std::vector<Attempt>& attempts,
                            const std::vector<std::int64_t>& unsent, bool claim_next) {
  std::vector<store::DeliverySettlement> settlements;
  settlements.reserve(attempts.size());
  for (const Attempt& a : attempts) settlements.push_back(a.settlement);
  try {
    if (claim_next) {
      next_ = store_.settleAndClaim(settlements, queue_, nowMs(), max_batch_, claimOrder()).claimed;
    } else {
      store_.settleDeliveries(settlements, unsent);
    }
  } catch (const std::exception&) {
    // Sent but not recorded: kept to be recorded before anything else is claimed or sent.
    Unrecorded kept{std::move(settlements), unsent, {}};
    for (const Attempt& a : attempts) {
      kept.events.push_back(Event{a.event, channel_, queue_, a.delivery->message_id, a.delivery->id, a.detail, nowMs()});
    }
    unrecorded_ = std::move(kept);
    throw;
  }
  for (const Attempt& a : attempts) publish(a.event, *a.delivery, a.detail);
}

void DeliveryWorker::publish(const char* type, const store::DeliveryRecord& d, std::string detail) {
  bus_.publish(Event{type, channel_, queue_, d.message_id, d.id, std::move(detail), 0});
}

}  // namespace ferry::runtime
