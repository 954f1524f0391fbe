#include "engine/store/sqlite/write_combiner.h"

#include <algorithm>
#include <utility>

namespace ferry::store::sqlite {

WriteCombiner::WriteCombiner(std::function<void(Batch&)> execute, std::size_t max_batch)
    : execute_(std::move(execute)), max_batch_(std::max<std::size_t>(max_batch, 1)) {}

void WriteCombiner::submit(WriteJob& job) {
  std::unique_lock lock(mutex_);
  queue_.push_back(&job);
  while (!job.done) {
    if (running_) {
      finished_.wait(lock);
      continue;
    }
    // No batch running: this thread runs the next one, which holds its own job unless more
    // than max_batch writes were queued ahead of it (then it loops and runs the next).
    running_ = true;
    const auto count = static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_batch_));
    Batch batch(queue_.begin(), queue_.begin() + count);
    queue_.erase(queue_.begin(), queue_.begin() + count);
    lock.unlock();
    execute_(batch);
    lock.lock();
    for (WriteJob* done : batch) done->done = true;
    running_ = false;
    // Everyone wakes: the callers whose writes ran return, and one of the others runs the
    // writes queued meanwhile.
    finished_.notify_all();
  }
}

}  // namespace ferry::store::sqlite
