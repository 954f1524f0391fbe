#include "engine/store/sqlite/write_combiner.h"

#include <algorithm>
#include <utility>

namespace ferry::store::sqlite {

WriteCombiner::WriteCombiner(std::function<void(Batch&)> execute, std::size_t max_batch)
    : execute_(std::move(execute)), max_batch_(std::max<std::size_t>(max_batch, 1)) {}

void WriteCombiner::submit(WriteJob& job) {
  std::unique_lock lock(mutex_);
  queue_.push_back(&job);
  if (running_) {
    job.woken.wait(lock, [&] { return job.done || job.lead; });
    if (job.done) return;
  }
  running_ = true;
  lead(lock, job);
}

void WriteCombiner::lead(std::unique_lock<std::mutex>& lock, WriteJob& own) {
  while (!own.done) {
    // Everything queued, up to max_batch: the own job is in it unless more than max_batch
    // writes were queued ahead of it (then the loop runs the next batch too).
    const auto count = static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_batch_));
    Batch batch(queue_.begin(), queue_.begin() + count);
    queue_.erase(queue_.begin(), queue_.begin() + count);
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
