#include "engine/store/sqlite/write_combiner.h"

#include <algorithm>
#include <utility>

namespace ferry::store::sqlite {

namespace {

// Received messages count as "arriving" for this long after the last durable batch: beyond it
// the store is idle or used by a single caller, whom lingering would only slow down.
constexpr auto kArrivingWindow = std::chrono::milliseconds(100);

}  // namespace

WriteCombiner::WriteCombiner(std::function<void(Batch&)> execute, std::size_t max_batch,
                             Clock::duration bookkeeping_linger)
    : execute_(std::move(execute)),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      linger_(bookkeeping_linger) {}

void WriteCombiner::submit(WriteJob& job) {
  std::unique_lock lock(mutex_);
  job.queued_at = Clock::now();
  queue_.push_back(&job);
  // A leader lingering over bookkeeping runs a durable write (or a full batch) at once.
  if (running_ && (job.durable || !job.may_linger || queue_.size() >= max_batch_)) leader_.notify_one();
  if (running_) {
    job.woken.wait(lock, [&] { return job.done || job.lead; });
    if (job.done) return;
  }
  running_ = true;
  lead(lock, job);
}

WriteCombiner::Clock::time_point WriteCombiner::bookkeepingReadyAt(std::size_t queued_bookkeeping) const {
  const auto oldest = std::find_if(queue_.begin(), queue_.end(), [](const WriteJob* j) { return !j->durable; });
  const bool prompt_waiting = std::any_of(queue_.begin(), queue_.end(), [](const WriteJob* j) {
    return !j->durable && !j->may_linger;
  });
  if (linger_ == Clock::duration::zero() || queued_bookkeeping >= max_batch_ || prompt_waiting ||
      (*oldest)->queued_at - last_durable_at_ > kArrivingWindow) {
    return (*oldest)->queued_at;
  }
  return (*oldest)->queued_at + linger_;
}

WriteCombiner::Batch WriteCombiner::takeBatch(Clock::time_point now, Clock::time_point& ready_at) {
  // Durable writes (received messages, whose ACKs wait) and bookkeeping go in separate
  // transactions: merged, every ACK would also wait for the bookkeeping's statements. Durable
  // ones go first, but after a durable batch any bookkeeping that is due gets the next turn,
  // so neither side can starve the other.
  const auto queued_bookkeeping = static_cast<std::size_t>(
      std::count_if(queue_.begin(), queue_.end(), [](const WriteJob* j) { return !j->durable; }));
  const bool durable_waiting = queued_bookkeeping < queue_.size();
  const bool relaxed_due = queued_bookkeeping > 0 && (ready_at = bookkeepingReadyAt(queued_bookkeeping)) <= now;
  if (!durable_waiting && !relaxed_due) return {};
  const bool durable = durable_waiting && (!relaxed_due || !last_durable_);
  last_durable_ = durable;
  if (durable) last_durable_at_ = now;
  Batch batch;
  auto keep = queue_.begin();
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if ((*it)->durable == durable && batch.size() < max_batch_) {
      batch.push_back(*it);
    } else {
      *keep++ = *it;  // stays queued, in order
    }
  }
  queue_.erase(keep, queue_.end());
  return batch;
}

void WriteCombiner::lead(std::unique_lock<std::mutex>& lock, WriteJob& own) {
  // The own job may be left for a later batch (the other kind went first, or more than
  // max_batch were queued ahead of it): the loop runs batches until it is done.
  while (!own.done) {
    Clock::time_point ready_at;
    Batch batch = takeBatch(Clock::now(), ready_at);
    if (batch.empty()) {  // only bookkeeping, lingering: until due, or a durable write comes
      leader_.wait_until(lock, ready_at);
      continue;
    }
    lock.unlock();
    execute_(batch);
    lock.lock();
    for (WriteJob* job : batch) {
      job->done = true;
      // Notified under the lock: the caller may return and destroy its job right after.
      if (job != &own) job->woken.notify_one();
    }
  }
  // Writes queued meanwhile: their first caller runs the next batch, so no thread waits for
  // a leader that has gone.
  if (queue_.empty()) {
    running_ = false;
  } else {
    queue_.front()->lead = true;
    queue_.front()->woken.notify_one();
  }
}

}  // namespace ferry::store::sqlite
