#include "engine/store/sqlite/write_combiner.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace ferry::store::sqlite {

WriteCombiner::WriteCombiner(std::function<void(Batch&)> execute, std::size_t max_batch,
                             std::function<bool()> hold_durable)
    : execute_(std::move(execute)),
      max_batch_(std::max<std::size_t>(max_batch, 1)),
      hold_durable_(std::move(hold_durable)) {}

void WriteCombiner::wake() {
  std::lock_guard lock(mutex_);
  leader_wake_.notify_one();
}

namespace {

// Under the job's own lock, not the combiner's: woken callers then return at once instead of
// each waiting in turn for the lock the waking thread held while waking the rest. Notified
// before that lock is let go: the caller may return and destroy its job right after.
void wakeDone(WriteJob& job) {
  std::lock_guard theirs(job.wake_lock);
  job.done = true;
  job.woken.notify_one();
}

}  // namespace

void WriteCombiner::wakeHeld(WriteJob& job) {
  for (WriteJob* held : job.held) wakeDone(*held);
  job.held.clear();
}

void WriteCombiner::submit(WriteJob& job) {
  std::unique_lock lock(mutex_);
  queue_.push_back(&job);
  if (running_) {
    if (!job.durable) leader_wake_.notify_one();  // a leader holding durable writes can run it
    lock.unlock();
    {
      std::unique_lock mine(job.wake_lock);
      job.woken.wait(mine, [&] { return job.done || job.lead; });
      if (job.done) return;
    }
    lock.lock();
  }
  running_ = true;
  lead(lock, job);
}

WriteCombiner::Batch WriteCombiner::takeBatch() {
  // Durable writes (received messages, whose ACKs wait) and bookkeeping go in separate
  // transactions: merged, every ACK would also wait for the bookkeeping's statements to run.
  // Durable ones go first, but after a durable batch any waiting bookkeeping gets the next
  // turn, so neither side can starve the other.
  const bool durable_waiting = std::any_of(queue_.begin(), queue_.end(), [](const WriteJob* j) { return j->durable; });
  const bool relaxed_waiting = std::any_of(queue_.begin(), queue_.end(), [](const WriteJob* j) { return !j->durable; });
  const bool held = durable_waiting && hold_durable_ && hold_durable_();
  if (held && !relaxed_waiting) return {};
  const bool durable = durable_waiting && !held && (!relaxed_waiting || !last_durable_);
  last_durable_ = durable;
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
    Batch batch = takeBatch();
    if (batch.empty()) {
      // Only held durable writes are queued: wait for the fsync to end or bookkeeping to come
      // (bounded, in case a wake-up is missed, so the hold is looked at again).
      leader_wake_.wait_for(lock, std::chrono::milliseconds(5));
      continue;
    }
    lock.unlock();
    execute_(batch);
    const bool hold = own.holds_followers && own.durable &&
                      std::find(batch.begin(), batch.end(), &own) != batch.end() && !own.error;
    if (hold) own.held.reserve(batch.size());
    for (WriteJob* job : batch) {
      if (job == &own) {
        own.done = true;
      } else if (hold && job->durable && !job->error) {
        own.held.push_back(job);
      } else {
        wakeDone(*job);
      }
    }
    lock.lock();
  }
  // Writes queued meanwhile: their first caller runs the next batch, so no thread waits for
  // a leader that has gone.
  if (queue_.empty()) {
    running_ = false;
  } else {
    WriteJob& next = *queue_.front();
    std::lock_guard theirs(next.wake_lock);
    next.lead = true;
    next.woken.notify_one();
  }
}

}  // namespace ferry::store::sqlite
