#include "engine/runtime/pruner.h"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include "engine/runtime/background_thread.h"

namespace ferry::runtime {

Pruner::Pruner(store::Store& store, Options options, OnPurge on_purge, OnError on_error)
    : store_(store),
      options_(std::move(options)),
      on_purge_(std::move(on_purge)),
      on_error_(std::move(on_error)) {
  if (options_.retention.count() <= 0) throw std::invalid_argument("The retention time must be positive.");
  if (options_.interval.count() <= 0) throw std::invalid_argument("The pruning interval must be positive.");
  if (options_.max_messages_per_transaction == 0 || options_.max_purges_per_round == 0) {
    throw std::invalid_argument("A pruning round must be allowed to remove at least one message.");
  }
}

Pruner::~Pruner() { stop(); }

void Pruner::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Pruner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Pruner::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

std::size_t Pruner::pruneNow() {
  std::size_t removed = 0;
  for (std::size_t purges = 0; purges < options_.max_purges_per_round && !stopping(); ++purges) {
    store::PurgeResult result;
    try {
      result = store_.purgeFinished(options_.retention.count(), options_.max_messages_per_transaction,
                                    options_.actor, options_.reason);
    } catch (const std::exception& e) {
      // A busy or failing store: this round ends, the next one tries again.
      if (on_error_) on_error_(e.what());
      break;
    }
    if (result.purge.messages == 0) break;
    removed += static_cast<std::size_t>(result.purge.messages);
    if (on_purge_) on_purge_(result);
    if (!result.more) break;
  }
  return removed;
}

void Pruner::run() {
  markBackgroundThread();
  std::unique_lock lock(mutex_);
  auto wait = std::min(options_.first_round, options_.interval);
  while (!wake_.wait_for(lock, wait, [this] { return stopping_; })) {
    lock.unlock();
    pruneNow();
    lock.lock();
    wait = options_.interval;
  }
}

}  // namespace ferry::runtime
